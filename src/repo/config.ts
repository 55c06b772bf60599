import { join } from 'node:path';
import { z } from 'zod';
import { errors, isNotFound, withPath } from '../errors.js';
import { withLock } from './lock.js';
import type { Store } from './paths.js';
import { safeFsOf } from './safe-fs.js';

/** `.redb/redb.json`: bindings and settings. Validated on every read. */
export const Config = z
  .object({
    version: z.literal(1),
    databases: z
      .record(
        z.string(),
        z
          .object({
            url: z.string().min(1),
            /** The URL the MCP server queries through: a login that can only read (`redb mcp grant`). */
            readUrl: z.string().min(1).optional(),
            /** Migrate only commits verified by a trusted identity into it (`db add --require-signed`). */
            requireSigned: z.boolean().optional(),
          })
          .strict(),
      )
      .default({}),
    user: z.object({ name: z.string(), email: z.string() }).strict().optional(),
    /** `commit.sign`: sign every commit, merge and tag (as git's commit.gpgsign). */
    commit: z.object({ sign: z.boolean().optional() }).strict().optional(),
    /** `access.policy`: the Cedar access policy, a path relative to the project (docs/access.md). */
    access: z
      .object({ policy: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type Config = z.infer<typeof Config>;

/** `.redb/state/databases.json`: what redb last saw of each bound database. */
export const DbState = z.record(
  z.string(),
  z
    .object({
      /** The commit the database was last brought to or recorded at. */
      at: z.string().optional(),
      /** Canonical hash of the schema last pulled from it. */
      pulled: z.string().optional(),
    })
    .strict(),
);
export type DbState = z.infer<typeof DbState>;

const CONFIG_FILE = 'redb.json';
const STATE_FILE = join('state', 'databases.json');

export async function readJson<T>(store: Store, file: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  const path = join(store.gitdir, file);
  let text: string;
  try {
    text = await store.fs.promises.readFile(path, 'utf8');
  } catch (e) {
    // Only an absent file means "nothing yet": an unreadable one read as empty would lose its bindings at the next write.
    if (isNotFound(e)) return fallback;
    throw withPath(e, path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw errors.invalidConfig(`.redb/${file}`, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw errors.invalidConfig(`.redb/${file}`, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export async function writeJson(store: Store, file: string, value: unknown): Promise<void> {
  // Atomic (never half a file), durable, and never through a link.
  await safeFsOf(store).writeFile(join(store.gitdir, file), `${JSON.stringify(value, null, 2)}\n`, { fsync: true, tmpDir: join(store.gitdir, 'tmp') });
}

export const readConfig = (store: Store): Promise<Config> => readJson(store, CONFIG_FILE, Config, { version: 1, databases: {} });
export const writeConfig = (store: Store, config: Config): Promise<void> => writeJson(store, CONFIG_FILE, Config.parse(config));
export const readDbState = (store: Store): Promise<DbState> => readJson(store, STATE_FILE, DbState, {});
export const writeDbState = (store: Store, state: DbState): Promise<void> => writeJson(store, STATE_FILE, DbState.parse(state));

/**
 * Merge a patch into what redb last saw of a database. A read-modify-write, so it runs under the
 * repository lock: taken here unless the caller holds it already (a store from `writing`).
 */
export async function updateDbState(store: Store, name: string, patch: DbState[string]): Promise<void> {
  const update = async () => {
    const state = await readDbState(store);
    await writeDbState(store, { ...state, [name]: { ...state[name], ...patch } });
  };
  if (store.locked === true) return update();
  // Called once the database has changed (migrate): worth waiting longer for than a command that has done nothing yet.
  await withLock(store.gitdir, { command: 'redb (recording a database state)', fs: store.fs, waitMs: 30_000 }, update);
}
