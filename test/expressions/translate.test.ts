import { beforeAll, describe, expect, it } from 'vitest';
import { loadExpressionTranslator } from '../../src/adapters/expressions/index.js';
import type { ColumnType, Engine, ExpressionTranslator, ExpressionUse, Table } from '../../src/unified/index.js';

/**
 * The translation table, case by case: an expression as each source engine stores it, and what
 * each target gets (its SQL, or the loss reported instead). Readers and printers run for real,
 * PostgreSQL's parser included; the clone tests check that the results behave the same.
 */

const TYPES: Readonly<Record<string, ColumnType>> = {
  int: { kind: 'integer', native: 'integer', bits: 32 },
  dec: { kind: 'decimal', native: 'numeric(5,2)', precision: 5, scale: 2 },
  text: { kind: 'text', native: 'text' },
  ts: { kind: 'timestamp', native: 'timestamp without time zone', tz: false },
  date: { kind: 'date', native: 'date' },
  bool: { kind: 'boolean', native: 'boolean' },
  json: { kind: 'json', native: 'jsonb', binary: true },
};

const COLUMNS: Readonly<Record<string, keyof typeof TYPES>> = {
  qty: 'int',
  price: 'int',
  score: 'int',
  amount: 'dec',
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  kind: 'text',
  name: 'text',
  payment_date: 'ts',
  create_date: 'date',
  active: 'bool',
  body: 'json',
};

const table = (engine: Engine): Table => ({
  name: 't',
  columns: Object.entries(COLUMNS).map(([name, t]) => ({ name, type: TYPES[t] as ColumnType, nullable: true })),
  uniques: [],
  foreignKeys: [],
  checks: [],
  exclusions: [],
  indexes: [],
  policies: [],
  ...(engine === 'postgres' ? { schema: 'public' } : {}),
});

const TARGETS: readonly Engine[] = ['postgres', 'mysql', 'sqlite', 'duckdb'];
type Expected = Partial<Record<Engine, string | RegExp>>;
/** A string is the exact SQL expected; a RegExp matches the reason of a loss. */
interface Case {
  readonly from: Engine;
  readonly text: string;
  readonly use?: ExpressionUse;
  readonly to: Expected;
}

const lost = (reason: RegExp): Expected => Object.fromEntries(TARGETS.map((t) => [t, reason]));

const CASES: readonly Case[] = [
  // The sample-schema check that stopped a clone into MariaDB and SQLite.
  {
    from: 'postgres',
    text: "payment_date >= '2007-01-01'::timestamp without time zone AND payment_date < '2008-01-01 00:00:00'::timestamp without time zone",
    to: {
      mysql: "(`payment_date` >= TIMESTAMP'2007-01-01 00:00:00') AND (`payment_date` < TIMESTAMP'2008-01-01 00:00:00')",
      sqlite: `("payment_date" >= '2007-01-01 00:00:00') AND ("payment_date" < '2008-01-01 00:00:00')`,
      duckdb: `("payment_date" >= TIMESTAMP '2007-01-01 00:00:00') AND ("payment_date" < TIMESTAMP '2008-01-01 00:00:00')`,
    },
  },
  {
    from: 'postgres',
    text: "(kind)::text = ANY (ARRAY['basic'::character varying, 'pro'::character varying]::text[])",
    to: { mysql: "`kind` COLLATE utf8mb4_nopad_bin IN ('basic', 'pro')", sqlite: `"kind" IN ('basic', 'pro')`, duckdb: `"kind" IN ('basic', 'pro')` },
  },
  {
    from: 'postgres',
    text: 'score >= 0 AND score <= 100',
    to: { mysql: '(`score` >= 0) AND (`score` <= 100)', sqlite: '("score" >= 0) AND ("score" <= 100)' },
  },
  {
    from: 'postgres',
    text: "((first_name || ' '::text) || last_name)",
    use: 'generated',
    to: { mysql: "CONCAT(`first_name`, ' ', `last_name`)", sqlite: `"first_name" || ' ' || "last_name"`, duckdb: `"first_name" || ' ' || "last_name"` },
  },
  // concat() skips NULLs where || (and MariaDB's CONCAT) do not.
  {
    from: 'postgres',
    text: 'concat(first_name, last_name)',
    use: 'generated',
    to: {
      mysql: "CONCAT(COALESCE(`first_name`, ''), COALESCE(`last_name`, ''))",
      postgres: undefined,
      sqlite: `COALESCE("first_name", '') || COALESCE("last_name", '')`,
    },
  },
  { from: 'postgres', text: "qty || 'x'::text", use: 'generated', to: { sqlite: `CAST("qty" AS TEXT) || 'x'`, mysql: "CONCAT(`qty`, 'x')" } },
  { from: 'postgres', text: "amount || 'x'::text", use: 'generated', to: lost(/decimal value writes it out differently/) },
  // Integer division truncates in PostgreSQL; each target has its own spelling of that.
  { from: 'postgres', text: '(qty / 2)', use: 'generated', to: { mysql: '`qty` DIV 2', sqlite: '"qty" / 2', duckdb: '"qty" // 2' } },
  { from: 'postgres', text: '(amount / 2::numeric) > 1::numeric', to: lost(/division of decimals/) },
  { from: 'postgres', text: '(qty % 2) = 0', to: { mysql: '(`qty` % 2) = 0', duckdb: '("qty" % 2) = 0' } },
  {
    from: 'postgres',
    text: "email ~ '^[^@ ]+@[^@ ]+$'::text",
    to: {
      mysql: "`email` REGEXP '(?s-i)^[^@ ]+@[^@ ]+\\\\z'",
      duckdb: `regexp_matches("email", '(?s)^[^@ ]+@[^@ ]+$')`,
      sqlite: /SQLite has no regular-expression match/,
    },
  },
  { from: 'postgres', text: "email ~ '\\d+'::text", to: lost(/uses \\d/) },
  {
    from: 'postgres',
    text: "NOT name ~~* 'admin%'::text",
    to: { mysql: "NOT (LOWER(`name`) COLLATE utf8mb4_bin LIKE LOWER('admin%'))", duckdb: `NOT ("name" ILIKE 'admin%')`, sqlite: /ASCII letters only/ },
  },
  { from: 'postgres', text: "name ~~ 'C_*%'::text", to: { sqlite: `"name" GLOB 'C?[*]*'`, mysql: "`name` COLLATE utf8mb4_bin LIKE 'C_*%'" } },
  { from: 'postgres', text: "name ~~ 'a\\%'::text", to: lost(/escape on some engines/) },
  {
    from: 'postgres',
    text: "email IS DISTINCT FROM 'root'::text",
    to: { mysql: "NOT (`email` COLLATE utf8mb4_nopad_bin <=> 'root')", sqlite: `"email" IS DISTINCT FROM 'root'` },
  },
  { from: 'postgres', text: "name < 'm'::text", to: lost(/order of text/) },
  {
    from: 'postgres',
    text: "lower(name) <> 'x'::text",
    to: { mysql: "LOWER(`name`) COLLATE utf8mb4_nopad_bin <> 'x'", duckdb: `LOWER("name") <> 'x'`, sqlite: /ASCII letters only/ },
  },
  {
    from: 'postgres',
    text: "length(COALESCE(email, ''::text)) <= 10",
    to: { mysql: "CHAR_LENGTH(COALESCE(`email`, '')) <= 10", sqlite: `length(COALESCE("email", '')) <= 10` },
  },
  {
    from: 'postgres',
    text: "CASE WHEN score >= 50 THEN 'gold'::text ELSE 'basic'::text END",
    use: 'generated',
    to: { mysql: "CASE WHEN `score` >= 50 THEN 'gold' ELSE 'basic' END" },
  },
  {
    from: 'postgres',
    text: "NULLIF(email, ''::text)",
    use: 'generated',
    to: { mysql: "NULLIF(`email` COLLATE utf8mb4_nopad_bin, '')", sqlite: `NULLIF("email", '')` },
  },
  { from: 'postgres', text: 'score BETWEEN 0 AND 100', to: { mysql: '`score` BETWEEN 0 AND 100' } },
  { from: 'postgres', text: "payment_date + '1 day'::interval", use: 'generated', to: lost(/interval/) },
  { from: 'postgres', text: 'GREATEST(qty, price)', use: 'generated', to: lost(/MinMaxExpr/) },
  {
    from: 'postgres',
    text: '((qty)::numeric * price)',
    use: 'generated',
    to: { mysql: 'CAST(`qty` AS DECIMAL(20,0)) * `price`', duckdb: 'CAST("qty" AS DECIMAL(20,0)) * "price"', sqlite: /floating point/ },
  },
  { from: 'postgres', text: 'now()', use: 'default', to: { mysql: 'current_timestamp()', sqlite: 'CURRENT_TIMESTAMP', duckdb: 'CURRENT_TIMESTAMP' } },
  { from: 'postgres', text: "('now'::text)::date", use: 'default', to: { mysql: 'curdate()', sqlite: 'CURRENT_DATE', duckdb: 'CURRENT_DATE' } },
  { from: 'postgres', text: "'{}'::jsonb", use: 'default', to: { mysql: "'{}'", sqlite: "'{}'" } },
  { from: 'postgres', text: "'it''s \\back'::text", use: 'default', to: { mysql: "'it''s \\\\back'", sqlite: "'it''s \\back'" } },
  { from: 'postgres', text: 'true', use: 'default', to: { mysql: 'TRUE', sqlite: 'TRUE' } },
  { from: 'postgres', text: 'amount::integer > 1', to: { mysql: 'CAST(`amount` AS SIGNED) > 1', duckdb: 'CAST("amount" AS BIGINT) > 1', sqlite: /truncates/ } },
  // MariaDB's stored forms.
  { from: 'mysql', text: '`qty` DIV 2', use: 'generated', to: { postgres: '"qty" / 2', duckdb: '"qty" // 2' } },
  { from: 'mysql', text: '`qty` / 2', use: 'generated', to: lost(/divides integers into a fraction/) },
  {
    from: 'mysql',
    text: "concat(`first_name`,' ',`last_name`)",
    use: 'generated',
    to: { postgres: `"first_name" || ' ' || "last_name"`, sqlite: `"first_name" || ' ' || "last_name"` },
  },
  { from: 'mysql', text: "`kind` in ('basic','pro')", to: lost(/collation/) },
  {
    from: 'mysql',
    text: "`payment_date` >= '2007-01-01' and `payment_date` < cast('2008-01-01 00:00:00' as datetime)",
    to: { postgres: `("payment_date" >= TIMESTAMP '2007-01-01 00:00:00') AND ("payment_date" < TIMESTAMP '2008-01-01 00:00:00')` },
  },
  { from: 'mysql', text: '!(`qty` <=> `price`)', to: { postgres: 'NOT ("qty" IS NOT DISTINCT FROM "price")', mysql: undefined } },
  { from: 'mysql', text: "'it''s\\nok'", use: 'default', to: { postgres: "'it''s\nok'" } },
  { from: 'mysql', text: "_utf8mb4'abc'", use: 'default', to: { postgres: "'abc'" } },
  { from: 'mysql', text: 'current_timestamp()', use: 'default', to: { postgres: 'CURRENT_TIMESTAMP', sqlite: 'CURRENT_TIMESTAMP' } },
  // The current time kept to some fractional digits: each engine's own spelling, or said where it cannot keep them.
  {
    from: 'mysql',
    text: 'current_timestamp(3)',
    use: 'default',
    to: { postgres: 'CURRENT_TIMESTAMP(3)', sqlite: "strftime('%Y-%m-%d %H:%M:%f', 'now')", duckdb: /microseconds, not 3 digits/ },
  },
  {
    from: 'mysql',
    text: 'current_timestamp(6)',
    use: 'default',
    to: { postgres: 'CURRENT_TIMESTAMP(6)', duckdb: 'CURRENT_TIMESTAMP', sqlite: /not 6 digits/ },
  },
  { from: 'postgres', text: 'CURRENT_TIMESTAMP(3)', use: 'default', to: { mysql: 'current_timestamp(3)', sqlite: "strftime('%Y-%m-%d %H:%M:%f', 'now')" } },
  { from: 'postgres', text: 'LOCALTIMESTAMP(0)', use: 'default', to: { mysql: 'current_timestamp(0)', sqlite: 'CURRENT_TIMESTAMP' } },
  { from: 'mysql', text: 'case when `score` > 1 then 1 else 0 end', to: { postgres: 'CASE WHEN "score" > 1 THEN TRUE ELSE FALSE END' } },
  { from: 'mysql', text: '`qty` > 1 or `price` > 1 and `score` > 1', to: { postgres: '("qty" > 1) OR (("price" > 1) AND ("score" > 1))' } },
  { from: 'mysql', text: 'length(`name`) > 2', to: lost(/counts bytes/) },
  // SQLite keeps what was written.
  { from: 'sqlite', text: "email GLOB '*@*'", to: { postgres: `"email" LIKE '%@%'`, mysql: "`email` COLLATE utf8mb4_bin LIKE '%@%'" } },
  { from: 'sqlite', text: "first_name || ' ' || last_name = 'a b'", to: { postgres: `("first_name" || ' ' || "last_name") = 'a b'` } },
  {
    from: 'sqlite',
    text: "email IS NOT 'bad'",
    to: { postgres: `"email" IS DISTINCT FROM 'bad'`, mysql: "NOT (`email` COLLATE utf8mb4_nopad_bin <=> 'bad')" },
  },
  { from: 'sqlite', text: "payment_date >= '2007-01-01'", to: lost(/compares '2007-01-01' as text/) },
  { from: 'sqlite', text: "payment_date >= '2007-01-01 00:00:00'", to: { postgres: `"payment_date" >= TIMESTAMP '2007-01-01 00:00:00'` } },
  { from: 'sqlite', text: "name LIKE 'a%'", to: lost(/ASCII letters only/) },
  { from: 'sqlite', text: "lower(name) = 'x'", to: lost(/ASCII letters only/) },
  { from: 'sqlite', text: 'qty / 2', use: 'generated', to: { postgres: '"qty" / 2', mysql: '`qty` DIV 2' } },
  // SQLite matches names case-insensitively; PostgreSQL's quoted names do not.
  { from: 'sqlite', text: 'SCORE > 1', to: { postgres: '"score" > 1' } },
  { from: 'sqlite', text: 'amount * 2', use: 'generated', to: lost(/binary floating point/) },
  { from: 'sqlite', text: "date('now')", use: 'default', to: { postgres: 'CURRENT_DATE', mysql: 'curdate()' } },
  // DuckDB prints in PostgreSQL's grammar, with its own meanings.
  { from: 'duckdb', text: '(qty // 2)', use: 'generated', to: { postgres: '"qty" / 2', mysql: '`qty` DIV 2' } },
  { from: 'duckdb', text: '(qty / 2)', use: 'generated', to: lost(/divides integers into a fraction/) },
  { from: 'duckdb', text: "regexp_matches(email, '^a')", to: { postgres: `"email" ~ '^a'` } },
  { from: 'duckdb', text: "(email ~ '^a')", to: lost(/whole string/) },
  { from: 'duckdb', text: "CAST('t' AS BOOLEAN)", use: 'default', to: { postgres: 'TRUE', mysql: 'TRUE' } },
  { from: 'duckdb', text: '[1, 2]', use: 'default', to: lost(/syntax redb cannot read|not translated/) },
];

describe('expression translation across engines (readers and printers, no server)', () => {
  const translators = new Map<string, ExpressionTranslator>();
  beforeAll(async () => {
    for (const from of TARGETS) for (const to of TARGETS) if (from !== to) translators.set(`${from}>${to}`, await loadExpressionTranslator(from, to));
  });

  for (const c of CASES) {
    for (const [to, expected] of Object.entries(c.to) as [Engine, string | RegExp | undefined][]) {
      if (expected === undefined || to === c.from) continue;
      it(`${c.from} → ${to}: ${c.text}`, () => {
        const out = translators.get(`${c.from}>${to}`)?.expression(c.text, c.use ?? 'check', table(c.from));
        if (typeof expected === 'string') expect(out).toEqual({ sql: expected });
        else {
          expect(out).toHaveProperty('loss');
          expect((out as { loss: string }).loss).toMatch(expected);
        }
      });
    }
  }

  const tables: Table[] = [
    { ...table('postgres'), name: 'customer' },
    {
      schema: 'public',
      name: 'payment',
      columns: [
        { name: 'customer_id', type: TYPES.int as ColumnType, nullable: false },
        { name: 'amount', type: TYPES.dec as ColumnType, nullable: false },
      ],
      uniques: [],
      foreignKeys: [],
      checks: [],
      exclusions: [],
      indexes: [],
      policies: [],
    },
  ];

  it('translates a PostgreSQL view with a join, CASE, || and an aggregate', () => {
    const view = `SELECT c.qty AS id,
    (c.first_name || ' '::text) || c.last_name AS name,
        CASE
            WHEN c.active THEN 'active'::text
            ELSE ''::text
        END AS notes,
    count(p.amount) AS payments
   FROM public.customer c
     LEFT JOIN public.payment p ON p.customer_id = c.qty
  WHERE c.score > 1
  GROUP BY c.qty, c.first_name, c.last_name, c.active`;
    const out = translators.get('postgres>mysql')?.view(view, tables, () => undefined);
    expect(out).toEqual({
      sql: "SELECT `c`.`qty` AS `id`, CONCAT(`c`.`first_name`, ' ', `c`.`last_name`) AS `name`, CASE WHEN `c`.`active` THEN 'active' ELSE '' END AS `notes`, count(`p`.`amount`) AS `payments` FROM `customer` AS `c` LEFT JOIN `payment` AS `p` ON `p`.`customer_id` = `c`.`qty` WHERE `c`.`score` > 1 GROUP BY `c`.`qty`, `c`.`first_name`, `c`.`last_name`, `c`.`active`",
    });
    const duck = translators.get('postgres>duckdb')?.view(view, tables, (s) => s ?? 'main');
    expect(duck).toHaveProperty('sql', expect.stringContaining('FROM "public"."customer" AS "c" LEFT JOIN "public"."payment" AS "p"'));
  });

  it('translates a MariaDB view as information_schema prints it', () => {
    const view =
      "select `c`.`qty` AS `id`,concat(`c`.`first_name`,' ',`c`.`last_name`) AS `name`,nullif(`c`.`qty`,0) AS `q` from (`customer` `c` join `payment` `p` on(`p`.`customer_id` = `c`.`qty`)) where `c`.`score` > 1";
    expect(translators.get('mysql>postgres')?.view(view, tables, (s) => s ?? 'public')).toEqual({
      sql: `SELECT "c"."qty" AS "id", "c"."first_name" || ' ' || "c"."last_name" AS "name", NULLIF("c"."qty", 0) AS "q" FROM "public"."customer" AS "c" JOIN "public"."payment" AS "p" ON "p"."customer_id" = "c"."qty" WHERE "c"."score" > 1`,
    });
  });

  it('refuses what a view cannot carry, with the reason', () => {
    expect(translators.get('postgres>mysql')?.view('SELECT c.qty FROM public.customer c ORDER BY c.qty', tables, () => undefined)).toEqual({
      loss: 'ORDER BY in a view',
    });
    expect(translators.get('postgres>sqlite')?.view('SELECT sum(p.amount) AS total FROM public.payment p', tables, () => undefined)).toEqual({
      loss: 'SQLite sums decimals in floating point',
    });
    expect(translators.get('sqlite>postgres')?.view('SELECT * FROM customer', tables, () => undefined)).toHaveProperty(
      'loss',
      expect.stringMatching(/SELECT \*/),
    );
    expect(translators.get('mysql>postgres')?.view('select `c`.`qty` AS `q` from (select 1) `c`', tables, () => undefined)).toEqual({
      loss: 'a subquery in FROM',
    });
  });
});
