import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Shadow databases on a server are named so that a later run can tell whose they are and whether
 * anyone can still be using them:
 *
 *   redb_shadow_<target>_<created>_<host><pid>_<random>
 *
 * <target> is 8 hex digits of the database it stands beside, <created> the creation time in seconds
 * (base 36), <host> 6 hex digits of this machine (host name and machine id), <pid> the creating
 * process (base 36). At most 48 characters, within every engine's limit.
 *
 * A shadow is stale, and dropped by the next rehearsal on that server, when
 *   - no session is connected to it (PostgreSQL: pg_stat_activity; MariaDB: the process list), and
 *   - its creator is gone: made on this machine by a process that is no longer running, or made
 *     at least STALE_AFTER_MS ago (its creator may be on another machine: a rehearsal keeps its
 *     shadow connected from creation to drop, so an hour without a session is an abandoned one).
 * Names that do not parse (made by an older redb) are left alone: nothing says whether they are in use.
 */
export const SHADOW_PREFIX = 'redb_shadow_';

/** For LIKE: every shadow on a server, whoever made it. */
export const SHADOW_LIKE = 'redb\\_shadow\\_%';

export const STALE_AFTER_MS = 60 * 60 * 1000;

/** Shadows standing beside one database. */
export const shadowPrefix = (database: string): string => `${SHADOW_PREFIX}${createHash('sha1').update(database).digest('hex').slice(0, 8)}_`;

let machine: string | undefined;
/** This machine: its host name and, where there is one, its machine id (containers often share a host name). */
export function machineToken(): string {
  if (machine === undefined) {
    let id = '';
    try {
      id = readFileSync('/etc/machine-id', 'utf8').trim();
    } catch {
      // No machine id (not Linux): the host name alone.
    }
    machine = createHash('sha1').update(`${hostname()}\u0000${id}`).digest('hex').slice(0, 6);
  }
  return machine;
}

export interface ShadowOwner {
  readonly host: string;
  readonly pid: number;
}

export const shadowName = (database: string, now = Date.now(), owner: ShadowOwner = { host: machineToken(), pid: process.pid }): string =>
  `${shadowPrefix(database)}${Math.floor(now / 1000).toString(36)}_${owner.host}${owner.pid.toString(36)}_${randomBytes(2).toString('hex')}`;

export interface ShadowLabel extends ShadowOwner {
  /** Milliseconds since the epoch. */
  readonly created: number;
}

const NAME = /^redb_shadow_[0-9a-f]{8}_([0-9a-z]{1,10})_([0-9a-f]{6})([0-9a-z]{1,8})_[0-9a-f]{4}$/;

/** What a shadow's name says, or undefined for a name this redb did not make. */
export function parseShadowName(name: string): ShadowLabel | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return { created: parseInt(m[1] as string, 36) * 1000, host: m[2] as string, pid: parseInt(m[3] as string, 36) };
}

/** Whether a process of this machine is running (one of another user's counts as running). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The rule above, as a pure decision; `inUse` is whether any session is connected to it. */
export function isStaleShadow(name: string, inUse: boolean, now = Date.now(), here = machineToken(), alive: (pid: number) => boolean = processAlive): boolean {
  const label = parseShadowName(name);
  if (label === undefined || inUse) return false;
  if (now - label.created >= STALE_AFTER_MS) return true;
  return label.host === here && !alive(label.pid);
}
