import type { Before, ChangeColumn } from '../adapters/changes.js';
import type { Row, TableName } from '../adapters/rows.js';
import { errors } from '../errors.js';
import type { Engine } from '../unified/index.js';
import { nameOf, type TablePair } from './pairing.js';
import { coercer, crossing, decoder } from './values.js';

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
  /**
   * Whether the target table has no unique constraint, unique index or exclusion besides its key:
   * then changes to different keys may be written in any order (only the last change of a key counts).
   */
  readonly keyIsOnlyConstraint: boolean;
  private readonly keyIndexes: readonly number[];
  private readonly convert: ((v: unknown) => unknown)[];
  /** Position in the current relation of each pair column (-1: not in it). */
  private from: number[] = [];
  /** Names of the relation's key columns, in relation order. */
  private relationKey: string[] = [];
  /** The shape the stream last described, as the source spells it. */
  private shape: readonly ChangeColumn[] = [];
  /** Whether the shape is the stream's (a relation it sent, or one a run stored), not the catalog's spelling of it. */
  described = false;
  /** Why the table's changes are not applied (a schema change the job may not follow by itself), while they are not. */
  paused: string | undefined;
  /** Being copied afresh in a target transaction not committed yet: the job's record keeps what it said of the table until it is. */
  copying = false;
  changes = 0;

  constructor(
    readonly pair: TablePair,
    sourceEngine: Engine,
    targetEngine: Engine,
    private readonly mask: ((row: unknown[]) => void) | undefined,
  ) {
    this.id = pair.id;
    this.target = nameOf(pair.target);
    this.columns = pair.columns.map((c) => c.target.name);
    if (pair.key === undefined) throw errors.changesNoKey(pair.id, [pair.id], 'add a primary key (redb migrate), or leave the table out with --tables');
    this.keyIndexes = pair.key;
    this.keyColumns = pair.key.map((i) => this.columns[i] as string);
    const t = pair.target;
    this.keyIsOnlyConstraint = t.uniques.length === 0 && t.exclusions.length === 0 && !t.indexes.some((i) => i.unique);
    const pass = sourceEngine === targetEngine && mask === undefined;
    this.convert = pair.columns.map((c) => {
      if (pass) return (v: unknown) => v;
      const decode = decoder(sourceEngine, c.source.type);
      const coerce =
        crossing({ engine: sourceEngine, type: c.source.type }, { engine: targetEngine, type: c.target.type }) ??
        (c.source.type.kind === c.target.type.kind ? undefined : coercer(c.target.type));
      return coerce === undefined ? decode : (v: unknown) => coerce(decode(v));
    });
    // Until the stream describes the table, it is taken to have the pair's columns in order.
    this.adopt(pair.columns.map((c) => ({ name: c.source.name, type: c.source.type.native, key: (pair.key ?? []).includes(pair.columns.indexOf(c)) })));
    this.described = false;
  }

  /**
   * Whether a relation differs from what the route maps: a column the pair lacks or one it has
   * that is gone (a generated column of the source aside), or a column spelt with another type.
   */
  differs(columns: readonly ChangeColumn[]): boolean {
    const names = new Set(columns.map((c) => c.name));
    if (this.pair.columns.some((c) => !names.has(c.source.name))) return true;
    const known = new Set(this.pair.columns.map((c) => c.source.name));
    if (columns.some((c) => !known.has(c.name) && !this.pair.source.columns.some((s) => s.name === c.name && s.generated !== undefined))) return true;
    return columns.some((c) => {
      const before = this.shape.find((s) => s.name === c.name);
      return before !== undefined && before.type.toLowerCase() !== c.type.toLowerCase();
    });
  }

  /** The table's shape from here on: values of later rows are found by column name. */
  adopt(columns: readonly ChangeColumn[]): void {
    const names = columns.map((c) => c.name);
    this.from = this.pair.columns.map((c) => names.indexOf(c.source.name));
    this.relationKey = columns.filter((c) => c.key).map((c) => c.name);
    this.shape = columns;
    this.described = true;
  }

  /** The shape the stream last described. */
  get relationColumns(): readonly ChangeColumn[] {
    return this.shape;
  }

  /** A row of the stream (relation order) in the target's form; unchanged values stay undefined. */
  row(source: Row): Converted {
    // One pass and one array a row (this runs for every change): the unchanged are listed only when there are some.
    const values: unknown[] = [];
    let unchanged: number[] | undefined;
    for (let i = 0; i < this.from.length; i++) {
      const at = this.from[i] as number;
      const v = at < 0 ? null : source[at];
      if (v === undefined) {
        (unchanged ??= []).push(i);
        values.push(null);
      } else values.push((this.convert[i] as (v: unknown) => unknown)(v));
    }
    this.mask?.(values);
    if (unchanged !== undefined) for (const i of unchanged) values[i] = undefined;
    return { values, key: this.keyIndexes.map((i) => values[i]) };
  }

  /** A row read from the source table, columns in the pair's order, in the target's form. */
  copied(source: Row): Converted {
    const values: Row = source.map((v, i) => (this.convert[i] as (v: unknown) => unknown)(v ?? null));
    this.mask?.(values);
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

  /** A table's route from here on (a schema change followed), or a new table's. */
  set(route: TableRoute): void {
    const key = route.pair.source.name.toLowerCase();
    const list = (this.byName.get(key) ?? []).filter((r) => r.id !== route.id);
    list.push(route);
    this.byName.set(key, list);
  }

  get all(): TableRoute[] {
    return [...this.byName.values()].flat();
  }

  /** Undefined for a table outside the job (a binary log carries the whole database). */
  find(t: TableName): TableRoute | undefined {
    const list = this.byName.get(t.name.toLowerCase());
    if (list === undefined) return undefined;
    return (
      list.find((r) => r.pair.source.name === t.name && (t.schema === undefined || r.pair.source.schema === undefined || r.pair.source.schema === t.schema)) ??
      (list.length === 1 ? list[0] : undefined)
    );
  }
}

/** JSON-ish text of a key, to tell keys apart (bigints and bytes included). */
const keyPart = (v: unknown): string => (v === null || v === undefined ? '\u0000' : Buffer.isBuffer(v) ? `x${v.toString('hex')}` : `${typeof v}:${String(v)}`);

/** What tells one row's key from another's, as a Map key: see keyText. */
export type KeyId = string | number | bigint | null;

/**
 * A key as a Map key. A one-column key is its value itself where that is a string, a number, a
 * bigint or NULL (no text is made a change: that was a good part of the work a change); its bytes
 * as text. One column's values are of one type, so a value's own form cannot meet another's.
 * A key of more columns is the text of its parts.
 */
export const keyText = (values: readonly unknown[]): KeyId => {
  if (values.length !== 1) return values.map(keyPart).join('\u0001');
  const v = values[0];
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return v;
  return v === null || v === undefined ? null : keyPart(v);
};

/** Whether two keys are one (NaN is one key, as a Map has it). */
export const sameKey = (a: KeyId, b: KeyId): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
