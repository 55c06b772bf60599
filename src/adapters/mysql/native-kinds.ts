import { BINARY, INTEGER, isArraySpelling, TEXT, type Kinds } from '../native-kinds.js';

/** MariaDB/MySQL COLUMN_TYPE names. */
const MYSQL_WORDS: Readonly<Record<string, Kinds>> = {
  tinyint: INTEGER,
  smallint: INTEGER,
  mediumint: INTEGER,
  int: INTEGER,
  integer: INTEGER,
  bigint: INTEGER,
  year: INTEGER,
  decimal: ['decimal'],
  numeric: ['decimal'],
  float: ['float'],
  double: ['float'],
  real: ['float'],
  char: TEXT,
  varchar: TEXT,
  tinytext: TEXT,
  text: TEXT,
  mediumtext: TEXT,
  // MariaDB's JSON is LONGTEXT with a json_valid check.
  longtext: ['text', 'json'],
  binary: BINARY,
  varbinary: BINARY,
  tinyblob: BINARY,
  blob: BINARY,
  mediumblob: BINARY,
  longblob: BINARY,
  date: ['date'],
  time: ['time'],
  datetime: ['timestamp'],
  timestamp: ['timestamp'],
  json: ['json'],
  enum: ['enum'],
  set: ['set'],
  bit: ['bit'],
  uuid: ['uuid'],
  inet4: ['network'],
  inet6: ['network'],
  geometry: ['spatial'],
  point: ['spatial'],
  linestring: ['spatial'],
  polygon: ['spatial'],
  multipoint: ['spatial'],
  multilinestring: ['spatial'],
  multipolygon: ['spatial'],
  geometrycollection: ['spatial'],
};

/** The kinds a MariaDB/MySQL spelling can carry: its first word is the type (`int(10) unsigned zerofill`, `enum('a)','b')`). */
export function mysqlNativeKinds(native: string): Kinds | undefined {
  if (isArraySpelling(native)) return ['array'];
  return MYSQL_WORDS[/^\s*([a-z0-9]+)/i.exec(native)?.[1]?.toLowerCase() ?? ''];
}
