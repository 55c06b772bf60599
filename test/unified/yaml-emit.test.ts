import { load as parse } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { emitYaml } from '../../src/unified/yaml-emit.js';

const TRICKY = [
  '',
  ' ',
  'a',
  'true',
  'False',
  'null',
  'NULL',
  '~',
  'yes',
  'no',
  'on',
  '1',
  '-1',
  '1.5',
  '1e3',
  '0x1F',
  '.5',
  '.inf',
  '-.inf',
  '.nan',
  'a: b',
  'a:b',
  'a #b',
  '#x',
  '- x',
  '? x',
  '!tag',
  '&anchor',
  '*alias',
  '%x',
  '@x',
  '`x`',
  '"x"',
  "'x'",
  "it's",
  'a,b',
  '[x]',
  '{x}',
  'trailing ',
  ' leading',
  'tab\there',
  'line\nbreak',
  'line\n',
  '\nline',
  'two\n\nblank',
  'crlf\r\nx',
  'naïve',
  '日本語',
  '😀',
  "nextval('t_id_seq'::regclass)",
  'x::text',
  'CURRENT_TIMESTAMP',
  'now()',
  "(lower('A'))",
  'a > 1 AND b IS NOT NULL',
  'select *\n  from t\n where a = 1',
  'ends with colon:',
  '|',
  '>',
  '|-',
  'back\\slash',
  'ctrl\u0001char',
  'del\u007f',
  'NVARCHAR(160)',
  'numeric(10,2)',
  'character varying(40)',
];

describe('the canonical YAML emitter', () => {
  it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('reads %s back unchanged in every position', (_label, s) => {
    const doc = { name: s, list: [s, 'x'], flow: { type: { kind: 'text', native: s } }, nested: [{ name: s, expression: s }], keys: [{ column: s }] };
    expect(parse(emitYaml(doc))).toEqual(doc);
  });

  it('round-trips every kind of value', () => {
    const doc = { version: 1, flag: true, off: false, n: 0, neg: -3, f: 2.5, empty: [], none: {}, deep: [{ a: [{ b: ['c'] }] }] };
    expect(parse(emitYaml(doc))).toEqual(doc);
  });

  it('writes readable, stable text', () => {
    const text = emitYaml({
      name: 'album',
      columns: [{ name: 'id', type: { kind: 'integer', native: 'INTEGER', bits: 64 }, nullable: false }],
      primaryKey: { columns: ['id'] },
      definition: 'SELECT 1\nFROM t',
    });
    expect(text).toBe(
      'name: album\ncolumns:\n  - name: id\n    type: {kind: integer, native: INTEGER, bits: 64}\n    nullable: false\nprimaryKey:\n  columns: [id]\ndefinition: |-\n  SELECT 1\n  FROM t\n',
    );
  });
});
