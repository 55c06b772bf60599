import { tableLabel, type ChangeColumn } from '../adapters/changes.js';
import type { TableName } from '../adapters/rows.js';
import { maskTableOf, type Masker } from '../policy/index.js';
import type { ColumnType, Schema, Table } from '../unified/index.js';
import { introspect, type Endpoint } from './endpoint.js';
import { columnTypes } from './nats-envelope.js';
import type { NatsJobRecord } from './nats-job.js';
import { selectTables, tableId } from './schema-phases.js';

/**
 * The tables a publisher puts in its stream, as it encodes them: each one's column order (the
 * source's last relation), key and types, masked as the policy says. A table's shape that changes
 * on the source is read again from its catalog, and the schema the stream carries follows; a new
 * column a strict policy has no rule for pauses its table (nothing of it is published while so),
 * as direct replication does.
 */

export interface Shape {
  columns: string[];
  key: string[];
  types: ReadonlyMap<string, ColumnType>;
  /** The source table as last read from its catalog. */
  table: Table;
  /** Why its changes are not published, while they are not. */
  paused?: string | undefined;
}

export interface PublishedOptions {
  readonly source: Endpoint;
  readonly tables: readonly string[] | undefined;
  readonly masker: Masker | undefined;
  readonly policyFile: string | undefined;
  readonly record: NatsJobRecord;
  /** The command that runs the publisher again. */
  readonly command: string;
  readonly signal: AbortSignal | undefined;
}

const plainColumns = (t: Table) => t.columns.filter((c) => c.generated === undefined).map((c) => c.name);

export class PublishedTables {
  private readonly shapes = new Map<string, Shape>();
  /** The schema the stream carries now (or is about to). */
  schema: Schema;
  private pending: Schema | undefined;

  constructor(
    private readonly o: PublishedOptions,
    private readonly base: Schema,
    tables: readonly Table[],
    /** The schema the stream carried last (a publisher resumed), or the tables as they are now (a new stream). */
    known: readonly Table[],
  ) {
    for (const t of tables)
      this.shapes.set(
        tableId(t),
        this.shapeFor(
          t,
          known.find((k) => tableId(k) === tableId(t)),
        ),
      );
    this.schema = this.schemaOf();
  }

  /** The job's tables among a catalog's: the selection, less what the policy denies whole. */
  inJob(tables: readonly Table[]): Table[] {
    return selectTables(tables, this.o.tables, this.o.source.name).filter((t) => this.o.masker?.deniesTable(maskTableOf(t)) !== true);
  }

  get all(): Shape[] {
    return [...this.shapes.values()];
  }

  shapeOf(t: TableName): Shape | undefined {
    return this.shapes.get(tableLabel(t)) ?? [...this.shapes.entries()].find(([id]) => id.split('.').pop() === t.name)?.[1];
  }

  /** The policy's masking of `columns` of a table, in that order. */
  mask(shape: Shape, columns: readonly string[]): ((row: unknown[]) => void) | undefined {
    return this.o.masker?.rowMasker(maskTableOf(shape.table), columns);
  }

  /**
   * A table's shape; a strict policy pauses it for columns new since the stream last described it
   * (`known`: its table in the stream's last schema), or for any column with no rule when it is new.
   */
  private shapeFor(t: Table, known: Table | undefined): Shape {
    const shape: Shape = { columns: plainColumns(t), key: t.primaryKey?.columns.slice() ?? [], types: columnTypes(t), table: t };
    const unruled = this.unruled(
      t,
      shape.columns.filter((c) => known === undefined || !known.columns.some((k) => k.name === c)),
    );
    if (unruled.length > 0) shape.paused = this.reason(t, unruled);
    return shape;
  }

  private schemaOf(): Schema {
    return { ...this.base, tables: this.all.map((s) => s.table), views: [], routines: [], natives: [], triggers: [] };
  }

  private unruled(t: Table, columns: readonly string[]): string[] {
    const m = this.o.masker;
    if (m === undefined || !m.strict) return [];
    return columns.filter((c) => !m.covers(maskTableOf(t), c));
  }

  private reason(t: Table, columns: readonly string[]): string {
    const list = columns.join(', ');
    return `column${columns.length === 1 ? '' : 's'} ${list} of ${tableId(t)} ${columns.length === 1 ? 'has' : 'have'} no rule in the strict policy ${this.o.policyFile ?? ''}: ${columns.length === 1 ? 'its' : 'their'} values are not published unmasked`;
  }

  /** Paused now: said and recorded. */
  private async pause(shape: Shape, unruled: readonly string[]): Promise<void> {
    shape.paused = this.reason(shape.table, unruled);
    await this.o.record.pause(
      tableId(shape.table),
      shape.paused,
      `add a rule (or a deny) for ${unruled.map((c) => `${shape.table.name}.${c}`).join(', ')} to the policy, then: ${this.o.command}`,
    );
  }

  /** Tables paused from the start (columns added while the publisher was away), recorded as such. */
  async recordPauses(known: readonly Table[]): Promise<void> {
    for (const s of this.all) {
      const had = known.find((k) => tableId(k) === tableId(s.table));
      if (s.paused !== undefined)
        await this.pause(
          s,
          this.unruled(
            s.table,
            s.columns.filter((c) => had === undefined || !had.columns.some((k) => k.name === c)),
          ),
        );
    }
  }

  /**
   * The source reports another shape of a table (`columns`, in order with its rows): its catalog is
   * read again, values from here on are encoded by it, and the stream's schema follows.
   */
  async follow(shape: Shape, columns: readonly ChangeColumn[]): Promise<void> {
    const live = await introspect(this.o.source, this.o.signal);
    const table = live.tables.find((t) => tableId(t) === tableId(shape.table));
    if (table !== undefined) {
      shape.table = table;
      shape.types = columnTypes(table);
    }
    const added = columns.map((c) => c.name).filter((c) => !shape.columns.includes(c));
    shape.columns = columns.map((c) => c.name);
    shape.key = columns.filter((c) => c.key).map((c) => c.name);
    const unruled = this.unruled(shape.table, added);
    if (unruled.length > 0 && shape.paused === undefined) await this.pause(shape, unruled);
    const next = this.schemaOf();
    if (JSON.stringify(next.tables) !== JSON.stringify(this.schema.tables)) this.pending = next;
  }

  /** A schema to publish before the transaction being read, if its tables changed. */
  takeSchema(): Schema | undefined {
    const next = this.pending;
    this.pending = undefined;
    if (next !== undefined) this.schema = next;
    return next;
  }

  /** Tables new on the source in the job's scope (a job that takes every table), taken into the stream's schema. */
  async fresh(): Promise<Table[]> {
    if (this.o.tables !== undefined && this.o.tables.length > 0) return [];
    const live = await introspect(this.o.source, this.o.signal);
    const found = this.inJob(live.tables).filter((t) => !this.shapes.has(tableId(t)) && t.primaryKey !== undefined && t.partitionOf === undefined);
    for (const t of found) {
      const shape = this.shapeFor(t, undefined);
      this.shapes.set(tableId(t), shape);
      if (shape.paused !== undefined) await this.pause(shape, this.unruled(t, shape.columns));
    }
    if (found.length > 0) this.schema = this.schemaOf();
    return found;
  }
}
