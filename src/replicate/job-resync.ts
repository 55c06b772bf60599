import { openChangeTarget } from '../adapters/change-apply.js';
import { loadChanges, type Position } from '../adapters/changes.js';
import { loadRows } from '../adapters/registry.js';
import type { RowSource } from '../adapters/rows.js';
import { maskTableOf } from '../policy/index.js';
import { rowMask, type CloneRequest } from './clone.js';
import { introspect, type Endpoint } from './endpoint.js';
import { TableRoute } from './job-tables.js';
import { nameOf, pairTable, type TablePair } from './pairing.js';
import { selectTables, tableId } from './schema-phases.js';
import { verifySource, type TableCheck } from './verify.js';

/**
 * A job whose source can no longer give it the changes after its position (a PostgreSQL slot
 * invalidated when max_slot_wal_keep_size was passed, a purged binary log) is set going again
 * without copying what did not change: a new hand-off (a new slot with an exported snapshot, or a
 * consistent snapshot at a binlog position), each of the job's tables compared between that
 * snapshot and the target as `redb verify` compares them, and only the tables that differ (and
 * those named) emptied and copied from the snapshot, in one target transaction that also records
 * the hand-off's position. Tables that compare equal are the source's as of that position already,
 * so the stream from it leaves every table as the source's: nothing lost, nothing doubled.
 */

export interface ResyncRequest {
  readonly job: string;
  readonly source: Endpoint;
  readonly target: Endpoint;
  /** The source's URL as the job records it (the target's position names it). */
  readonly sourceUrl: string;
  /** The job's tables (empty: every table). */
  readonly tables: readonly string[];
  /** Copied again whatever the comparison says. */
  readonly force?: readonly string[] | undefined;
  readonly masker?: CloneRequest['masker'];
  readonly onEvent?: ((e: ResyncEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export type ResyncEvent =
  | { readonly type: 'handoff'; readonly position: string }
  | { readonly type: 'compared'; readonly table: string; readonly match: boolean; readonly sourceRows: number; readonly targetRows: number }
  | { readonly type: 'recopied'; readonly table: string; readonly rows: number };

export interface ResyncResult {
  readonly job: string;
  /** Where the stream goes on from. */
  readonly position: string;
  readonly compared: readonly TableCheck[];
  /** The tables emptied and copied again, with their rows. */
  readonly recopied: readonly { readonly table: string; readonly rows: number }[];
  /**
   * Tables' columns at the hand-off as the stream describes them there, where the source can say:
   * a table copied again is mapped by them when the stream starts, not by the catalog then.
   */
  readonly columns: Readonly<Record<string, readonly { readonly name: string; readonly type: string; readonly key: boolean }[]>>;
}

const BATCH_ROWS = 5_000;

export async function resyncJob(req: ResyncRequest): Promise<ResyncResult> {
  const { source, target, signal } = req;
  const onEvent = req.onEvent ?? (() => undefined);
  const sourceSchema = await introspect(source, signal);
  const masker = req.masker?.compile(sourceSchema.tables.map(maskTableOf));
  const selected = selectTables(sourceSchema.tables, req.tables, source.name).filter((t) => masker?.deniesTable(maskTableOf(t)) !== true);
  // selectTables takes no names as every table: none named, none forced.
  const forced = req.force === undefined || req.force.length === 0 ? [] : selectTables(sourceSchema.tables, req.force, source.name);
  const live = await introspect(target, signal);
  const pairs = selected.map((t) => pairTable(t, live, target.name, false));
  const routes = new Map(pairs.map((p) => [p.id, new TableRoute(p, source.engine, target.engine, rowMask(masker, p))]));
  const capture = await (await loadChanges(source.engine)).open(source.target, req.job, { signal });
  try {
    const handoff = await capture.prepare(
      pairs.map((p) => nameOf(p.source)),
      { signal },
    );
    let snapshot: RowSource | undefined;
    try {
      onEvent({ type: 'handoff', position: handoff.start });
      snapshot = await handoff.openSnapshot({ jobs: 1 });
      const compared = await compare(pairs, snapshot, req, masker === undefined ? undefined : (p) => rowMask(masker, p));
      for (const c of compared) onEvent({ type: 'compared', table: c.table, match: c.match, sourceRows: c.sourceRows, targetRows: c.targetRows });
      const again = pairs.filter((p) => compared.some((c) => c.table === p.id && !c.match) || forced.some((f) => tableId(f) === p.id));
      const recopied = await recopy(req, again, routes, snapshot, handoff.start, handoff.state, onEvent);
      const columns = Object.fromEntries(
        pairs.flatMap((p) => {
          const at = handoff.columnsAt?.(nameOf(p.source));
          return at === undefined ? [] : [[p.id, at.map((c) => ({ name: c.name, type: c.type, key: c.key }))] as const];
        }),
      );
      return { job: req.job, position: handoff.start, compared, recopied, columns };
    } finally {
      await snapshot?.close();
      await handoff.close();
    }
  } finally {
    await capture.close();
  }
}

/** Each table at the snapshot against the target now, as `redb verify` compares them. */
async function compare(
  pairs: readonly TablePair[],
  snapshot: RowSource,
  req: ResyncRequest,
  mask: ((p: TablePair) => ((row: unknown[]) => void) | undefined) | undefined,
): Promise<TableCheck[]> {
  const verifying = verifySource(pairs, { engine: req.source.engine, readers: snapshot.readers }, req.target.engine, {
    batchRows: BATCH_ROWS,
    ...(mask === undefined ? {} : { mask }),
  });
  // One handle on the target at a time: an embedded engine must not have its file open twice.
  const targetRows = await (await loadRows(req.target.engine)).openSource(req.target.target, { jobs: 1 });
  try {
    return await verifying.against({ engine: req.target.engine, readers: targetRows.readers });
  } finally {
    await targetRows.close();
  }
}

/** The tables emptied and filled from the snapshot, and the position recorded, in one target transaction. */
async function recopy(
  req: ResyncRequest,
  pairs: readonly TablePair[],
  routes: ReadonlyMap<string, TableRoute>,
  snapshot: RowSource,
  position: Position,
  /** The stream's state at the hand-off (the tables' shapes there), stored with its position. */
  state: string | undefined,
  onEvent: (e: ResyncEvent) => void,
): Promise<{ table: string; rows: number }[]> {
  const reader = snapshot.readers[0];
  const t = await openChangeTarget(req.target.engine, req.target.target);
  const done: { table: string; rows: number }[] = [];
  try {
    const tx = await t.begin();
    try {
      if (pairs.length > 0) await tx.truncate(pairs.map((p) => nameOf(p.target)));
      for (const pair of pairs) {
        const route = routes.get(pair.id) as TableRoute;
        const columns = pair.columns.map((c) => c.source.name);
        const key = (pair.key ?? []).map((i) => columns[i] as string);
        let rows = 0;
        if (reader !== undefined)
          for await (const batch of reader.readBatches(nameOf(pair.source), { columns, key, batchRows: BATCH_ROWS })) {
            req.signal?.throwIfAborted();
            await tx.upsert(
              route.target,
              route.columns,
              route.keyColumns,
              batch.map((row) => route.copied(row).values),
            );
            rows += batch.length;
          }
        done.push({ table: pair.id, rows });
      }
      await tx.commit({ job: req.job, source: req.sourceUrl, position, appliedAt: new Date().toISOString(), ...(state === undefined ? {} : { state }) });
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  } finally {
    await t.close();
  }
  for (const d of done) onEvent({ type: 'recopied', table: d.table, rows: d.rows });
  return done;
}
