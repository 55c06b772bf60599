import type { Engine } from '../../src/unified/index.js';

/**
 * One pagila-like schema written four times, each in its engine's own SQL and full of
 * expressions: checks, defaults, generated columns, a partial unique index and views. Every check
 * reads one column of its own (its "signature"), so a probe row aimed at it tells which check a
 * target enforces and which one the clone reported lost.
 */

const VIEWS_PG = `
CREATE VIEW customer_list AS SELECT cu.customer_id AS id, cu.first_name || ' ' || cu.last_name AS name,
  CASE WHEN cu.active THEN 'active' ELSE '' END AS notes, NULLIF(cu.email, '') AS email, COALESCE(cu.city, 'n/a') AS city
  FROM customer cu WHERE cu.score >= 10;
CREATE VIEW payment_totals AS SELECT c.customer_id AS customer_id, count(p.payment_id) AS payments, sum(p.amount) AS total
  FROM customer c JOIN payment p ON p.customer_id = c.customer_id GROUP BY c.customer_id;
CREATE VIEW recent AS SELECT payment_id FROM payment ORDER BY payment_id;`;

const SEEDS = (bool: (b: boolean) => string) => `
INSERT INTO customer (customer_id, first_name, last_name, email, active, kind, score, qty, price_cents, city, code, nick, handle) VALUES
  (1, 'Ann', 'Lee', 'ann@x.io', ${bool(true)}, 'basic', 10, 1, 250, 'Oslo', 'C1', NULL, 'ann'),
  (2, 'Bob', 'Ray', NULL, ${bool(false)}, 'pro', 60, 2, 300, NULL, NULL, 'bob', NULL),
  (3, 'Cy', 'Dee', '', ${bool(true)}, 'basic', 5, 4, NULL, 'Rome', 'C9', NULL, 'cy');
INSERT INTO payment (payment_id, customer_id, amount, fee, payment_date) VALUES
  (1, 1, 10.50, 0.50, '2007-02-15 22:25:46.996577'),
  (2, 2, 45.00, 1.00, '2007-03-01 10:00:00'),
  (3, 3, 60.00, 0.00, '2007-04-01 00:00:00'),
  (4, 2, 50.00, 2.00, '2007-05-05 05:05:05');`;

export const SOURCES: Readonly<Record<'postgres' | 'mysql' | 'sqlite' | 'duckdb', string>> = {
  postgres: `
CREATE TABLE customer (
  customer_id serial PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text,
  active boolean NOT NULL DEFAULT true,
  create_date date NOT NULL DEFAULT ('now'::text)::date,
  last_update timestamp without time zone NOT NULL DEFAULT now(),
  kind character varying(10) NOT NULL DEFAULT 'basic'::character varying CONSTRAINT kind_in CHECK (kind IN ('basic', 'pro')),
  score integer NOT NULL DEFAULT 0 CONSTRAINT score_range CHECK (score BETWEEN 0 AND 100),
  note text DEFAULT 'it''s "quoted"',
  nick text CONSTRAINT nick_distinct CHECK (nick IS DISTINCT FROM 'root'),
  code text CONSTRAINT code_like CHECK (code LIKE 'C%'),
  handle text CONSTRAINT handle_ilike CHECK (NOT handle ILIKE 'admin%'),
  city text CONSTRAINT city_len CHECK (length(coalesce(city, '')) <= 10),
  qty integer NOT NULL DEFAULT 1 CONSTRAINT qty_even CHECK (qty % 2 = 0 OR qty = 1),
  price_cents integer,
  total_cents integer GENERATED ALWAYS AS (qty * price_cents) STORED,
  half_qty integer GENERATED ALWAYS AS (qty / 2) STORED,
  full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
  tier text GENERATED ALWAYS AS (CASE WHEN score >= 50 THEN 'gold' ELSE 'basic' END) STORED,
  CONSTRAINT email_re CHECK (email ~ '^[^@ ]+@[^@ ]+$' OR email = ''),
  CONSTRAINT lower_name CHECK (lower(first_name) <> 'nobody')
);
CREATE TABLE payment (
  payment_id serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customer (customer_id),
  amount numeric(5,2) NOT NULL,
  fee numeric(5,2) NOT NULL DEFAULT 0 CONSTRAINT fee_positive CHECK (fee >= 0),
  payment_date timestamp without time zone NOT NULL,
  CONSTRAINT amount_case CHECK (CASE WHEN amount > 100 THEN customer_id > 1 ELSE true END),
  CONSTRAINT payment_date_range CHECK (payment_date >= '2007-01-01'::timestamp without time zone AND payment_date < '2008-01-01 00:00:00'::timestamp without time zone)
);
CREATE UNIQUE INDEX payment_big ON payment (customer_id) WHERE amount > 50;
${VIEWS_PG}
${SEEDS((b) => String(b))}`,

  mysql: `
CREATE TABLE customer (
  customer_id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name varchar(45) NOT NULL,
  last_name varchar(45) NOT NULL,
  email varchar(50),
  active tinyint(1) NOT NULL DEFAULT 1,
  create_date date NOT NULL DEFAULT (curdate()),
  last_update timestamp NOT NULL DEFAULT current_timestamp(),
  kind varchar(10) NOT NULL DEFAULT 'basic',
  score int NOT NULL DEFAULT 0,
  note varchar(50) DEFAULT 'it''s "quoted"',
  nick varchar(20),
  code varchar(20),
  handle varchar(20),
  city varchar(40),
  qty int NOT NULL DEFAULT 1,
  price_cents int,
  total_cents int GENERATED ALWAYS AS (qty * price_cents) STORED,
  half_qty int GENERATED ALWAYS AS (qty DIV 2) STORED,
  full_name varchar(100) GENERATED ALWAYS AS (concat(first_name, ' ', last_name)) STORED,
  tier varchar(10) GENERATED ALWAYS AS (CASE WHEN score >= 50 THEN 'gold' ELSE 'basic' END) VIRTUAL,
  CONSTRAINT kind_in CHECK (kind IN ('basic', 'pro')),
  CONSTRAINT score_range CHECK (score BETWEEN 0 AND 100),
  CONSTRAINT nick_distinct CHECK (NOT (nick <=> 'root')),
  CONSTRAINT city_len CHECK (char_length(coalesce(city, '')) <= 10),
  CONSTRAINT qty_even CHECK (qty % 2 = 0 OR qty = 1)
) DEFAULT CHARSET = utf8mb4;
CREATE TABLE payment (
  payment_id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id int NOT NULL,
  amount decimal(5,2) NOT NULL,
  fee decimal(5,2) NOT NULL DEFAULT 0,
  payment_date datetime(6) NOT NULL,
  CONSTRAINT payment_customer FOREIGN KEY (customer_id) REFERENCES customer (customer_id),
  CONSTRAINT amount_case CHECK (CASE WHEN amount > 100 THEN customer_id > 1 ELSE 1 END),
  CONSTRAINT fee_positive CHECK (fee >= 0),
  CONSTRAINT payment_date_range CHECK (payment_date >= '2007-01-01' AND payment_date < '2008-01-01 00:00:00')
) DEFAULT CHARSET = utf8mb4;
CREATE VIEW customer_list AS SELECT cu.customer_id AS id, concat(cu.first_name, ' ', cu.last_name) AS name,
  CASE WHEN cu.active = 1 THEN 'active' ELSE '' END AS notes, coalesce(cu.city, 'n/a') AS city
  FROM customer cu WHERE cu.score >= 10;
CREATE VIEW payment_totals AS SELECT c.customer_id AS customer_id, count(p.payment_id) AS payments, sum(p.amount) AS total
  FROM customer c JOIN payment p ON p.customer_id = c.customer_id GROUP BY c.customer_id;
CREATE VIEW recent AS SELECT payment_id FROM payment ORDER BY payment_id;
${SEEDS((b) => (b ? '1' : '0'))}`,

  sqlite: `
CREATE TABLE customer (
  customer_id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  create_date DATE NOT NULL DEFAULT (date('now')),
  last_update DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  kind VARCHAR(10) NOT NULL DEFAULT 'basic',
  score INTEGER NOT NULL DEFAULT 0,
  note TEXT DEFAULT 'it''s "quoted"',
  nick TEXT,
  code TEXT,
  handle TEXT,
  city TEXT,
  qty INTEGER NOT NULL DEFAULT 1,
  price_cents INTEGER,
  total_cents INTEGER GENERATED ALWAYS AS (qty * price_cents) STORED,
  half_qty INTEGER GENERATED ALWAYS AS (qty / 2) STORED,
  full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
  tier TEXT GENERATED ALWAYS AS (CASE WHEN score >= 50 THEN 'gold' ELSE 'basic' END) VIRTUAL,
  CONSTRAINT kind_in CHECK (kind IN ('basic', 'pro')),
  CONSTRAINT score_range CHECK (score BETWEEN 0 AND 100),
  CONSTRAINT nick_distinct CHECK (nick IS NOT 'root'),
  CONSTRAINT code_like CHECK (code GLOB 'C*'),
  CONSTRAINT city_len CHECK (length(coalesce(city, '')) <= 10),
  CONSTRAINT qty_even CHECK (qty % 2 = 0 OR qty = 1),
  CONSTRAINT lower_name CHECK (lower(first_name) <> 'nobody')
);
CREATE TABLE payment (
  payment_id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer (customer_id),
  amount NUMERIC(5,2) NOT NULL,
  fee NUMERIC(5,2) NOT NULL DEFAULT 0,
  payment_date DATETIME NOT NULL,
  CONSTRAINT amount_case CHECK (CASE WHEN amount > 100 THEN customer_id > 1 ELSE 1 END),
  CONSTRAINT fee_positive CHECK (fee >= 0),
  CONSTRAINT payment_date_range CHECK (payment_date >= '2007-01-01 00:00:00' AND payment_date < '2008-01-01 00:00:00')
);
CREATE UNIQUE INDEX payment_big ON payment (customer_id) WHERE amount > 50;
${VIEWS_PG}
${SEEDS((b) => (b ? 'TRUE' : 'FALSE'))}`,

  duckdb: `
CREATE TABLE customer (
  customer_id INTEGER PRIMARY KEY,
  first_name VARCHAR NOT NULL,
  last_name VARCHAR NOT NULL,
  email VARCHAR,
  active BOOLEAN NOT NULL DEFAULT true,
  create_date DATE NOT NULL DEFAULT current_date,
  last_update TIMESTAMP NOT NULL DEFAULT current_timestamp,
  kind VARCHAR NOT NULL DEFAULT 'basic',
  score INTEGER NOT NULL DEFAULT 0,
  note VARCHAR DEFAULT 'it''s "quoted"',
  nick VARCHAR,
  code VARCHAR,
  handle VARCHAR,
  city VARCHAR,
  qty INTEGER NOT NULL DEFAULT 1,
  price_cents INTEGER,
  total_cents INTEGER GENERATED ALWAYS AS (qty * price_cents) VIRTUAL,
  half_qty INTEGER GENERATED ALWAYS AS (qty // 2) VIRTUAL,
  full_name VARCHAR GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL,
  tier VARCHAR GENERATED ALWAYS AS (CASE WHEN score >= 50 THEN 'gold' ELSE 'basic' END) VIRTUAL,
  CHECK (kind IN ('basic', 'pro')),
  CHECK (score BETWEEN 0 AND 100),
  CHECK (nick IS DISTINCT FROM 'root'),
  CHECK (code LIKE 'C%'),
  CHECK (NOT (handle ILIKE 'admin%')),
  CHECK (length(coalesce(city, '')) <= 10),
  CHECK (qty % 2 = 0 OR qty = 1),
  CHECK (regexp_matches(email, '^[^@ ]+@[^@ ]+$') OR email = ''),
  CHECK (lower(first_name) <> 'nobody')
);
CREATE TABLE payment (
  payment_id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer (customer_id),
  amount DECIMAL(5,2) NOT NULL,
  fee DECIMAL(5,2) NOT NULL DEFAULT 0,
  payment_date TIMESTAMP NOT NULL,
  CHECK (CASE WHEN amount > 100 THEN customer_id > 1 ELSE true END),
  CHECK (fee >= 0),
  CHECK (payment_date >= TIMESTAMP '2007-01-01 00:00:00' AND payment_date < TIMESTAMP '2008-01-01 00:00:00')
);
${VIEWS_PG}
${SEEDS((b) => String(b))}`,
};

/** The column each check reads alone: a check reported lost is known by it. */
export const SIGNATURES = ['kind', 'score', 'nick', 'code', 'handle', 'email', 'city', 'first_name', 'qty', 'fee', 'payment_date', 'amount'] as const;
export type Signature = (typeof SIGNATURES)[number] | 'payment_big';

export interface Probe {
  readonly table: 'customer' | 'payment';
  /** The one check (or the partial unique index) the row may trip over. */
  readonly aims: Signature;
  readonly row: Readonly<Record<string, string | number | null>>;
}

const c = (id: number, aims: Signature, extra: Record<string, string | number | null>): Probe => ({
  table: 'customer',
  aims,
  row: { customer_id: id, first_name: 'P', last_name: 'Q', ...extra },
});
const p = (id: number, aims: Signature, extra: Record<string, string | number | null>): Probe => ({
  table: 'payment',
  aims,
  row: { payment_id: id, customer_id: 1, amount: 1, payment_date: '2007-06-01 12:00:00', ...extra },
});

/** Rows that each engine must accept or refuse alike, wherever the check they aim at was carried. */
export const PROBES: readonly Probe[] = [
  c(1001, 'kind', { kind: 'gold' }),
  c(1002, 'kind', { kind: 'BASIC' }),
  c(1003, 'kind', { kind: 'pro' }),
  c(1004, 'score', { score: 101 }),
  c(1005, 'score', { score: 100 }),
  c(1006, 'nick', { nick: 'root' }),
  c(1007, 'nick', { nick: 'Root' }),
  c(1008, 'code', { code: 'D1' }),
  c(1009, 'code', { code: 'c1' }),
  c(1010, 'code', { code: 'C_x' }),
  c(1011, 'handle', { handle: 'Admin1' }),
  c(1012, 'handle', { handle: 'adm' }),
  c(1013, 'email', { email: 'a b@c' }),
  c(1014, 'email', { email: 'x@y' }),
  c(1015, 'city', { city: 'Springfield!' }),
  // Nine characters, seventeen bytes: a length in bytes would refuse it.
  c(1016, 'city', { city: 'ÄÖÜäöüßxy' }),
  c(1017, 'first_name', { first_name: 'Nobody' }),
  c(1018, 'qty', { qty: 3 }),
  c(1019, 'qty', { qty: 4 }),
  p(1001, 'fee', { fee: -1 }),
  p(1002, 'payment_date', { payment_date: '2006-12-31 23:59:59' }),
  p(1003, 'payment_date', { payment_date: '2007-01-01 00:00:00' }),
  p(1004, 'payment_date', { payment_date: '2008-01-01 00:00:00' }),
  p(1005, 'amount', { amount: 150 }),
  p(1006, 'amount', { amount: 150, customer_id: 2, payment_date: '2007-07-01 00:00:00' }),
  p(1007, 'payment_big', { amount: 70, customer_id: 3 }),
  p(1008, 'payment_big', { amount: 20, customer_id: 3 }),
];

/** What a clone from `source` must carry to every other engine (a reader that drops everything fails here). */
export interface MustCarry {
  readonly checks: readonly Signature[];
  readonly generated: readonly string[];
  readonly views: readonly string[];
  readonly defaults: readonly string[];
  /** Carried to these targets only (the others report them lost, with the reason). */
  readonly alsoTo?: Partial<Record<Engine, readonly Signature[]>>;
}

export const MUST_CARRY: Readonly<Record<'postgres' | 'mysql' | 'sqlite' | 'duckdb', MustCarry>> = {
  postgres: {
    alsoTo: { mysql: ['handle', 'email'], duckdb: ['handle', 'email', 'first_name'], sqlite: ['payment_big'] },
    checks: ['kind', 'score', 'nick', 'code', 'city', 'qty', 'fee', 'payment_date', 'amount'],
    generated: ['total_cents', 'half_qty', 'full_name', 'tier'],
    views: ['customer_list'],
    defaults: ['active', 'create_date', 'last_update', 'kind', 'score', 'note', 'qty'],
  },
  mysql: {
    checks: ['score', 'city', 'qty', 'fee', 'payment_date', 'amount'],
    generated: ['total_cents', 'half_qty', 'full_name', 'tier'],
    views: ['customer_list'],
    defaults: ['active', 'create_date', 'last_update', 'kind', 'score', 'note', 'qty'],
  },
  sqlite: {
    alsoTo: { postgres: ['payment_big'] },
    checks: ['kind', 'score', 'nick', 'code', 'city', 'qty', 'fee', 'payment_date', 'amount'],
    generated: ['half_qty', 'full_name', 'tier'],
    views: ['customer_list'],
    defaults: ['active', 'create_date', 'last_update', 'kind', 'score', 'note', 'qty'],
  },
  duckdb: {
    alsoTo: { postgres: ['handle', 'email', 'first_name'], mysql: ['handle', 'email', 'first_name'] },
    checks: ['kind', 'score', 'nick', 'code', 'city', 'qty', 'fee', 'payment_date', 'amount'],
    generated: ['total_cents', 'half_qty', 'full_name', 'tier'],
    views: ['customer_list'],
    defaults: ['active', 'create_date', 'last_update', 'kind', 'score', 'note', 'qty'],
  },
};

/** Where the copied tables live on the target: a namespaced target keeps the source's schema name. */
export function namespaceOn(target: Engine, source: Engine): string | undefined {
  if (target !== 'postgres' && target !== 'duckdb') return undefined;
  // PostgreSQL names its schema; DuckDB's main is its default, which each target spells its own way.
  return source === 'postgres' || target === 'postgres' ? 'public' : 'main';
}
