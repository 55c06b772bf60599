import type { EngineManifest } from '../manifest.js';
import { postgresNativeKinds } from './native-kinds.js';
import { postgresSpeller } from './spell-type.js';

/** PostgreSQL, as redb knows it without loading a driver. */
export const postgresManifest: EngineManifest = {
  engine: 'postgres',
  name: 'PostgreSQL',
  schemes: ['postgres', 'postgresql'],
  aliases: ['postgresql'],
  storage: 'server',
  capabilities: { transactionalDdl: true, namespaces: true, changeCapture: 'log', replicationOrigins: true, twoPhaseApply: true },
  facts: {
    engine: 'postgres',
    name: 'PostgreSQL',
    spellType: postgresSpeller,
    nativeKinds: postgresNativeKinds,
    limits: {
      label: 'PostgreSQL',
      identifier: { max: 63, unit: 'bytes', truncates: true },
      columnsPerTable: 1600,
      columnsPerKey: 32,
      folds: { relations: false, columns: false },
      relations: ['sequences', 'indexes', 'key-names'],
      indexNames: 'relations',
      foreignKeyNames: 'table',
    },
    namespaces: { default: 'public' },
    numbering: 'identity',
    comments: true,
    partialIndexes: true,
    generatedStored: true,
    tableOptions: undefined,
    deferrableForeignKeys: true,
    materializedViews: true,
    enumTypes: true,
    foreignKeys: { target: 'exact-key', unresolved: 'error', qualifiedIsExternal: false, extensionSchemas: true },
  },
  now: { timestamp: 'CURRENT_TIMESTAMP', date: 'CURRENT_DATE' },
  locks: {
    rules: [
      [/^SET\b|^RESET\b/i, ''],
      [/^(CREATE|DROP) INDEX CONCURRENTLY|\bVALIDATE CONSTRAINT\b/i, 'SHARE UPDATE EXCLUSIVE (reads and writes continue)'],
      [/^CREATE (UNIQUE )?INDEX/i, 'SHARE (blocks writes while it builds)'],
      [/^ALTER TABLE .* ADD (CONSTRAINT \S+ )?FOREIGN KEY/i, 'SHARE ROW EXCLUSIVE on both tables (blocks writes)'],
      [/^CREATE (CONSTRAINT )?TRIGGER/i, 'SHARE ROW EXCLUSIVE (blocks writes)'],
      [/^ALTER INDEX .* RENAME|^COMMENT ON|^ALTER TABLE .* SET STATISTICS|^ALTER TABLE \S+ SET \(/i, 'SHARE UPDATE EXCLUSIVE (reads and writes continue)'],
      [
        /^(ALTER|DROP) (TABLE|INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE)|^TRUNCATE|^CREATE OR REPLACE (VIEW|RULE)|^(CREATE|DROP) (POLICY|RULE)/i,
        'ACCESS EXCLUSIVE (blocks reads and writes)',
      ],
      [/^REFRESH MATERIALIZED VIEW CONCURRENTLY/i, 'EXCLUSIVE (reads continue)'],
      [/^REFRESH MATERIALIZED VIEW/i, 'ACCESS EXCLUSIVE (blocks reads and writes)'],
    ],
    // The conflict table's order.
    strength: ['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE (', 'SHARE UPDATE EXCLUSIVE'],
  },
  values: { bitsAsBytes: false, arrays: 'braces' },
};
