import type { Speller } from '../../unified/index.js';
import { quoteList, sized, text } from '../spelling.js';

const MYSQL_INTEGERS = { 8: ['tinyint', 4, 3], 16: ['smallint', 6, 5], 24: ['mediumint', 9, 8], 32: ['int', 11, 10], 64: ['bigint', 20, 20] } as const;

/** How MariaDB/MySQL spells a portable type. */
export const mysqlSpeller: Speller = (t, enums) => {
  switch (t.kind) {
    case 'integer': {
      // Spelled as MariaDB reports them back, display widths included, so a round trip compares equal.
      const [name, signed, unsigned] = MYSQL_INTEGERS[t.bits];
      return { type: { kind: 'integer', native: t.unsigned ? `${name}(${unsigned}) unsigned` : `${name}(${signed})`, bits: t.bits, unsigned: t.unsigned } };
    }
    case 'decimal':
      if ((t.precision ?? 0) > 65)
        return { type: { kind: 'decimal', native: 'decimal(65,30)', precision: 65, scale: 30 }, loss: `precision ${t.precision} exceeds MySQL's 65` };
      if (t.precision === undefined)
        return { type: { kind: 'decimal', native: 'decimal(65,30)', precision: 65, scale: 30 }, loss: 'unbounded numeric becomes decimal(65,30)' };
      return { type: { ...t, native: `decimal(${t.precision},${t.scale ?? 0})${t.unsigned ? ' unsigned' : ''}` } };
    case 'float':
      return { type: { kind: 'float', native: t.bits === 32 ? 'float' : 'double', bits: t.bits } };
    case 'text':
      if (t.length === undefined) return { type: { kind: 'text', native: 'longtext' } };
      if (t.length > 16383 && !t.fixed)
        return { type: { kind: 'text', native: 'longtext' }, loss: `length ${t.length} is too long for varchar in utf8mb4; becomes longtext (not enforced)` };
      return { type: { ...t, native: t.fixed ? `char(${t.length})` : `varchar(${t.length})` } };
    case 'binary':
      return t.length === undefined
        ? { type: { kind: 'binary', native: 'longblob' } }
        : { type: { ...t, native: t.fixed ? `binary(${t.length})` : `varbinary(${t.length})` } };
    case 'boolean':
      return { type: { kind: 'integer', native: 'tinyint(1)', bits: 8 }, loss: 'boolean becomes tinyint(1): any small integer is accepted' };
    case 'date':
      return { type: { kind: 'date', native: 'date' } };
    case 'time':
      // Without a precision a time keeps microseconds elsewhere; MySQL's TIME would keep none.
      return {
        type: { kind: 'time', native: sized('time', t.precision ?? 6), tz: false, precision: t.precision ?? 6 },
        loss: t.tz ? 'time zone dropped' : undefined,
      };
    case 'timestamp':
      return {
        type: { kind: 'timestamp', native: sized('datetime', t.precision ?? 6), tz: false, precision: t.precision ?? 6 },
        loss: t.tz ? 'time zone dropped: values are stored as UTC wall time' : undefined,
      };
    case 'interval':
      return text('varchar(64)', 'interval has no MySQL type; kept as text');
    case 'uuid':
      return { type: { kind: 'uuid', native: 'uuid' } };
    case 'json':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: t.binary ? 'jsonb becomes json (keys are not normalised)' : undefined };
    case 'enum': {
      const values = t.values ?? (t.ref === undefined ? undefined : enums.get(t.ref));
      if (values === undefined) return text('text', `enum ${t.ref ?? t.native} is unknown; kept as text`);
      return { type: { kind: 'enum', native: `enum(${quoteList(values)})`, values: [...values] } };
    }
    case 'set':
      return { type: t };
    case 'array':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: `${t.native} becomes a JSON array` };
    case 'vector':
      return { type: { kind: 'json', native: 'json', binary: false }, loss: 'vector becomes a JSON array' };
    case 'network':
      return text('varchar(45)', 'network address kept as text');
    case 'bit':
      return {
        type: { kind: 'bit', native: sized('bit', t.length ?? 1), length: t.length ?? 1 },
        loss: t.varying ? 'bit varying becomes fixed bit' : undefined,
      };
    case 'spatial':
    case 'user':
    case 'other':
      return text('longtext', `${t.native} has no MySQL equivalent redb knows; values are kept as text`);
  }
};
