import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { fileAccessError } from '../file-access.js';
import { parseDbUrl } from '../url.js';

/** An open DuckDB database: one instance and one connection on it, closed together. */
export interface DuckdbHandle {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  /** The resolved file, or `:memory:`. */
  readonly file: string;
  close(): void;
}

export interface OpenOptions {
  /** Open the file read-only (several readers may then share it). */
  readonly readOnly?: boolean;
  /** Create the file when it does not exist; otherwise a missing file is REDB_DB_UNREACHABLE. */
  readonly create?: boolean;
}

export const MEMORY = ':memory:';

/** The file a `duckdb:<path>` target names, relative paths resolved against the project. */
export function duckdbFile(target: DbTarget): string {
  const path = parseDbUrl(target.url).path as string;
  if (path === MEMORY) return MEMORY;
  return isAbsolute(path) ? path : resolve(target.cwd, path);
}

/**
 * Open a target's database. The driver is loaded here, on first use, so that commands which never
 * touch DuckDB do not pay for it.
 */
export async function openDuckdb(target: DbTarget, options: OpenOptions = {}): Promise<DuckdbHandle> {
  const file = duckdbFile(target);
  if (file !== MEMORY && options.create !== true && !existsSync(file)) throw errors.dbUnreachable(target.name, `no DuckDB database at ${file}`, 'file');
  return openFile(target.name, file, options.readOnly === true);
}

/** A fresh in-memory database (a shadow, or a scratch copy). */
export const openDuckdbMemory = (name: string): Promise<DuckdbHandle> => openFile(name, MEMORY, false);

async function openFile(name: string, file: string, readOnly: boolean): Promise<DuckdbHandle> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (e) {
    const os = file === MEMORY ? undefined : fileAccessError(file, !readOnly);
    if (os !== undefined) throw os.because(e);
    throw errors.dbUnreachable(name, e instanceof Error ? e.message : String(e), 'file').because(e);
  }
  try {
    const connection = await instance.connect();
    let open = true;
    return {
      instance,
      connection,
      file,
      close: () => {
        if (!open) return;
        open = false;
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (e) {
    instance.closeSync();
    throw errors.dbUnreachable(name, e instanceof Error ? e.message : String(e), 'file').because(e);
  }
}
