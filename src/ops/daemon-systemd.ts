import { createHash, randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { osError } from '../repo/index.js';
import { cliPath } from './daemon.js';
import { findStore, type OpContext } from './find-store.js';

/**
 * A systemd user unit that runs the project's daemon in the foreground: systemd restarts the
 * daemon, the daemon restarts its jobs. One unit per project, named after its folder.
 */

export interface SystemdUnit {
  readonly name: string;
  /** Where `--write` puts it: the user's systemd folder. */
  readonly path: string;
  readonly text: string;
}

/** A word of a systemd command line: quoted when it must be, `%` and `$` escaped as systemd reads them. */
function word(value: string): string {
  const escaped = value.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnit(ctx: OpContext & { metrics?: string | undefined }): SystemdUnit {
  const store = findStore(ctx);
  const env = ctx.env ?? process.env;
  const slug =
    basename(store.root)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project';
  const name = `redb-daemon-${slug}-${createHash('sha256').update(store.root).digest('hex').slice(0, 8)}.service`;
  const configHome = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
  const redb = [process.execPath, cliPath()].map(word).join(' ');
  const text = [
    '[Unit]',
    `Description=redb daemon of ${store.root.replace(/%/g, '%%')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${store.root.replace(/%/g, '%%')}`,
    `ExecStart=${redb} daemon start --foreground${ctx.metrics === undefined ? '' : ` --metrics ${word(ctx.metrics)}`}`,
    `ExecStop=${redb} daemon stop`,
    // The variables bound URLs name (${VAR}) go here, one NAME=value a line; the file is optional.
    `EnvironmentFile=-${join(store.gitdir, 'daemon.env').replace(/%/g, '%%')}`,
    'Restart=on-failure',
    'RestartSec=5',
    // SIGTERM to the daemon alone: it stops its jobs at a transaction boundary; whatever is left after the timeout is killed.
    'KillMode=mixed',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
  return { name, path: join(configHome, 'systemd', 'user', name), text };
}

/** Write the unit (whole, atomically) into the user's systemd folder. */
export async function writeSystemdUnit(ctx: OpContext & { metrics?: string | undefined }): Promise<SystemdUnit> {
  const unit = systemdUnit(ctx);
  const fs = findStore(ctx).fs.promises;
  const tmp = join(dirname(unit.path), `.${basename(unit.path)}.${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.mkdir(dirname(unit.path), { recursive: true });
    await fs.writeFile(tmp, unit.text, { flag: 'wx', mode: 0o644 });
    await fs.rename(tmp, unit.path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw osError(e, unit.path);
  }
  return unit;
}
