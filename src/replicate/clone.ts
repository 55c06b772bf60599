import { loadExpressionTranslator } from '../adapters/expressions/index.js';
import { loadRows } from '../adapters/registry.js';
import type { RowReader, RowSource, RowTarget, RowWriter } from '../adapters/rows.js';
import { errors, firstLineOf, isRedbError } from '../errors.js';
import { maskTableOf, type Masker, type MaskTable } from '../policy/index.js';
import type { Loss, Plan, Table } from '../unified/index.js';
import { openCheckpoints } from './checkpoints.js';
import { copyTable } from './copy-table.js';
import { apply, introspect, type Endpoint } from './endpoint.js';
import type { OnEvent } from './events.js';
import { nameOf, pairTable, type TablePair } from './pairing.js';
import { runLanes } from './parallel.js';
import { rehearseClone } from './rehearse-clone.js';
import { schemaPhases, selectTables, tableId, translateTables } from './schema-phases.js';
import { verifySource, type TableCheck } from './verify.js';

export interface CloneRequest {
  readonly source: Endpoint;
  readonly target: Endpoint;
  readonly schemaOnly?: boolean | undefined;
  readonly dataOnly?: boolean | undefined;
  /** Source tables (`name` or `schema.name`); all when absent. */
  readonly tables?: readonly string[] | undefined;
  /** Source table name → condition in the source's SQL. */
  readonly where?: ReadonlyMap<string, string> | undefined;
  /** Compiles the masking policy against the source tables (which checks the columns it names). */
  readonly masker?: ((tables: readonly MaskTable[]) => Masker) | undefined;
  readonly allowLossy?: boolean | undefined;
  readonly truncate?: boolean | undefined;
  readonly resume?: boolean | undefined;
  readonly jobs: number;
  readonly batchRows: number;
  readonly verify: boolean;
  /** Where checkpoints are kept; absent outside a repository. */
  readonly checkpointFile?: string | undefined;
  readonly onEvent?: OnEvent | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface CloneResult {
  readonly source: string;
  readonly target: string;
  readonly resumed: boolean;
  readonly losses: readonly Loss[];
  readonly statements: { readonly create: number; readonly finish: number };
  readonly tables: readonly { readonly table: string; readonly target: string; readonly rows: number; readonly masked: boolean }[];
  /** What the copy leaves out without loss to the rows (foreign keys to tables not copied). */
  readonly warnings: readonly string[];
  /** Tables the policy denies: not copied at all. */
  readonly denied: readonly string[];
  readonly verify?: readonly TableCheck[] | undefined;
}

/** The policy's masking of one table's rows, columns in pair order (denied columns become NULL). */
const rowMask = (masker: Masker | undefined, pair: TablePair) => masker?.rowMasker(maskTableOf(pair.source), pair.columns.map((c) => c.source.name));

/**
 * Copy a database's schema and rows into another, of any engine: translate and create the tables,
 * copy the rows from one snapshot in parallel, add indexes and foreign keys, then verify.
 */
export async function cloneDatabase(req: CloneRequest): Promise<CloneResult> {
  const { source, target, signal } = req;
  const onEvent: OnEvent = req.onEvent ?? (() => undefined);
  const targetRows = await loadRows(target.engine);
  if (source.engine === target.engine) {
    const [a, b] = await Promise.all([targetRows.identity(source.target), targetRows.identity(target.target)]);
    if (a !== undefined && a === b) throw errors.cloneSameDatabase(source.name, target.name);
  }
  const checkpoints = await openCheckpoints(req.checkpointFile, source.name, target.name, req.resume === true);
  // One handle on the target at a time: an embedded engine must not have its file open twice.
  const withTarget = async <T>(use: (rows: RowTarget) => Promise<T>, jobs: number): Promise<T> => {
    const rows = await targetRows.openTarget(target.target, { jobs });
    try {
      return await use(rows);
    } finally {
      await rows.close();
    }
  };
  const sourceSchema = await introspect(source, signal);
  const selected = selectTables(sourceSchema.tables, req.tables, source.name);
  const masker = req.masker?.(sourceSchema.tables.map(maskTableOf));
  const denied = selected.filter((t) => masker?.deniesTable(maskTableOf(t)) === true);
  const tables = selected.filter((t) => !denied.includes(t));
  const where = resolveWhere(req.where, tables, source.name);
  if (where.size > 0 && !req.schemaOnly) {
    const probing = await (await loadRows(source.engine)).openSource(source.target, { jobs: 1 });
    try {
      await probeWhere(probing.readers[0] as RowReader, where, tables, source.name);
      await refuseOrphans(probing.readers[0] as RowReader, where, tables, source.name);
    } finally {
      await probing.close();
    }
  }
  // Checked before the target is touched: a refused translation leaves nothing behind.
  const expressions = req.dataOnly || source.engine === target.engine ? undefined : await loadExpressionTranslator(source.engine, target.engine);
  const translated = req.dataOnly ? undefined : translateTables(sourceSchema, tables, target.engine, req.allowLossy === true, target.name, expressions);
  // Across engines, the translated schema is built on a scratch database first: the engine's refusal stops the clone here.
  if (translated !== undefined && source.engine !== target.engine) await rehearseClone(target, translated.schema, signal);
  // A connection per table at most: a parallel job needs a table of its own.
  const jobs = Math.max(1, Math.min(req.jobs, tables.length));
  // Opening proves the target reachable (and creates a file database) before anything is planned.
  const { foreignKeysAtCreate, keysAfterLoad, checksForeignKeys } = await withTarget(async (rows) => rows, 1);

  let rowsSource: RowSource | undefined;
  let targetReaders: RowSource | undefined;
  try {
    const liveBefore = await introspect(target, signal);
    const existing = tables.flatMap((t) => pairTable(t, liveBefore, target.name, true) ?? []).filter((p) => checkpoints.table(p.id) === undefined);
    if (!req.schemaOnly && existing.length > 0) {
      await withTarget(async (rows) => (req.truncate ? rows.truncate(existing.map((p) => nameOf(p.target))) : refuseRows(rows, existing, target.name)), 1);
    }
    let finish: Plan | undefined;
    let created = 0;
    let pairs: TablePair[];
    if (translated === undefined) {
      pairs = tables.map((t) => pairTable(t, liveBefore, target.name, false));
    } else {
      const phases = schemaPhases(translated.schema, liveBefore, target.adapter.dialect, { foreignKeysAtCreate, keysAfterLoad });
      finish = phases.finish;
      created = await apply(target, phases.create, signal);
      onEvent({ type: 'schema', phase: 'create', statements: created });
      const liveAfter = created > 0 ? await introspect(target, signal) : liveBefore;
      pairs = tables.map((t) => pairTable(t, liveAfter, target.name, false));
    }

    const copied = new Map<string, number>();
    if (!req.schemaOnly) {
      const sourceRows = await (await loadRows(source.engine)).openSource(source.target, { jobs });
      rowsSource = sourceRows;
      const byTable = new Map(pairs.map((p) => [p.source, p]));
      // Where foreign keys exist during the load and are checked, referenced tables go first.
      const dependsOn = req.dataOnly || checksForeignKeys ? (p: TablePair) => p.source.foreignKeys.flatMap((f) => [...byTable.values()].filter((q) => q.source.name === f.references.table)) : undefined;
      await withTarget((rows) =>
        runLanes(
          pairs,
          Math.min(sourceRows.readers.length, rows.writers.length),
          async (pair, lane) => {
            try {
              const n = await copyTable(pair, sourceRows.readers[lane] as RowReader, rows.writers[lane] as RowWriter, rows, {
                sourceEngine: source.engine,
                targetEngine: target.engine,
                batchRows: req.batchRows,
                where: where.get(pair.id),
                mask: rowMask(masker, pair),
                checkpoints,
                onEvent,
                signal,
              });
              copied.set(pair.id, n);
            } catch (e) {
              // A server's refusal (a constraint, a lost connection, a full disk) is not a bug: say which table, and how to go on.
              if (isRedbError(e) || signal?.aborted === true) throw e;
              throw errors.cloneCopyFailed(source.name, target.name, pair.id, firstLineOf(e), req.checkpointFile !== undefined).because(e);
            }
          },
          dependsOn,
        ),
        jobs,
      );
    }
    const masked = new Set(pairs.filter((p) => rowMask(masker, p) !== undefined).map((p) => p.id));
    // The source's side of the comparison runs on its (now idle) readers while the target is finished.
    const verifying = req.verify && rowsSource !== undefined ? verifySource(pairs, { engine: source.engine, readers: rowsSource.readers }, target.engine, { where, countsOnly: masked, batchRows: req.batchRows, onEvent }) : undefined;
    const finished = finish === undefined ? 0 : await finishTarget(target, finish, req.checkpointFile !== undefined, signal);
    if (finish !== undefined) onEvent({ type: 'schema', phase: 'finish', statements: finished });

    let verify: TableCheck[] | undefined;
    if (verifying !== undefined) {
      targetReaders = await (await loadRows(target.engine)).openSource(target.target, { jobs });
      verify = await verifying.against({ engine: target.engine, readers: targetReaders.readers });
    }
    await checkpoints.finish();
    const result: CloneResult = {
      source: source.name,
      target: target.name,
      resumed: checkpoints.resumed,
      losses: translated?.losses ?? [],
      warnings: translated?.warnings ?? [],
      statements: { create: created, finish: finished },
      tables: pairs.map((p) => ({ table: p.id, target: tableId(p.target), rows: copied.get(p.id) ?? 0, masked: masked.has(p.id) })),
      denied: denied.map(tableId),
      verify,
    };
    const mismatched = (verify ?? []).filter((c) => !c.match).map((c) => c.table);
    if (mismatched.length > 0) throw errors.verifyMismatch(source.name, target.name, mismatched, verify ?? []);
    return result;
  } finally {
    await targetReaders?.close();
    await rowsSource?.close();
  }
}

/** Each `--where` condition run over none of its table's rows, so that one the engine cannot resolve is named before anything is written. */
export async function probeWhere(reader: RowReader, where: ReadonlyMap<string, string>, tables: readonly Table[], dbName: string): Promise<void> {
  for (const table of tables) {
    const condition = where.get(tableId(table));
    if (condition === undefined) continue;
    try {
      await reader.probe(nameOf(table), condition);
    } catch (e) {
      throw errors.cloneWhereInvalid(dbName, tableId(table), condition, firstLineOf(e)).because(e);
    }
  }
}

/**
 * A `--where` on a table that copied tables refer to must not leave their rows pointing at rows
 * that stay behind: the foreign key could not be added afterwards (or, where the target checks keys
 * during the load, the copy would stop half-way). Counted on the source before anything is written.
 */
async function refuseOrphans(reader: RowReader, where: ReadonlyMap<string, string>, tables: readonly Table[], dbName: string): Promise<void> {
  const q = reader.quote;
  const breaks: Parameters<typeof errors.cloneWhereBreaksKey>[1][number][] = [];
  for (const child of tables) {
    for (const fk of child.foreignKeys) {
      const parent = tables.find((t) => t.name === fk.references.table && t.schema === (fk.references.schema ?? child.schema));
      const parentWhere = parent === undefined ? undefined : where.get(tableId(parent));
      if (parent === undefined || parentWhere === undefined) continue;
      const childWhere = where.get(tableId(child));
      const from = `${parent.schema === undefined ? '' : `${q(parent.schema)}.`}${q(parent.name)}`;
      const matches = fk.columns.map((c, i) => `redb_parent.${q(fk.references.columns[i] as string)} = ${q(child.name)}.${q(c)}`);
      const orphan = [
        ...(childWhere === undefined ? [] : [`(${childWhere})`]),
        ...fk.columns.map((c) => `${q(child.name)}.${q(c)} IS NOT NULL`),
        `NOT EXISTS (SELECT 1 FROM ${from} AS redb_parent WHERE ${matches.join(' AND ')} AND (${parentWhere}))`,
      ].join(' AND ');
      const orphans = await reader.count(nameOf(child), orphan);
      if (orphans === 0) continue;
      const list = (names: readonly string[]) => (names.length === 1 ? q(names[0] as string) : `(${names.map(q).join(', ')})`);
      const suggestion = `${tableId(child)}:${list(fk.columns)} IN (SELECT ${fk.references.columns.map(q).join(', ')} FROM ${from} WHERE ${parentWhere})`;
      const foreignKey = `${tableId(child)}(${fk.columns.join(', ')}) → ${tableId(parent)}(${fk.references.columns.join(', ')})`;
      breaks.push({ child: tableId(child), parent: tableId(parent), foreignKey, orphans, suggestion: childWhere === undefined ? suggestion : `${suggestion} AND (${childWhere})` });
    }
  }
  if (breaks.length > 0) throw errors.cloneWhereBreaksKey(dbName, breaks);
}

/** The keys, indexes and foreign keys added after the load; a failure says that the rows are in, and how to go on. */
async function finishTarget(target: Endpoint, finish: Plan, resumable: boolean, signal: AbortSignal | undefined): Promise<number> {
  try {
    return await apply(target, finish, signal);
  } catch (e) {
    if (!isRedbError(e) || e.code !== 'REDB_MIGRATE_FAILED') throw e;
    const { statement, detail, rolledBack } = e.data as { statement: string; detail: string; rolledBack: boolean };
    throw errors.cloneFinishFailed(target.name, statement, detail, rolledBack, resumable).because(e);
  }
}

/** `--where` keys resolved to the selected tables' ids. */
export function resolveWhere(where: ReadonlyMap<string, string> | undefined, tables: readonly Table[], dbName: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, condition] of where ?? []) {
    for (const table of selectTables(tables, [name], dbName)) out.set(tableId(table), condition);
  }
  return out;
}

/** A target table that already has rows would end up with a mix: refused unless `--truncate` (or `--resume` of this clone). */
async function refuseRows(rows: RowTarget, pairs: readonly TablePair[], targetName: string): Promise<void> {
  const full: string[] = [];
  for (const pair of pairs) if ((await rows.count(nameOf(pair.target))) > 0) full.push(tableId(pair.target));
  if (full.length > 0) throw errors.cloneTargetNotEmpty(targetName, full);
}
