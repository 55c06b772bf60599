import type { ApplyTransaction } from '../adapters/change-apply.js';
import type { ChangeColumn, ColumnRename, LaterSnapshot } from '../adapters/changes.js';
import { historyCommit } from '../adapters/history-rows.js';
import { loadRows } from '../adapters/registry.js';
import type { RowSource } from '../adapters/rows.js';
import { isRedbError } from '../errors.js';
import { maskTableOf, type Masker } from '../policy/index.js';
import { applyRenames, diffSchemas, emptySchema, planHazards, planStatements, type Engine, type Rename, type Schema, type Table } from '../unified/index.js';
import { rowMask } from './clone.js';
import { introspect, type Endpoint } from './endpoint.js';
import { TableRoute } from './job-tables.js';
import { nameOf, pairTable, type TablePair } from './pairing.js';
import { tableId, translateTables } from './schema-phases.js';
import { describeShapeChange, followTarget, isNoChange, shapeChange } from './shape-change.js';

/**
 * Schema changes of a job's source, followed on its target while the stream flows. A relation
 * event that differs from what a table's route maps (job-stream.ts) comes here, in order with the
 * rows: the change is read off the relation against the source's catalog (shape-change.ts), the
 * target table it leads to is planned by the target's own dialect from the model the job keeps of
 * the target, with migrate's hazard rules, and run in the open target transaction (under a
 * savepoint where DDL is transactional). New tables in a job that takes every table are found by
 * looking at the source's catalog now and then, created the same way, and copied.
 *
 * What cannot be followed pauses that table alone: its changes are no longer applied, the job's
 * record says why and what command goes on, and that command (the job run again, with what was
 * missing) copies the table afresh. A copy taken after the stream's position: from PostgreSQL it
 * records its snapshot and the stream leaves out, for that table, the transactions the copy holds
 * (`later`, `copiedIn`); elsewhere every change is a whole row by key and replaying over the copy
 * ends at the source's rows.
 */

/**
 * A source known only through a stream (a JetStream consumer's): its engine, and its schema as the
 * stream last carried it, in order with the rows. No catalog to read, no rows to copy from.
 */
export interface StreamSource {
  readonly engine: Engine;
  readonly schema: () => Schema;
}

const isStream = (s: Endpoint | StreamSource): s is StreamSource => !('adapter' in s);

export interface SchemaFollowOptions {
  readonly source: Endpoint | StreamSource;
  readonly target: Endpoint;
  /** The renames the project's history records up to a commit (ops reads them from the repository). */
  readonly renamesTo: (commit: string) => Promise<Rename[]>;
  readonly allowDrops: boolean;
  readonly allowLossy: boolean;
  readonly masker: Masker | undefined;
  /** Where the masking policy is (for messages). */
  readonly policyFile: string | undefined;
  /** The command that runs the job again, allowing these hazards besides the job's own. */
  readonly command: (allow?: readonly string[]) => string;
  readonly signal?: AbortSignal | undefined;
  /** A change followed on the target. */
  readonly onSchema: (e: { readonly table: string; readonly change: string; readonly statements: readonly string[] }) => void;
  /** A table paused: recorded before any later position commits, so a restart knows to copy it again. */
  readonly onPause: (route: TableRoute, reason: string, command: string) => Promise<void>;
  /**
   * A snapshot of the source newer than the stream's position, whose transactions it can tell
   * (PostgreSQL): a table copied mid-stream is read in one, and `copiedIn` says which, so the stream
   * does not apply to that table again what the copy already holds. Without it the stream replays
   * over the copy by key, which an update moving a key with an unchanged TOAST value can defeat.
   */
  readonly later?: (() => Promise<LaterSnapshot>) | undefined;
  readonly copiedIn?: ((table: string, seen: { readonly snapshot: string; readonly until: string }) => Promise<void>) | undefined;
}

/** Rows per batch when a table is copied into the open target transaction. */
const COPY_ROWS = 5_000;

export class SchemaFollower {
  /** New tables without a primary key, already said. */
  private readonly keyless = new Set<string>();
  /** `target`: the target's schema as the job found it, kept up to date by what it changes. */
  constructor(
    private readonly o: SchemaFollowOptions,
    private target: Schema,
  ) {}

  /** The source's schema now: its catalog, or what its stream last said. */
  private live(): Promise<Schema> {
    const source = this.o.source;
    return isStream(source) ? Promise.resolve(source.schema()) : introspect(source, this.o.signal);
  }

  /** A route for a pair, masked as the policy says. */
  route(pair: TablePair): TableRoute {
    return new TableRoute(pair, this.o.source.engine, this.o.target.engine, rowMask(this.o.masker, pair));
  }

  /**
   * The source table's columns the target has too (the rest arrive as schema changes), paired.
   * `described`: the table's shape as the stream last described it, stored by an earlier run. A
   * column it has, and the target too, that the catalog no longer has was dropped or renamed while
   * the job was stopped: it stays paired, so rows before the change keep their values and the
   * stream's next description of the table is seen to lose it (and the target follows). The
   * target's definition of it stands in for the source's, which is gone: it decodes only values of
   * rows before the change.
   */
  pairKnown(source: Table, described?: readonly { readonly name: string }[]): TableRoute | undefined {
    const there = this.targetTable(source);
    if (there === undefined) return undefined;
    const onTarget = (name: string) => there.columns.find((t) => t.name.toLowerCase() === name.toLowerCase());
    const gone = (described ?? []).flatMap((d) => {
      const t = source.columns.some((c) => c.name === d.name) ? undefined : onTarget(d.name);
      return t === undefined || t.generated !== undefined ? [] : [{ ...t, name: d.name, nullable: true, default: undefined }];
    });
    const known = { ...source, columns: [...source.columns.filter((c) => onTarget(c.name) !== undefined), ...gone] };
    return this.route(pairTable(known, this.target, this.o.target.name, false));
  }

  private targetTable(source: { schema?: string | undefined; name: string }): Table | undefined {
    const candidates = this.target.tables.filter((t) => t.name.toLowerCase() === source.name.toLowerCase());
    return candidates.find((t) => t.schema === source.schema) ?? candidates.find((t) => t.name === source.name) ?? candidates[0];
  }

  /** Renames `redb migrate` recorded on the way to the commit the source is at (its own history says which). */
  private recordedRenames(): Promise<Rename[]> {
    // Read at each change: a migrate since the last one may have recorded the rename this one is.
    const source = this.o.source;
    // A stream carries no history: a column gone and another come are a drop and an add.
    if (isStream(source)) return Promise.resolve([]);
    return (async () => {
      const connection = await source.adapter.connect(source.target, { signal: this.o.signal });
      try {
        const commit = historyCommit((await connection.readHistory?.()) ?? []);
        return commit === undefined ? [] : await this.o.renamesTo(commit);
      } catch {
        // A commit this project does not have: no rename is known, so a drop and an add it is.
        return [];
      } finally {
        await connection.close();
      }
    })();
  }

  private async pause(route: TableRoute, reason: string, command = this.o.command()): Promise<TableRoute> {
    route.paused = reason;
    await this.o.onPause(route, reason, command);
    return route;
  }

  /** Columns a strict policy has no rule for, among `names` of `table`. */
  private unruled(table: Table, names: readonly string[]): string[] {
    const m = this.o.masker;
    if (m === undefined || !m.strict) return [];
    return names.filter((n) => !m.covers(maskTableOf(table), n));
  }

  private strictPause(route: TableRoute, table: Table, columns: readonly string[]): Promise<TableRoute> {
    const list = columns.join(', ');
    return this.pause(
      route,
      `new column${columns.length === 1 ? '' : 's'} ${list} of ${tableId(table)} ${columns.length === 1 ? 'has' : 'have'} no rule in the strict policy ${this.o.policyFile ?? ''}: its values are not copied unmasked`.replace(
        '  ',
        ' ',
      ),
      `add a rule (or a deny) for ${columns.map((c) => `${table.name}.${c}`).join(', ')} to the policy, then: ${this.o.command()}`,
    );
  }

  /**
   * Follow a table's new shape (`columns`, from the stream) on the target, in `tx`. Returns the
   * route from here on: a new one, or `route` paused. `emptying`: the table is about to be emptied
   * and copied afresh, so a change the target refuses for the rows it holds (a NOT NULL column
   * added) is made on the emptied table. `stated`: renames the source's log states for this change.
   */
  async follow(
    route: TableRoute,
    columns: readonly ChangeColumn[],
    tx: ApplyTransaction,
    how: { readonly emptying?: boolean; readonly stated?: readonly ColumnRename[] } = {},
  ): Promise<TableRoute> {
    const emptying = how.emptying === true;
    const live = await this.live();
    const table = live.tables.find((t) => t.name === route.pair.source.name && t.schema === route.pair.source.schema);
    if (table === undefined) return this.pause(route, `${route.id} is gone from the source`);
    // Recorded renames (oldest first), then those the source's log states for this very change.
    const stated: Rename[] = (how.stated ?? []).map((r) => ({ kind: 'column', table: r.table, schema: r.schema, from: r.from, to: r.to }));
    const renames = table.columns.length === 0 ? [] : [...(await this.recordedRenames()), ...stated];
    const found = shapeChange(
      route.pair.columns.map((c) => c.source),
      columns,
      table,
      renames,
    );
    // A column the stream now spells with another type than it did: retyped, whatever the catalog says now (it may be ahead).
    // Only where the stream defines its columns itself, or the route's shape is the stream's own (a relation it sent, or
    // one a run stored): the catalog's spelling of a type may differ from the stream's.
    const before = route.relationColumns;
    const respelt = columns
      .filter((c) => {
        if (c.column === undefined && !route.described) return false;
        // A column renamed and retyped at once (MariaDB's CHANGE) is compared with what it was called before.
        const name = found.renamed.find((r) => r.to === c.name)?.from ?? c.name;
        const was = before.find((b) => b.name === name);
        return was !== undefined && was.type.toLowerCase() !== c.type.toLowerCase() && route.pair.columns.some((p) => p.source.name === name);
      })
      .map((c) => c.name);
    // A stream that defines its columns says itself what was retyped; the catalog may be ahead of it.
    const defined = columns.length > 0 && columns.every((c) => c.column !== undefined);
    const change = { ...found, retyped: defined ? respelt : [...new Set([...found.retyped, ...respelt])] };
    if (isNoChange(change)) {
      route.adopt(columns);
      return route;
    }
    if (change.dropped.length > 0 && !this.o.allowDrops) {
      return this.pause(
        route,
        `column${change.dropped.length === 1 ? '' : 's'} ${change.dropped.join(', ')} of ${route.id} dropped on the source: following it drops ${change.dropped.length === 1 ? 'its' : 'their'} values on the target`,
        this.o.command(['drops-data']),
      );
    }
    const unruled = this.unruled(table, [...change.added, ...change.renamed.map((r) => r.to)]);
    if (unruled.length > 0) return this.strictPause(route, table, unruled);
    // The catalog may be ahead of the stream (changed again since): the stream's own definition of a column wins where it has
    // one and the catalog spells the column otherwise; else a column the job knows keeps its known definition.
    const known = (name: string) => {
      const live = table.columns.find((c) => c.name === name);
      const streamed = columns.find((c) => c.name === name);
      if (streamed?.column !== undefined && (live === undefined || live.type.native.toLowerCase() !== streamed.type.toLowerCase())) return streamed.column;
      return live ?? route.pair.columns.find((c) => c.source.name === name)?.source;
    };
    const stale = columns.filter((c) => known(c.name) === undefined).map((c) => c.name);
    if (stale.length > 0)
      return this.pause(
        route,
        `the stream's column${stale.length === 1 ? '' : 's'} ${stale.join(', ')} of ${route.id} ${stale.length === 1 ? 'is' : 'are'} no longer on the source (changed again since)`,
      );
    const shaped: Table = {
      ...table,
      columns: [
        ...columns.map((c) => known(c.name) as Table['columns'][number]),
        ...table.columns.filter((c) => c.generated !== undefined && !columns.some((x) => x.name === c.name)),
      ],
    };
    const next = await this.apply(
      route,
      shaped,
      live,
      tx,
      (translated) => {
        const targetOf = (source: string) => route.pair.columns.find((c) => c.source.name === source)?.target.name;
        return followTarget(route.pair.target, translated, change, targetOf);
      },
      describeShapeChange(change),
      emptying,
    );
    if (next.paused === undefined) next.adopt(columns);
    return next;
  }

  /**
   * Plan and run the target's side of a change to `shaped` (the source table as it now is), then
   * the route that maps it; `route` paused when the change may not or cannot be made.
   */
  private async apply(
    route: TableRoute,
    shaped: Table,
    live: Schema,
    tx: ApplyTransaction,
    desired: (translated: Table) => { readonly table: Table; readonly renames: readonly { from: string; to: string }[] } | undefined,
    what: string,
    emptying = false,
  ): Promise<TableRoute> {
    let translated: Table;
    try {
      translated = await this.translate(shaped, live);
    } catch (e) {
      if (!isRedbError(e)) throw e;
      return this.pause(route, `${what} on ${route.id} cannot be followed: ${e.message}`, this.o.command(e.code === 'REDB_CLONE_LOSSY' ? ['lossy'] : []));
    }
    const follow = desired(translated);
    if (follow === undefined) return this.pause(route, `${what} on ${route.id} changes its primary key: a replica cannot follow that by itself`);
    const current = route.pair.target;
    const to: Schema = { ...this.target, tables: this.target.tables.map((t) => (t === current ? follow.table : t)) };
    const hints: Rename[] = follow.renames.map((r) => ({
      kind: 'column',
      ...(current.schema === undefined ? {} : { schema: current.schema }),
      table: current.name,
      from: r.from,
      to: r.to,
    }));
    // Recorded renames first, as migrate plans them: a renamed column keeps its values.
    const renamed = applyRenames(this.target, to, hints);
    const plan = this.o.target.adapter.dialect.compile({ operations: [...renamed.operations, ...diffSchemas(renamed.from, to)], from: renamed.from, to });
    const blocked = planHazards(plan).filter((h) => (h.name === 'drops-data' && !this.o.allowDrops) || (h.name === 'lossy' && !this.o.allowLossy));
    if (blocked.length > 0) {
      const allow = [...new Set(blocked.map((h) => h.name))].join(',');
      return this.pause(route, `${what} on ${route.id} needs --allow ${allow}: ${blocked.map((h) => h.reason).join('; ')}`, this.o.command(allow.split(',')));
    }
    const statements = planStatements(plan);
    try {
      if (statements.length > 0)
        await tx.schema(statements).catch(async (e: unknown) => {
          if (!emptying || this.o.signal?.aborted === true) throw e;
          await tx.truncate([route.target]);
          await tx.schema(statements);
        });
    } catch (e) {
      if (this.o.signal?.aborted === true) throw e;
      return this.pause(route, `${what} on ${route.id}: the target refused ${firstLine(e)}`);
    }
    this.target = to;
    const pair = pairTable(shaped, to, this.o.target.name, false);
    const next = this.route(pair);
    next.changes = route.changes;
    this.o.onSchema({ table: route.id, change: what, statements });
    return next;
  }

  private async translate(table: Table, live: Schema): Promise<Table> {
    const source: Schema = { ...live, tables: live.tables.map((t) => (t.name === table.name && t.schema === table.schema ? table : t)) };
    const mine = source.tables.find((t) => t === table) as Table;
    const expressions =
      this.o.source.engine === this.o.target.engine
        ? undefined
        : await (await import('../adapters/expressions/index.js')).loadExpressionTranslator(this.o.source.engine, this.o.target.engine);
    const { schema } = translateTables(source, [mine], this.o.target.engine, this.o.allowLossy, this.o.target.name, expressions);
    return schema.tables[0] as Table;
  }

  /**
   * A paused table, copied afresh in `tx` once its change can be followed (the job run again with
   * what it lacked): the target table brought to the source's shape, emptied, and filled from the
   * source. Returns the route, paused again when it still cannot be followed.
   */
  async resync(route: TableRoute, tx: ApplyTransaction): Promise<TableRoute> {
    route.paused = undefined;
    const live = await this.live();
    const table = live.tables.find((t) => t.name === route.pair.source.name && t.schema === route.pair.source.schema);
    if (table === undefined) return this.pause(route, `${route.id} is gone from the source`);
    const columns = table.columns
      .filter((c) => c.generated === undefined)
      .map((c) => ({ name: c.name, type: c.type.native, key: table.primaryKey?.columns.includes(c.name) === true }));
    const next = await this.follow(route, columns, tx, { emptying: true });
    if (next.paused !== undefined) return next;
    await tx.truncate([next.target]);
    await this.copy(next, tx);
    return next;
  }

  /** Source tables not in `known` (a job that takes every table), created on the target and copied in `tx`. */
  async scan(
    known: ReadonlySet<string>,
    inScope: (t: Table) => boolean,
    tx: ApplyTransaction,
    include: (tables: readonly Table[]) => Promise<void>,
  ): Promise<TableRoute[]> {
    const live = await this.live();
    const candidates = live.tables.filter(
      (t) => !known.has(tableId(t)) && inScope(t) && this.o.masker?.deniesTable(maskTableOf(t)) !== true && t.partitionOf === undefined,
    );
    // Changes are applied by key: a new table without one is not replicated, and said so once (it is taken once it has one).
    for (const t of candidates) {
      if (t.primaryKey !== undefined || this.keyless.has(tableId(t))) continue;
      this.keyless.add(tableId(t));
      this.o.onSchema({ table: tableId(t), change: 'new table without a primary key: not replicated until it has one (redb migrate)', statements: [] });
    }
    const fresh = candidates.filter((t) => t.primaryKey !== undefined);
    if (fresh.length === 0) return [];
    // Captured from here on first: the copy that follows is newer than any change the stream skipped.
    await include(fresh);
    const routes: TableRoute[] = [];
    for (const table of fresh) {
      const made = await this.create(table, live, tx);
      if (made.route.paused !== undefined) {
        routes.push(made.route);
        continue;
      }
      const rows = await this.copy(made.route, tx);
      this.o.onSchema({ table: made.route.id, change: `new table, ${rows} rows copied`, statements: made.statements });
      routes.push(made.route);
    }
    return routes;
  }

  /**
   * A source table the target does not have, created on the target in `tx` (empty); its route, or
   * a route paused when the policy or the target will not have it.
   */
  async create(table: Table, live: Schema, tx: ApplyTransaction): Promise<{ route: TableRoute; statements: readonly string[] }> {
    const placeholder = this.routeForNew(table);
    const unruled = this.unruled(
      table,
      table.columns.map((c) => c.name),
    );
    if (unruled.length > 0) return { route: await this.strictPause(placeholder, table, unruled), statements: [] };
    let translated: Table;
    try {
      translated = await this.translate(table, live);
    } catch (e) {
      if (!isRedbError(e)) throw e;
      return { route: await this.pause(placeholder, `new table ${tableId(table)} cannot be created on the target: ${e.message}`), statements: [] };
    }
    const to: Schema = { ...this.target, tables: [...this.target.tables.filter((t) => t !== this.targetTable(table)), translated] };
    const created = diffSchemas(this.target, to);
    const plan = this.o.target.adapter.dialect.compile({ operations: created, from: this.target, to });
    const statements = planStatements(plan);
    try {
      await tx.schema(statements);
    } catch (e) {
      if (this.o.signal?.aborted === true) throw e;
      return { route: await this.pause(placeholder, `new table ${tableId(table)}: the target refused ${firstLine(e)}`), statements: [] };
    }
    this.target = to;
    return { route: this.route(pairTable(table, to, this.o.target.name, false)), statements };
  }

  /** A route for a table the target does not have yet (to carry its pause). */
  private routeForNew(table: Table): TableRoute {
    return this.route(pairTable(table, { ...emptySchema(this.o.target.engine), tables: [table] }, this.o.target.name, false));
  }

  /** Every row of the route's source table into `tx`, by key. Returns how many. */
  private async copy(route: TableRoute, tx: ApplyTransaction): Promise<number> {
    const from = this.o.source;
    if (isStream(from)) throw new Error('a table of a stream is not copied: its rows come in the stream');
    const later = this.o.later === undefined ? undefined : await this.o.later();
    let n = 0;
    try {
      // Recorded before the rows: a record of a copy that did not commit is replaced by the next copy's.
      if (later !== undefined) await this.o.copiedIn?.(route.id, { snapshot: later.snapshot, until: later.until });
      const source = later !== undefined ? await later.openSnapshot({ jobs: 1 }) : await (await loadRows(from.engine)).openSource(from.target, { jobs: 1 });
      n = await this.copyFrom(route, tx, source);
    } finally {
      await later?.close();
    }
    return n;
  }

  private async copyFrom(route: TableRoute, tx: ApplyTransaction, source: RowSource): Promise<number> {
    let n = 0;
    try {
      const reader = source.readers[0];
      if (reader === undefined) return 0;
      const columns = route.pair.columns.map((c) => c.source.name);
      const key = (route.pair.key ?? []).map((i) => columns[i] as string);
      for await (const batch of reader.readBatches(nameOf(route.pair.source), { columns, key, batchRows: COPY_ROWS })) {
        this.o.signal?.throwIfAborted();
        await tx.upsert(
          route.target,
          route.columns,
          route.keyColumns,
          batch.map((row) => route.copied(row).values),
        );
        n += batch.length;
      }
    } finally {
      await source.close();
    }
    return n;
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] as string;
