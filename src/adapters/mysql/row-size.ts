import type { Column, ColumnType, LimitProblem, Table } from '../../unified/index.js';

/**
 * How many bytes MariaDB/MySQL sets aside for a row, in the two limits a CREATE TABLE is refused
 * for (error 1118): the server's 65,535 bytes over every column (BLOB and TEXT counting only their
 * pointer), and InnoDB's in-page record of half a 16 KB page (8,126 bytes, with innodb_strict_mode,
 * the default), where a column that can move off the page counts its 20-byte pointer. Checked
 * against MariaDB 10.11 column kind by column kind (test/unified/limits.test.ts); an unknown spelling
 * counts nothing, so the estimate never refuses what the server would take.
 */

/** Bytes per character of a character set, at most; one for the single-byte sets. */
const CHARSET_BYTES: Readonly<Record<string, number>> = {
  utf8mb4: 4,
  utf8mb3: 3,
  utf8: 3,
  ucs2: 2,
  utf16: 4,
  utf16le: 4,
  utf32: 4,
  big5: 2,
  gbk: 2,
  sjis: 2,
  cp932: 2,
  euckr: 2,
  gb2312: 2,
  ujis: 3,
  eucjpms: 3,
  gb18030: 4,
};

/** The character set a MariaDB column stores in: its own, else the table's, else utf8mb4 (what redb creates). */
export const charBytes = (column: Column, table: Table): number => {
  const charset = (column.charset ?? table.options?.charset ?? 'utf8mb4').toLowerCase();
  return CHARSET_BYTES[charset] ?? 1;
};

const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4] as const;
const packedDigits = (digits: number): number => Math.floor(digits / 9) * 4 + (DIGIT_BYTES[digits % 9] ?? 4);

/** What a column occupies: a fixed size, a variable one of at most `max` bytes, or a BLOB/TEXT stored apart. */
type Storage = { readonly fixed: number } | { readonly variable: number } | { readonly blob: number } | undefined;

const BLOBS: Readonly<Record<string, number>> = { tiny: 9, '': 10, medium: 11, long: 12 };

function storage(type: ColumnType, cb: number): Storage {
  const native = type.native.toLowerCase().trim();
  const n = Number(/\((\d+)/.exec(native)?.[1] ?? NaN);
  const blob = /^(tiny|medium|long|)(text|blob)\b/.exec(native);
  if (blob !== null) return { blob: BLOBS[blob[1] as string] ?? 12 };
  if (/^(json|geometry|point|linestring|polygon|multi\w+|geometrycollection)\b/.test(native)) return { blob: 12 };
  const fsp = (base: number) => ({ fixed: base + Math.ceil((Number.isNaN(n) ? 0 : n) / 2) });
  if (/^tinyint\b|^bool/.test(native)) return { fixed: 1 };
  if (/^smallint\b/.test(native)) return { fixed: 2 };
  if (/^mediumint\b/.test(native)) return { fixed: 3 };
  if (/^(int|integer)\b/.test(native)) return { fixed: 4 };
  if (/^bigint\b/.test(native)) return { fixed: 8 };
  if (/^(decimal|numeric|dec|fixed)\b/.test(native)) {
    const [p = 10, s = 0] = (/\((\d+)(?:\s*,\s*(\d+))?\)/.exec(native) ?? []).slice(1).map((x) => (x === undefined ? undefined : Number(x))) as [
      number?,
      number?,
    ];
    return { fixed: packedDigits(p - s) + packedDigits(s) };
  }
  if (/^float\b/.test(native)) return { fixed: !Number.isNaN(n) && n > 24 ? 8 : 4 };
  if (/^(double|real)\b/.test(native)) return { fixed: 8 };
  if (/^year\b/.test(native)) return { fixed: 1 };
  if (/^date\b/.test(native)) return { fixed: 3 };
  if (/^datetime\b/.test(native)) return fsp(5);
  if (/^timestamp\b/.test(native)) return fsp(4);
  if (/^time\b/.test(native)) return fsp(3);
  if (/^bit\b/.test(native)) return { fixed: Math.ceil((Number.isNaN(n) ? 1 : n) / 8) };
  if (/^enum\b/.test(native)) return { fixed: (type.kind === 'enum' ? (type.values?.length ?? 0) : 0) > 255 ? 2 : 1 };
  if (/^set\b/.test(native)) {
    const bytes = Math.ceil((type.kind === 'set' ? type.values.length : 64) / 8);
    return { fixed: bytes > 4 ? 8 : bytes === 3 ? 3 : bytes };
  }
  if (/^uuid\b|^inet6\b/.test(native)) return { fixed: 16 };
  if (/^inet4\b/.test(native)) return { fixed: 4 };
  if (Number.isNaN(n)) return undefined;
  if (/^binary\b/.test(native)) return { fixed: n };
  if (/^varbinary\b/.test(native)) return { variable: n };
  // CHAR in a multi-byte set is stored with a variable length in InnoDB.
  if (/^(char|character|nchar)\b/.test(native)) return cb === 1 ? { fixed: n } : { variable: n * cb };
  if (/^(varchar|character varying|nvarchar)\b/.test(native)) return { variable: n * cb };
  return undefined;
}

export interface RowSize {
  /** The server's count, limited to 65,535 bytes whatever the storage engine. */
  readonly server: number;
  /** InnoDB's in-page record, limited to 8,126 bytes (16 KB pages). */
  readonly innodb: number;
}

export const SERVER_ROW_BYTES = 65_535;
export const INNODB_RECORD_BYTES = 8_126;

export function mysqlRowSize(table: Table): RowSize {
  const columns = table.columns.filter((c) => c.generated === undefined || c.generated.stored);
  const nullable = columns.filter((c) => c.nullable).length;
  let server = Math.ceil((nullable + 1) / 8);
  // Record header, null bitmap, the transaction id and roll pointer, and a row id without a primary key.
  let innodb = 5 + Math.ceil(nullable / 8) + 13 + (table.primaryKey === undefined ? 6 : 0);
  for (const c of columns) {
    const s = storage(c.type, charBytes(c, table));
    if (s === undefined) continue;
    if ('fixed' in s) {
      server += s.fixed;
      innodb += s.fixed;
    } else if ('variable' in s) {
      server += s.variable + (s.variable > 255 ? 2 : 1);
      innodb += s.variable > 255 ? 21 : s.variable + 1;
    } else {
      server += s.blob;
      innodb += 21;
    }
  }
  return { server, innodb };
}

/** Bytes a key part takes in an InnoDB key; `undefined` for a BLOB or TEXT, which needs a prefix length. */
export function keyPartBytes(column: Column, table: Table, prefix: number | undefined): number | undefined {
  const cb = charBytes(column, table);
  const s = storage(column.type, cb);
  if (s === undefined) return 0;
  const isText = /char|text/i.test(column.type.native);
  if ('blob' in s) return prefix === undefined ? undefined : prefix * (isText ? cb : 1);
  const full = 'fixed' in s ? s.fixed : s.variable;
  return prefix === undefined ? full : Math.min(full, prefix * (isText ? cb : 1));
}

const INNODB_MAX_COLUMNS = 1017;
export const INNODB_KEY_BYTES = 3072;

const isInnodb = (t: Table): boolean => t.options?.engine === undefined || t.options.engine.toLowerCase() === 'innodb';

/** What MariaDB would refuse in one table (or index otherwise than written): columns, row and key sizes. */
export function mysqlStorage(t: Table, id: string): Omit<LimitProblem, 'file'>[] {
  const out: Omit<LimitProblem, 'file'>[] = [];
  const innodb = isInnodb(t);
  if (innodb && t.columns.length > INNODB_MAX_COLUMNS)
    out.push({
      kind: 'columns',
      object: `table ${id}`,
      detail: `has ${t.columns.length} columns`,
      limit: `an InnoDB table has at most ${INNODB_MAX_COLUMNS} (errno 185)`,
    });
  const size = mysqlRowSize(t);
  if (size.server > SERVER_ROW_BYTES)
    out.push({
      kind: 'row-size',
      object: `table ${id}`,
      detail: `needs rows of up to ${size.server} bytes`,
      limit: `a MariaDB/MySQL row holds at most ${SERVER_ROW_BYTES} bytes, BLOB and TEXT columns counting only their pointers (error 1118); make some columns TEXT or BLOB`,
    });
  else if (innodb && size.innodb > INNODB_RECORD_BYTES)
    out.push({
      kind: 'row-size',
      object: `table ${id}`,
      detail: `needs an InnoDB record of up to ${size.innodb} bytes`,
      limit: `an InnoDB record holds at most ${INNODB_RECORD_BYTES} bytes in the page (error 1118); make some short VARCHAR columns TEXT, or use fewer of them`,
    });
  const keys: { name: string; parts: { column: string; length?: number | undefined }[]; pads: boolean }[] = [
    ...(t.primaryKey === undefined
      ? []
      : [{ name: 'primary key', parts: t.primaryKey.columns.map((c, i) => ({ column: c, length: t.primaryKey?.keys?.[i]?.length })), pads: false }]),
    ...t.uniques.map((u) => ({ name: `unique ${u.name ?? `(${u.columns.join(', ')})`}`, parts: u.columns.map((c) => ({ column: c })), pads: false })),
    // MariaDB cuts a plain index on a long VARCHAR to a prefix of its own accord, which then reads back as another index.
    ...t.indexes
      .filter((i) => i.method === undefined || i.method === 'btree')
      .map((i) => ({
        name: `index ${i.name}`,
        parts: i.keys.flatMap((k) => (k.column === undefined ? [] : [{ column: k.column, length: k.length }])),
        pads: !i.unique,
      })),
  ];
  for (const key of keys) {
    let bytes = 0;
    for (const part of key.parts) {
      const column = t.columns.find((c) => c.name.toLowerCase() === part.column.toLowerCase());
      if (column === undefined) continue;
      const b = keyPartBytes(column, t, part.length);
      if (b === undefined) {
        out.push({
          kind: 'key-size',
          object: `${key.name} of ${id}`,
          detail: `is on ${column.name}, a ${column.type.native} column, without a prefix length`,
          limit: 'a BLOB or TEXT column needs a key length to be part of a key (error 1170)',
        });
        bytes = Number.NaN;
        break;
      }
      bytes += b;
    }
    if (innodb && bytes > INNODB_KEY_BYTES)
      out.push({
        kind: 'key-size',
        object: `${key.name} of ${id}`,
        detail: `needs ${bytes} bytes`,
        limit: `an InnoDB key holds at most ${INNODB_KEY_BYTES} bytes (${key.pads ? 'MariaDB would index a prefix instead, which reads back as another index' : 'error 1071'})`,
      });
  }
  return out;
}
