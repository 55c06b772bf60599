import type { EngineManifest } from '../manifest.js';
import { mysqlNativeKinds } from './native-kinds.js';
import { INNODB_KEY_BYTES, mysqlStorage } from './row-size.js';
import { mysqlSpeller } from './spell-type.js';

/** MariaDB and MySQL, as redb knows them without loading a driver. */
export const mysqlManifest: EngineManifest = {
  engine: 'mysql',
  name: 'MySQL',
  schemes: ['mysql', 'mariadb'],
  aliases: ['mariadb'],
  storage: 'server',
  capabilities: { transactionalDdl: false, namespaces: false, changeCapture: 'log', replicationOrigins: true, twoPhaseApply: true },
  facts: {
    engine: 'mysql',
    name: 'MySQL',
    spellType: mysqlSpeller,
    nativeKinds: mysqlNativeKinds,
    limits: {
      label: 'MariaDB/MySQL',
      identifier: { max: 64, unit: 'characters', truncates: false },
      columnsPerTable: 4096,
      columnsPerKey: 32,
      // Table names follow the file system (lower_case_table_names); column and index names ignore case.
      folds: { relations: false, columns: true },
      relations: ['sequences'],
      indexNames: 'table',
      foreignKeyNames: 'schema',
      storage: mysqlStorage,
      textKey: { bytes: INNODB_KEY_BYTES, perChar: 4 },
    },
    namespaces: undefined,
    numbering: 'auto-increment',
    comments: true,
    partialIndexes: false,
    generatedStored: undefined,
    // The portable model's text is Unicode, whatever the database's default character set.
    tableOptions: { charset: 'utf8mb4' },
    deferrableForeignKeys: false,
    materializedViews: false,
    enumTypes: false,
    foreignKeys: { target: 'leading-index', unresolved: 'error', qualifiedIsExternal: true, extensionSchemas: false },
  },
  now: { timestamp: 'current_timestamp()', date: 'curdate()' },
  locks: {
    rules: [
      [/^SET\b/i, ''],
      [
        /^ALTER TABLE .*\b(MODIFY|CHANGE)\b|^ALTER TABLE .*\b(ADD|DROP) PRIMARY KEY|^ALTER TABLE .*\b(ENGINE|CONVERT TO)\b/i,
        'table copy: blocks writes until done',
      ],
      [
        /^ALTER TABLE .*\bADD (UNIQUE |FULLTEXT |SPATIAL )?(INDEX|KEY)\b|^CREATE (UNIQUE |FULLTEXT |SPATIAL )?INDEX/i,
        'in place: reads and writes continue (brief metadata lock)',
      ],
      [
        /^ALTER TABLE|^RENAME TABLE|^DROP (TABLE|INDEX|VIEW)|^TRUNCATE|^CREATE (OR REPLACE )?(TRIGGER|VIEW)/i,
        'exclusive metadata lock (brief; waits for running transactions)',
      ],
    ],
    // By ALTER TABLE's algorithms.
    strength: ['table copy', 'exclusive metadata lock', 'in place'],
  },
  values: { bitsAsBytes: true },
};
