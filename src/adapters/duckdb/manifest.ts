import type { EngineManifest } from '../manifest.js';
import { duckdbNativeKinds } from './native-kinds.js';
import { duckdbSpeller } from './spell-type.js';

/** DuckDB, as redb knows it without loading a driver. */
export const duckdbManifest: EngineManifest = {
  engine: 'duckdb',
  name: 'DuckDB',
  schemes: ['duckdb'],
  aliases: [],
  storage: 'file',
  capabilities: { transactionalDdl: true, namespaces: true, changeCapture: 'none', replicationOrigins: false, twoPhaseApply: false },
  facts: {
    engine: 'duckdb',
    name: 'DuckDB',
    spellType: duckdbSpeller,
    nativeKinds: duckdbNativeKinds,
    limits: {
      label: 'DuckDB',
      folds: { relations: true, columns: true },
      relations: [],
      indexNames: 'schema',
      foreignKeyNames: 'table',
    },
    namespaces: { default: 'main' },
    numbering: 'identity',
    comments: true,
    partialIndexes: false,
    generatedStored: false,
    tableOptions: undefined,
    deferrableForeignKeys: true,
    materializedViews: false,
    enumTypes: false,
    foreignKeys: { target: 'exact-key', unresolved: 'error', qualifiedIsExternal: false, extensionSchemas: false },
  },
  now: { timestamp: 'CURRENT_TIMESTAMP', date: 'CURRENT_DATE' },
  locks: { rules: [[/^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/i, 'database write lock (other writers wait)']], strength: [] },
  values: { bitsAsBytes: false, arrays: 'brackets' },
};
