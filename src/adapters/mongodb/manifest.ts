import type { EngineManifest } from '../manifest.js';
import { isArraySpelling } from '../native-kinds.js';

/**
 * MongoDB: known by its URLs, so a binding names it, but with no planes yet (the registry says so
 * with REDB_ENGINE_UNSUPPORTED). No type spelling: nothing is translated to it.
 */
export const mongodbManifest: EngineManifest = {
  engine: 'mongodb',
  name: 'MongoDB',
  schemes: ['mongodb', 'mongodb+srv'],
  aliases: [],
  storage: 'server',
  capabilities: { transactionalDdl: false, namespaces: false, changeCapture: 'none', replicationOrigins: false, twoPhaseApply: false },
  facts: {
    engine: 'mongodb',
    name: 'MongoDB',
    spellType: undefined,
    nativeKinds: (native) => (isArraySpelling(native) ? ['array'] : undefined),
    limits: {
      label: 'MongoDB',
      folds: { relations: false, columns: false },
      relations: [],
      indexNames: 'table',
      foreignKeyNames: 'table',
    },
    namespaces: undefined,
    numbering: 'auto-increment',
    comments: true,
    partialIndexes: false,
    generatedStored: undefined,
    tableOptions: undefined,
    deferrableForeignKeys: true,
    materializedViews: false,
    enumTypes: false,
    foreignKeys: { target: 'exact-key', unresolved: 'error', qualifiedIsExternal: false, extensionSchemas: false },
  },
  now: { timestamp: 'CURRENT_TIMESTAMP', date: 'CURRENT_DATE' },
  locks: { rules: [], strength: [] },
  values: { bitsAsBytes: false },
};
