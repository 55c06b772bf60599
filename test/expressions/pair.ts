import { expect } from 'vitest';
import type { Engine } from '../../src/unified/index.js';
import { cloneResult } from '../clone/helpers.js';
import { errorCode } from '../support/cli.js';
import { createDb, ident, normalize, quote, redbAsync, type TestDb } from './databases.js';
import { MUST_CARRY, namespaceOn, PROBES, SIGNATURES, type Probe, type Signature } from './schemas.js';

type Source = keyof typeof MUST_CARRY;

interface Loss {
  readonly object: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** What the source engine itself does with the probe rows and a row left to its defaults, read once before any clone. */
export interface SourceFacts {
  readonly accepts: readonly boolean[];
  readonly defaults: Record<string, string | null>;
}

const DEFAULTED = ['active', 'kind', 'score', 'note', 'qty'] as const;

const table = (db: TestDb, source: Engine, name: string): string => {
  const schema = namespaceOn(db.engine, source);
  return `${schema === undefined ? '' : `${ident(db.engine, schema)}.`}${ident(db.engine, name)}`;
};

const insert = (db: TestDb, source: Engine, probe: Probe): string => {
  const cols = Object.keys(probe.row);
  return `INSERT INTO ${table(db, source, probe.table)} (${cols.map((c) => ident(db.engine, c)).join(', ')}) VALUES (${cols.map((c) => quote(db.engine, probe.row[c] ?? null)).join(', ')})`;
};

const defaultRow: Probe = { table: 'customer', aims: 'kind', row: { customer_id: 2000, first_name: 'D', last_name: 'F' } };

async function readDefaults(db: TestDb, source: Engine): Promise<Record<string, string | null>> {
  const [row] = await db.rows(`SELECT * FROM ${table(db, source, 'customer')} WHERE ${ident(db.engine, 'customer_id')} = 2000`);
  return Object.fromEntries(['create_date', 'last_update', ...DEFAULTED].map((c) => [c, normalize(row?.[c])]));
}

/** Run the probes on the source, note what it accepts, and take the rows out again. */
export async function sourceFacts(src: TestDb, source: Source): Promise<SourceFacts> {
  const accepts: boolean[] = [];
  for (const probe of PROBES) accepts.push(await src.run(insert(src, source, probe)));
  expect(await src.run(insert(src, source, defaultRow))).toBe(true);
  const defaults = await readDefaults(src, source);
  for (const t of ['payment', 'customer'])
    expect(await src.run(`DELETE FROM ${table(src, source, t)} WHERE ${ident(src.engine, `${t}_id`)} >= 1000`)).toBe(true);
  // The probes say something only if the source's own checks turn some of them down.
  expect(accepts.filter((a) => !a).length).toBeGreaterThan(5);
  return { accepts, defaults };
}

const sorted = (rows: Record<string, unknown>[], columns: readonly string[]) =>
  rows.map((r) => columns.map((c) => normalize(r[c]))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Clone `src` into a new database of `target`: refused without --allow lossy (nothing created),
 * then allowed; every expression either carried and behaving as on the source, or listed lost.
 */
export async function clonePair(
  src: TestDb,
  source: Source,
  target: Engine & ('postgres' | 'mysql' | 'sqlite' | 'duckdb'),
  facts: SourceFacts,
  cwd: string,
): Promise<void> {
  const dst = await createDb(target);
  try {
    const refused = await redbAsync(cwd, ['clone', src.url, dst.url, '--yes']);
    expect(errorCode(refused), refused.stderr).toBe('REDB_CLONE_LOSSY');
    expect(refused.code).toBe(3);
    expect(await dst.tables()).toEqual([]);

    const r = await redbAsync(cwd, ['clone', src.url, dst.url, '--allow', 'lossy', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const losses = cloneResult(r).losses as Loss[];
    expect(losses).toContainEqual(
      expect.objectContaining({ object: expect.stringMatching(/^view (\w+\.)?recent$/), to: '(not created)', reason: 'ORDER BY in a view' }),
    );

    const lostChecks = new Set<Signature>(
      losses.filter((l) => l.object.startsWith('check ')).flatMap((l) => SIGNATURES.filter((s) => new RegExp(`\\b${s}\\b`).test(l.from))),
    );
    if (losses.some((l) => /^index .*payment_big$/.test(l.object))) lostChecks.add('payment_big');
    const must = MUST_CARRY[source];
    for (const s of [...must.checks, ...(must.alsoTo?.[target] ?? [])])
      expect(lostChecks.has(s), `${source} → ${target}: the check on ${s} was reported lost: ${JSON.stringify(losses.filter((l) => l.from.includes(s)))}`).toBe(
        false,
      );
    for (const g of must.generated) expect(losses.filter((l) => l.object.endsWith(`.${g}`) && l.to === '(a plain column)')).toEqual([]);
    for (const d of must.defaults) expect(losses.filter((l) => l.object.endsWith(`.${d}`) && l.from.startsWith('DEFAULT'))).toEqual([]);
    for (const v of must.views) expect(losses.filter((l) => l.object.endsWith(`.${v}`) || l.object === `view ${v}`)).toEqual([]);

    // Views: carried ones return the same rows; lost ones do not exist.
    for (const view of ['customer_list', 'payment_totals', 'recent']) {
      const lost = losses.some((l) => l.object.startsWith('view ') && l.object.endsWith(view));
      const srcRows = await src.rows(`SELECT * FROM ${table(src, source, view)}`);
      const there = await dst.run(`SELECT * FROM ${table(dst, source, view)}`);
      expect(there, `${view} on ${target}`).toBe(!lost);
      if (!lost) {
        const columns = Object.keys(srcRows[0] ?? {});
        expect(sorted(await dst.rows(`SELECT * FROM ${table(dst, source, view)}`), columns), view).toEqual(sorted(srcRows, columns));
      }
    }

    // Generated columns compute (or, where reported lost, were copied) the same values.
    const generated = ['customer_id', 'total_cents', 'half_qty', 'full_name', 'tier'];
    const select = (db: TestDb) => db.rows(`SELECT ${generated.map((c) => ident(db.engine, c)).join(', ')} FROM ${table(db, source, 'customer')}`);
    expect(sorted(await select(dst), generated)).toEqual(sorted(await select(src), generated));

    // Defaults give the same values (the current date and time: some value).
    expect(await dst.run(insert(dst, source, defaultRow))).toBe(true);
    const defaults = await readDefaults(dst, source);
    expect(defaults.create_date).not.toBeNull();
    expect(defaults.last_update).not.toBeNull();
    for (const c of DEFAULTED) expect(defaults[c], `default of ${c}`).toBe(facts.defaults[c]);

    // Checks and the partial unique index refuse the same rows, unless reported lost.
    for (const [i, probe] of PROBES.entries()) {
      const accepted = await dst.run(insert(dst, source, probe));
      const expected = lostChecks.has(probe.aims) ? true : facts.accepts[i];
      expect(accepted, `${source} → ${target}: ${JSON.stringify(probe.row)} (aimed at ${probe.aims})`).toBe(expected);
    }
  } finally {
    await dst.drop();
  }
}
