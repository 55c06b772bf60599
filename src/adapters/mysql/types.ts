import type { ColumnType } from '../../unified/index.js';
import { parseValueList } from './sql-text.js';

const INTEGER_BITS: Readonly<Record<string, 8 | 16 | 24 | 32 | 64>> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  integer: 32,
  bigint: 64,
};

const SPATIAL = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/**
 * The portable meaning of a MariaDB/MySQL column type. `native` is COLUMN_TYPE exactly as the server
 * reports it (`int(10) unsigned zerofill`, `enum('a','b')`), which is what a same-engine round trip
 * re-creates. `dataType` is DATA_TYPE, the bare type name.
 *
 * - tinyint(1)/BOOL stay integer 8: the server cannot tell a flag from a small number.
 * - DATETIME is a timestamp without time zone; TIMESTAMP is stored in UTC and shown in the session's
 *   time zone, so it is a timestamp with time zone.
 * - YEAR is a 16-bit integer (1901..2155).
 */
export function mysqlColumnType(columnType: string, dataType: string): ColumnType {
  const native = columnType;
  const base = dataType.toLowerCase();
  const args = /^[a-z0-9 ]+\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/i.exec(columnType);
  const n1 = args?.[1] === undefined ? undefined : Number(args[1]);
  const n2 = args?.[2] === undefined ? undefined : Number(args[2]);
  const unsigned = /\bunsigned\b/i.test(columnType) ? { unsigned: true } : {};
  const length = n1 === undefined ? {} : { length: n1 };

  const bits = INTEGER_BITS[base];
  if (bits !== undefined) return { kind: 'integer', native, bits, ...unsigned };
  if (SPATIAL.has(base)) return { kind: 'spatial', native };
  switch (base) {
    case 'decimal':
    case 'numeric':
      return { kind: 'decimal', native, ...(n1 === undefined ? {} : { precision: n1 }), ...(n2 === undefined ? {} : { scale: n2 }), ...unsigned };
    case 'float':
      return { kind: 'float', native, bits: 32, ...unsigned };
    case 'double':
    case 'real':
      return { kind: 'float', native, bits: 64, ...unsigned };
    case 'char':
      return { kind: 'text', native, ...length, fixed: true };
    case 'varchar':
      return { kind: 'text', native, ...length };
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return { kind: 'text', native };
    case 'binary':
      return { kind: 'binary', native, ...length, fixed: true };
    case 'varbinary':
      return { kind: 'binary', native, ...length };
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return { kind: 'binary', native };
    case 'date':
      return { kind: 'date', native };
    case 'time':
      return { kind: 'time', native, tz: false, precision: n1 ?? 0 };
    case 'datetime':
      return { kind: 'timestamp', native, tz: false, precision: n1 ?? 0 };
    case 'timestamp':
      return { kind: 'timestamp', native, tz: true, precision: n1 ?? 0 };
    case 'year':
      return { kind: 'integer', native, bits: 16 };
    case 'json':
      // MySQL's own binary JSON; MariaDB's JSON is LONGTEXT and is recognised by the introspector.
      return { kind: 'json', native, binary: true };
    case 'enum':
      return { kind: 'enum', native, values: parseValueList(columnType) };
    case 'set':
      return { kind: 'set', native, values: parseValueList(columnType) };
    case 'bit':
      return { kind: 'bit', native, length: n1 ?? 1 };
    case 'uuid':
      return { kind: 'uuid', native };
    case 'inet4':
    case 'inet6':
      return { kind: 'network', native };
    default:
      return { kind: 'other', native };
  }
}

/** MariaDB's JSON alias: LONGTEXT in utf8mb4_bin with a `json_valid` check of the column. */
export const MARIADB_JSON: ColumnType = { kind: 'json', native: 'json', binary: false };
export const MARIADB_JSON_COLLATION = 'utf8mb4_bin';
