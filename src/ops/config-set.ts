import { relative, resolve, sep } from 'node:path';
import { errors } from '../errors.js';
import { readConfig, writeConfig, type Config } from '../repo/index.js';
import { findStore, type OpContext } from './find-store.js';

/** The settings `redb config` reads and writes, as git names them where git has one. */
const KEYS = ['commit.sign', 'user.name', 'user.email', 'access.policy'] as const;
type Key = (typeof KEYS)[number];

const isKey = (k: string): k is Key => (KEYS as readonly string[]).includes(k);

function get(config: Config, key: Key): string | undefined {
  if (key === 'commit.sign') return config.commit?.sign === undefined ? undefined : String(config.commit.sign);
  if (key === 'access.policy') return config.access?.policy;
  return key === 'user.name' ? config.user?.name : config.user?.email;
}

/** `redb config <key> [<value>]`: show or set one setting of .redb/redb.json (`access.policy ''` removes the policy). */
export async function configValue(ctx: OpContext & { key: string; value?: string }): Promise<{ key: string; value?: string | undefined }> {
  if (!isKey(ctx.key)) throw errors.usage(`unknown setting '${ctx.key}'`, `settings: ${KEYS.join(', ')}`);
  const store = findStore(ctx);
  const config = await readConfig(store);
  if (ctx.value === undefined) return { key: ctx.key, value: get(config, ctx.key) };
  let next: Config;
  if (ctx.key === 'commit.sign') {
    if (ctx.value !== 'true' && ctx.value !== 'false') throw errors.usage(`commit.sign is true or false, not '${ctx.value}'`);
    next = { ...config, commit: { ...config.commit, sign: ctx.value === 'true' } };
  } else if (ctx.key === 'access.policy') {
    if (ctx.value === '') {
      const { access: _dropped, ...rest } = config;
      next = rest;
    } else {
      // Stored relative to the project, and refused (nothing written) unless it loads and validates now.
      const path = relative(store.root, resolve(ctx.cwd, ctx.value)).split(sep).join('/');
      await (await import('../policy/access-policy.js')).loadAccessPolicy(resolve(store.root, path), path);
      next = { ...config, access: { policy: path } };
    }
  } else {
    const user = { name: config.user?.name ?? '', email: config.user?.email ?? '', [ctx.key === 'user.name' ? 'name' : 'email']: ctx.value };
    next = { ...config, user };
  }
  await writeConfig(store, next);
  return { key: ctx.key, value: get(next, ctx.key) };
}
