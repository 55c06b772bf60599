import type { EngineManifest } from '../manifest.js';
import { sqliteNativeKinds } from './native-kinds.js';
import { sqliteSpeller } from './spell-type.js';

/** SQLite, as redb knows it without loading a driver. */
export const sqliteManifest: EngineManifest = {
  engine: 'sqlite',
  name: 'SQLite',
  schemes: ['sqlite'],
  aliases: [],
  storage: 'file',
  capabilities: { transactionalDdl: true, namespaces: false, changeCapture: 'trigger', replicationOrigins: false, twoPhaseApply: false },
  facts: {
    engine: 'sqlite',
    name: 'SQLite',
    spellType: sqliteSpeller,
    nativeKinds: sqliteNativeKinds,
    limits: {
      label: 'SQLite',
      columnsPerTable: 2000,
      folds: { relations: true, columns: true },
      relations: ['indexes'],
      indexNames: 'relations',
      foreignKeyNames: 'table',
    },
    namespaces: undefined,
    numbering: 'auto-increment',
    comments: false,
    partialIndexes: true,
    generatedStored: undefined,
    tableOptions: undefined,
    deferrableForeignKeys: true,
    materializedViews: false,
    enumTypes: false,
    // SQLite creates foreign keys to anything and fails at the first insert through them.
    foreignKeys: { target: 'exact-key', unresolved: 'warning', qualifiedIsExternal: false, extensionSchemas: false },
  },
  now: { timestamp: 'CURRENT_TIMESTAMP', date: 'CURRENT_DATE' },
  locks: {
    rules: [
      [/^PRAGMA\b/i, ''],
      [/^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/i, 'database write lock (other writers wait)'],
    ],
    strength: [],
  },
  values: { bitsAsBytes: false },
};
