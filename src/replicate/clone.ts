import { loadExpressionTranslator } from '../adapters/expressions/index.js';
import { createHash } from 'node:crypto';
import { loadRows } from '../adapters/registry.js';
import type { RowReader, RowSource, RowTarget, RowWriter, TableName } from '../adapters/rows.js';
import { errors, firstLineOf, isRedbError } from '../errors.js';
import { maskTableOf, type Masker, type MaskTable } from '../policy/index.js';
import type { Loss, Plan, Table } from '../unified/index.js';
import { openCheckpoints, type CheckpointWriter, type CloneJob } from './checkpoints.js';
import { copyTable } from './copy-table.js';
import type { CatchUp } from './page-copy.js';
import { apply, introspect, SERVERS, type Endpoint } from './endpoint.js';
import type { OnEvent } from './events.js';
import { nameOf, pairTable, type TablePair } from './pairing.js';
import { runLanes } from './parallel.js';
import { rehearseClone } from './rehearse-clone.js';
import { schemaPhases, selectTables, tableId, translateTables } from './schema-phases.js';
import { refuseIncompatible, refuseOversized, refuseUnevenArrays, truncationOrder } from './target-checks.js';
import { verifySource, type TableCheck } from './verify.js';
import { probeWhere, refuseOrphans, resolveWhere } from './where.js';

export { probeWhere, resolveWhere } from './where.js';

export interface CloneRequest {
  readonly source: Endpoint;
  readonly target: Endpoint;
  /** The URLs as given (`${VAR}` kept), which the checkpoint records. */
  readonly sourceUrl: string;
  readonly targetUrl: string;
  readonly schemaOnly?: boolean | undefined;
  readonly dataOnly?: boolean | undefined;
  /** Source tables (`name` or `schema.name`); all when absent. */
  readonly tables?: readonly string[] | undefined;
  /** Source table name → condition in the source's SQL. */
  readonly where?: ReadonlyMap<string, string> | undefined;
  /** Compiles the masking policy against the source tables (which checks the columns it names); `file` names it in messages. */
  readonly masker?: { readonly file: string; readonly compile: (tables: readonly MaskTable[]) => Masker } | undefined;
  readonly allowLossy?: boolean | undefined;
  readonly truncate?: boolean | undefined;
  readonly resume?: boolean | undefined;
  readonly jobs: number;
  readonly batchRows: number;
  readonly verify: boolean;
  /** Where checkpoints are kept; absent outside a repository. */
  readonly checkpointFile?: string | undefined;
  /** Writes the checkpoints (atomically, never through a link); given with `checkpointFile`. */
  readonly checkpointWriter?: (() => CheckpointWriter) | undefined;
  readonly onEvent?: OnEvent | undefined;
  /** Aborting stops the clone at the next batch; its reason (`SIGINT`, `SIGTERM`) names the signal. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Readers of a snapshot taken elsewhere, for the copy (replication's hand-off: the stream starts
   * exactly where it ends); the clone takes its own otherwise.
   */
  readonly snapshot?: ((jobs: number) => Promise<RowSource>) | undefined;
  /**
   * A replication job's copy (page-copy.ts): chunks recorded under its id, and, resumed, tables
   * neither refused for their rows nor emptied up front (each is settled as it is copied), the
   * records left for the job to forget once its position is in the target.
   */
  readonly catchUp?: CatchUp | undefined;
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
export const rowMask = (masker: Masker | undefined, pair: TablePair): ((row: unknown[]) => void) | undefined =>
  masker?.rowMasker(
    maskTableOf(pair.source),
    pair.columns.map((c) => c.source.name),
  );

/** The shape of the copied tables on the source: what their rows are made of. */
function shapeHash(tables: readonly Table[]): string {
  const shape = tables.map((t) => [
    tableId(t),
    t.columns.map((c) => [c.name, c.type.native, c.nullable, c.generated?.expression ?? null]),
    t.primaryKey?.columns ?? null,
  ]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/**
 * Copy a database's schema and rows into another, of any engine: translate and create the tables,
 * copy the rows from one snapshot in parallel, add indexes and foreign keys, then verify. Every
 * check that can refuse runs before the target is first written.
 */
export async function cloneDatabase(req: CloneRequest): Promise<CloneResult> {
  try {
    return await clone(req);
  } catch (e) {
    // Stopped by a signal: one line saying how to go on, whatever was running when it came.
    const reason: unknown = req.signal?.reason;
    if (req.signal?.aborted === true) {
      throw errors.cloneInterrupted(req.source.name, req.target.name, reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT', req.checkpointFile !== undefined).because(e);
    }
    throw e;
  }
}

async function clone(req: CloneRequest): Promise<CloneResult> {
  const { source, target, signal } = req;
  const onEvent: OnEvent = req.onEvent ?? (() => undefined);
  const targetRows = await loadRows(target.engine);
  // Whether both name one database is asked beside the catalog reads (which change nothing), and
  // settled before anything else is opened or written.
  const sameDatabase =
    source.engine === target.engine
      ? Promise.all([targetRows.identity(source.target), targetRows.identity(target.target)]).then(([a, b]) => a !== undefined && a === b)
      : Promise.resolve(false);
  sameDatabase.catch(() => undefined);
  // One handle on the target at a time: an embedded engine must not have its file open twice.
  const withTarget = async <T>(use: (rows: RowTarget) => Promise<T>, jobs: number): Promise<T> => {
    const rows = await targetRows.openTarget(target.target, { jobs });
    try {
      return await use(rows);
    } finally {
      await rows.close();
    }
  };
  // A server target's catalog is read beside the source's: reading it changes nothing, where an
  // embedded target is opened (and its file created) only once the checks below have passed.
  const earlyTarget = SERVERS.has(target.engine) ? introspect(target, signal) : undefined;
  earlyTarget?.catch(() => undefined);
  const sourceSchema = await introspect(source, signal);
  if (await sameDatabase) throw errors.cloneSameDatabase(source.name, target.name);
  const selected = selectTables(sourceSchema.tables, req.tables, source.name);
  const masker = req.masker?.compile(sourceSchema.tables.map(maskTableOf));
  const denied = selected.filter((t) => masker?.deniesTable(maskTableOf(t)) === true);
  const tables = selected.filter((t) => !denied.includes(t));
  const where = resolveWhere(req.where, tables, source.name);
  const sourceRows = await loadRows(source.engine);
  if (where.size > 0 && !req.schemaOnly) {
    const probing = await sourceRows.openSource(source.target, { jobs: 1 });
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
  const job: CloneJob = {
    source: req.sourceUrl,
    target: req.targetUrl,
    mode: req.schemaOnly ? 'schema-only' : req.dataOnly ? 'data-only' : 'schema-and-data',
    tables: tables.map(tableId),
    denied: denied.map(tableId),
    where: Object.fromEntries(where),
    mask: masker === undefined || req.masker === undefined ? null : { file: req.masker.file, ...masker.fingerprint },
    batchRows: req.batchRows,
    allowLossy: req.allowLossy === true,
    truncate: req.truncate === true,
    schema: shapeHash(tables),
  };
  const checkpoints = await openCheckpoints(req.checkpointFile, job, req.resume === true, req.checkpointWriter);
  // A connection per table at most: a parallel job needs a table of its own.
  const jobs = Math.max(1, Math.min(req.jobs, tables.length));
  signal?.throwIfAborted();
  // Opening proves the target reachable (and creates a file database) before anything is planned.
  const { foreignKeysAtCreate, keysAfterLoad, checksForeignKeys } = await withTarget(async (rows) => rows, 1);

  let rowsSource: RowSource | undefined;
  let targetReaders: RowSource | undefined;
  // The source's figures are computed beside the copy, on a connection of their own in the same
  // snapshot (the rows cannot differ), so that after the copy only the target is read again.
  // PostgreSQL only: its readers share an exported snapshot at no cost, where MariaDB's need a
  // global read lock to agree; a replication copy's kept tables are known only once copied.
  const besideCopy = req.verify && !req.schemaOnly && req.catchUp === undefined && source.engine === 'postgres';
  const readers = besideCopy ? jobs + 1 : jobs;
  /** A server source's snapshot, opened while the target's tables are created (neither waits on the other). */
  let early: Promise<RowSource> | undefined;
  try {
    const liveBefore = await (earlyTarget ?? introspect(target, signal));
    const there = tables.flatMap((t) => pairTable(t, liveBefore, target.name, true) ?? []);
    const existing = there.filter((p) => checkpoints.table(p.id) === undefined);
    if (!req.schemaOnly) {
      // Whether the copy can succeed is settled before a table is emptied or a row written.
      refuseIncompatible(there, target.name);
      // Both checks on one connection: each opened before the first row is time the copy waits.
      const emptying = await withTarget(async (rows) => {
        let order: TableName[] = [];
        if (req.catchUp?.resumed !== true) {
          if (!req.truncate) await refuseRows(rows, existing, target.name);
          else
            order = await truncationOrder(
              liveBefore,
              existing.map((p) => p.target),
              rows,
              target.name,
            );
        }
        // Only where a check applies: a source with arrays of arrays, into rectangular arrays; a server that bounds a row.
        const nested = rows.rectangularArrays === true && tables.some((t) => t.columns.some((c) => c.type.kind === 'array' && (c.type.dims ?? 1) >= 2));
        if (rows.largestValue !== undefined || nested) {
          const planned = translated === undefined ? there : tables.map((t) => pairTable(t, translated.schema, target.name, false));
          const probing = await sourceRows.openSource(source.target, { jobs: 1 });
          try {
            await refuseOversized(planned, probing.readers[0] as RowReader, rows, where, target.name);
            await refuseUnevenArrays(planned, probing.readers[0] as RowReader, rows, where, target.name);
          } finally {
            await probing.close();
          }
        }
        return order;
      }, 1);
      signal?.throwIfAborted();
      await checkpoints.start();
      if (emptying.length > 0) await withTarget((rows) => rows.truncate(emptying), 1);
    } else {
      await checkpoints.start();
    }
    if (!req.schemaOnly && req.snapshot === undefined && SERVERS.has(source.engine)) {
      early = sourceRows.openSource(source.target, { jobs: readers });
      // A failure surfaces where it is awaited; meanwhile it must not go unhandled.
      early.catch(() => undefined);
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
      // Within one engine the tables just created are the source's own, as planned: they are paired
      // with the plan, not read back (the verify still reads every row the target holds). Across
      // engines the target's spelling of a type or a name may differ from the plan's: it is read.
      const liveAfter = created > 0 && source.engine !== target.engine ? await introspect(target, signal) : liveBefore;
      pairs = tables.map(
        (t) =>
          pairTable(t, liveAfter, target.name, true) ??
          (source.engine === target.engine ? pairTable(t, translated.schema, target.name, true) : undefined) ??
          pairTable(t, liveAfter, target.name, false),
      );
    }

    const copied = new Map<string, number>();
    // Tables a resumed replication copy kept as an earlier snapshot left them: not this snapshot's, so not compared with it.
    const kept = new Set<string>();
    const catchUp: CatchUp | undefined =
      req.catchUp === undefined
        ? undefined
        : {
            ...req.catchUp,
            settled: (table, how, chunks, rows) => {
              if (how === 'kept') kept.add(table);
              req.catchUp?.settled(table, how, chunks, rows);
            },
          };
    const masked = new Set(pairs.filter((p) => rowMask(masker, p) !== undefined).map((p) => p.id));
    const verifyOptions = { where, mask: (p: TablePair) => rowMask(masker, p), batchRows: req.batchRows, onEvent };
    let verifying: ReturnType<typeof verifySource> | undefined;
    if (!req.schemaOnly) {
      const reading = await (early ?? (req.snapshot !== undefined ? req.snapshot(readers) : sourceRows.openSource(source.target, { jobs: readers })));
      rowsSource = reading;
      const copyReaders = reading.readers.slice(0, jobs);
      if (besideCopy) verifying = verifySource(pairs, { engine: source.engine, readers: reading.readers.slice(jobs) }, target.engine, verifyOptions);
      const byTable = new Map(pairs.map((p) => [p.source, p]));
      // Where foreign keys exist during the load and are checked, referenced tables go first.
      const dependsOn =
        req.dataOnly || checksForeignKeys
          ? (p: TablePair) => p.source.foreignKeys.flatMap((f) => [...byTable.values()].filter((q) => q.source.name === f.references.table))
          : undefined;
      const job = req.catchUp?.id ?? checkpoints.id;
      await withTarget(async (rows) => {
        // Chunks a fresh clone finds recorded under its id are an abandoned run's, of tables emptied since.
        if (job !== undefined && !checkpoints.resumed && req.catchUp?.resumed !== true) await rows.forgetChunks?.(job);
        await runLanes(
          pairs,
          Math.min(copyReaders.length, rows.writers.length),
          async (pair, lane) => {
            try {
              const n = await copyTable(pair, copyReaders[lane] as RowReader, rows.writers[lane] as RowWriter, rows, {
                sourceEngine: source.engine,
                targetEngine: target.engine,
                batchRows: req.batchRows,
                where: where.get(pair.id),
                mask: rowMask(masker, pair),
                checkpoints,
                job,
                catchUp,
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
        );
        // Every table is done in the checkpoint: the target's records of chunks are no longer needed.
        if (job !== undefined && catchUp === undefined) await rows.forgetChunks?.(job);
      }, jobs);
    }
    signal?.throwIfAborted();
    // The target is hashed before the keys and indexes are added: it reads the rows while they are
    // fresh in the server's cache, and the index builds that follow run alone instead of slowed by a
    // scan beside them (where the source is hashed only now, both sides are hashed at once). Masked
    // tables compare the source's values masked the same way.
    let verify: TableCheck[] | undefined;
    if (req.verify && rowsSource !== undefined) {
      const checking =
        verifying ??
        verifySource(
          pairs.filter((p) => !kept.has(p.id)),
          { engine: source.engine, readers: rowsSource.readers },
          target.engine,
          verifyOptions,
        );
      // Its transaction is over before the keys are added: a read lock it held would stall them.
      targetReaders = await (await loadRows(target.engine)).openSource(target.target, { jobs });
      try {
        verify = await checking.against({ engine: target.engine, readers: targetReaders.readers });
      } finally {
        const closing = targetReaders;
        targetReaders = undefined;
        await closing.close();
      }
    }
    signal?.throwIfAborted();
    const finished = finish === undefined ? 0 : await finishTarget(target, finish, req.checkpointFile !== undefined, signal);
    if (finish !== undefined) onEvent({ type: 'schema', phase: 'finish', statements: finished });

    signal?.throwIfAborted();
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
    // Opened early, for a copy that never began.
    if (rowsSource === undefined) await early?.then((s) => s.close()).catch(() => undefined);
  }
}

/** The keys, indexes and foreign keys added after the load; a failure says that the rows are in, and how to go on. */
async function finishTarget(target: Endpoint, finish: Plan, resumable: boolean, signal: AbortSignal | undefined): Promise<number> {
  try {
    return await apply(target, finish, signal);
  } catch (e) {
    if (!isRedbError(e, 'REDB_MIGRATE_FAILED')) throw e;
    const { statement, detail, rolledBack } = e.data;
    throw errors.cloneFinishFailed(target.name, statement, detail, rolledBack, resumable).because(e);
  }
}

/** A target table that already has rows would end up with a mix: refused unless `--truncate` (or `--resume` of this clone). */
async function refuseRows(rows: RowTarget, pairs: readonly TablePair[], targetName: string): Promise<void> {
  const full: string[] = [];
  for (const pair of pairs) if ((await rows.count(nameOf(pair.target))) > 0) full.push(tableId(pair.target));
  if (full.length > 0) throw errors.cloneTargetNotEmpty(targetName, full);
}
