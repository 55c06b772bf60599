import type { Before, ChangeColumn, RelationEvent } from '../adapters/changes.js';
import type { Row, TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import type { Engine } from '../unified/index.js';
import { nameOf, type TablePair } from './pairing.js';
import { coercer, decoder } from './values.js';

/**
 * Where each source table's changes go: the target table and columns (clone's pairing), and how
 * a value of a change becomes what the target takes, masked on the way (as clone converts a copied
 * row: copy-table.ts). Changes carry values in the order of the table's last relation event; a
 * route maps them to the pair's order by column name.
 */

export interface Converted {
  /** Values in the pair's column order; `undefined` where the source did not send the value (unchanged TOAST). */
  readonly values: Row;
  /** The key's values in the target. */
  readonly key: unknown[];
}

export class TableRoute {
  readonly id: string;
  readonly target: TableName;
  readonly columns: readonly string[];
  readonly keyColumns: readonly string[];
  private readonly keyIndexes: readonly number[];
  private readonly convert: ((v: unknown) => unknown)[];
  /** Position in the current relation of each pair column. */
  private from: number[] = [];
  /** Names of the relation's key columns, in relation order. */
  private relationKey: string[] = [];
  changes = 0;

  constructor(
    readonly pair: TablePair,
    sourceEngine: Engine,
    targetEngine: Engine,
    private readonly mask: ((row: unknown[]) => void) | undefined,
    private readonly jobName: string,
  ) {
    this.id = pair.id;
    this.target = nameOf(pair.target);
    this.columns = pair.columns.map((c) => c.target.name);
    if (pair.key === undefined) throw errors.changesNoKey(pair.id, [pair.id], 'add a primary key (redb migrate), or leave the table out with --tables');
    this.keyIndexes = pair.key;
    this.keyColumns = pair.key.map((i) => this.columns[i] as string);
    const pass = sourceEngine === targetEngine && mask === undefined;
    this.convert = pair.columns.map((c) => {
      if (pass) return (v: unknown) => v;
      const decode = decoder(sourceEngine, c.source.type);
      const coerce = c.source.type.kind === c.target.type.kind ? undefined : coercer(c.target.type);
      return coerce === undefined ? decode : (v: unknown) => coerce(decode(v));
    });
    // Until the stream describes the table, it is taken to have the pair's columns in order.
    this.relation(pair.columns.map((c) => ({ name: c.source.name, type: c.source.type.native, key: (pair.key ?? []).includes(pair.columns.indexOf(c)) })));
  }

  /** The table's shape from here on. A column the pair does not know (or one it lacks) is a schema change. */
  relation(columns: readonly ChangeColumn[]): void {
    const names = columns.map((c) => c.name);
    const from = this.pair.columns.map((c) => names.indexOf(c.source.name));
    const missing = this.pair.columns.filter((_c, i) => from[i] === -1).map((c) => c.source.name);
    const known = new Set(this.pair.columns.map((c) => c.source.name));
    const added = names.filter((n) => !known.has(n) && !this.pair.source.columns.some((c) => c.name === n && c.generated !== undefined));
    if (missing.length > 0 || added.length > 0) {
      const what = [...added.map((c) => `column ${c} was added`), ...missing.map((c) => `column ${c} is gone`)].join(', ');
      throw errors.replicateSchemaChanged(this.jobName, this.id, what);
    }
    this.from = from;
    this.relationKey = columns.filter((c) => c.key).map((c) => c.name);
  }

  onRelation(e: RelationEvent): void {
    this.relation(e.columns);
  }

  /** A row of the stream (relation order) in the target's form; unchanged values stay undefined. */
  row(source: Row): Converted {
    const values: Row = this.from.map((at) => source[at]);
    const unchanged = values.map((v) => v === undefined);
    for (let i = 0; i < values.length; i++) values[i] = unchanged[i] ? null : (this.convert[i] as (v: unknown) => unknown)(values[i]);
    this.mask?.(values);
    for (let i = 0; i < values.length; i++) if (unchanged[i]) values[i] = undefined;
    return { values, key: this.keyIndexes.map((i) => values[i]) };
  }

  /** The target key of a before-image. */
  before(b: Before): unknown[] {
    if (b.image === 'full') return this.row(b.row).key;
    const values: Row = this.pair.columns.map(() => null);
    this.relationKey.forEach((name, i) => {
      const at = this.pair.columns.findIndex((c) => c.source.name === name);
      if (at >= 0) values[at] = (this.convert[at] as (v: unknown) => unknown)(b.key[i]);
    });
    this.mask?.(values);
    return this.keyIndexes.map((i) => values[i]);
  }
}

/** Routes by source table, found by schema and name, or by name alone (engines without schemas). */
export class Routes {
  private readonly byName = new Map<string, TableRoute[]>();

  constructor(routes: readonly TableRoute[]) {
    for (const r of routes) {
      const list = this.byName.get(r.pair.source.name.toLowerCase()) ?? [];
      list.push(r);
      this.byName.set(r.pair.source.name.toLowerCase(), list);
    }
  }

  get all(): TableRoute[] {
    return [...this.byName.values()].flat();
  }

  /** Undefined for a table outside the job (a binary log carries the whole database). */
  find(t: TableName): TableRoute | undefined {
    const list = this.byName.get(t.name.toLowerCase());
    if (list === undefined) return undefined;
    return list.find((r) => r.pair.source.name === t.name && (t.schema === undefined || r.pair.source.schema === undefined || r.pair.source.schema === t.schema)) ?? (list.length === 1 ? list[0] : undefined);
  }
}

/** JSON-ish text of a key, to tell keys apart (bigints and bytes included). */
export const keyText = (values: readonly unknown[]): string =>
  values.map((v) => (v === null || v === undefined ? '\u0000' : Buffer.isBuffer(v) ? `x${v.toString('hex')}` : `${typeof v}:${String(v)}`)).join('\u0001');
