import type { Before, ChangeColumn, ChangeEvent, ColumnRename, Position, RelationEvent } from '../changes.js';
import type { TableName } from '../rows.js';
import { formatLsn, pgTimestamp } from './lsn.js';
import type { OldTuple, PgMessage, PgRowChange, TupleValue } from './pgoutput.js';

/**
 * pgoutput messages into change events. Keeps what the stream has told so far: each relation's
 * columns (sent before its first change and after every change of its definition) and the names
 * of non-built-in types. A relation event goes out only when a table's shape differs from the one
 * last sent, so an applier sees one for each real change of shape, in order with the rows.
 */

interface Relation {
  readonly table: TableName;
  readonly columns: readonly ChangeColumn[];
  readonly keyIndexes: readonly number[];
  /** Columns of type bytea: the rows plane reads them as bytes, so they are turned from their hex text into bytes. */
  readonly bytea: readonly number[];
  readonly identity: 'key' | 'full';
  /** The shape last sent as an event, to tell a new shape from a repeat. */
  readonly signature: string;
}

/** The type's name in the server's spelling (format_type), given its oid and modifier. */
export type TypeNamer = (oid: number, typmod: number, fallback: string | undefined) => Promise<string>;

/** A column as the catalog numbers it: PostgreSQL keeps a column's number (`attnum`) through a rename, and never gives it to another column of the table. */
export interface Attribute {
  readonly name: string;
  readonly num: number;
}

/** The columns a relation's changes carry, as the catalog says them now (not dropped, not generated), in number order. */
export type AttributeReader = (oid: number) => Promise<readonly Attribute[]>;

/** What the decoder knows of a relation's columns: the names it last described, and the numbers of those it can be sure of. */
interface Numbered {
  readonly names: readonly string[];
  readonly nums: ReadonlyMap<string, number>;
}

export class PgChangeDecoder {
  private readonly relations = new Map<number, Relation>();
  private readonly sent = new Map<number, string>();
  private readonly types = new Map<number, string>();
  private readonly numbered = new Map<number, Numbered>();

  /**
   * `attributes` (optional) tells a column renamed by hand from a drop and an add: see `renamed`.
   * `seed`: the relations' columns as the catalog had them when the stream was opened, for a table
   * whose first description in this stream already follows a rename.
   */
  constructor(
    private readonly typeName: TypeNamer,
    private readonly attributes?: AttributeReader,
    seed: ReadonlyMap<number, readonly Attribute[]> = new Map(),
  ) {
    for (const [oid, attributes] of seed)
      this.numbered.set(oid, { names: attributes.map((a) => a.name), nums: new Map(attributes.map((a) => [a.name, a.num])) });
  }

  /**
   * The columns a relation's new description renames, by their numbers. pgoutput describes a
   * relation by column names only, so a rename looks like a drop and an add; the catalog numbers
   * its columns, and a column keeps its number through a rename and never passes it on. But the
   * catalog is read now, and the stream may be behind it, so a rename is said only where the
   * catalog cannot have moved on in a way that misleads: a name the last description had (its
   * number known) is gone, the catalog now gives that number a name the new description brings,
   * and every name it brings is still in the catalog. Anything else says nothing, and the job
   * decides as before (a drop and an add pause the table).
   */
  private async renamed(oid: number, names: readonly string[]): Promise<{ from: string; to: string }[]> {
    if (this.attributes === undefined) return [];
    const was = this.numbered.get(oid);
    if (was !== undefined && sameNames(was.names, names)) return [];
    const now = await this.attributes(oid);
    const nameOf = new Map(now.map((a) => [a.num, a.name]));
    const numOf = new Map(now.map((a) => [a.name, a.num]));
    const out: { from: string; to: string }[] = [];
    const fresh = names.filter((n) => !was?.names.includes(n));
    if (was !== undefined && fresh.every((n) => numOf.has(n)))
      for (const [from, num] of was.nums) {
        const to = nameOf.get(num);
        if (!names.includes(from) && to !== undefined && fresh.includes(to)) out.push({ from, to });
      }
    // The numbers known from here on: all of them where the catalog has exactly these columns; else those of names
    // kept or renamed, unless the catalog now gives the name another number (names swapped: unknown).
    const exact = sameNames(
      now.map((a) => a.name),
      names,
    );
    const nums = new Map<string, number>();
    for (const n of names) {
      const from = out.find((r) => r.to === n)?.from ?? (was?.names.includes(n) ? n : undefined);
      const kept = from === undefined ? undefined : was?.nums.get(from);
      const num = exact ? numOf.get(n) : kept !== undefined && (numOf.get(n) ?? kept) === kept ? kept : undefined;
      if (num !== undefined) nums.set(n, num);
    }
    this.numbered.set(oid, { names, nums });
    return out;
  }

  private relation(oid: number): Relation {
    const relation = this.relations.get(oid);
    if (relation === undefined) throw new Error(`pgoutput: a change of relation ${oid} arrived before its description`);
    return relation;
  }

  /**
   * A row change's event, made without a generator: these are nearly every message of a
   * catch-up, and an async generator a message (its promises, its iterator results) was a
   * good part of the replicator's work per change.
   */
  change(m: PgRowChange): ChangeEvent {
    switch (m.tag) {
      case 'insert': {
        const r = this.relation(m.oid);
        return { kind: 'insert', table: r.table, row: values(r, m.tuple) };
      }
      case 'update': {
        const r = this.relation(m.oid);
        const unchanged = m.tuple.flatMap((v, i) => (v === undefined ? [(r.columns[i] as ChangeColumn).name] : []));
        return { kind: 'update', table: r.table, before: m.old === undefined ? undefined : before(r, m.old), row: values(r, m.tuple), unchanged };
      }
      case 'delete': {
        const r = this.relation(m.oid);
        return { kind: 'delete', table: r.table, before: before(r, m.old) };
      }
    }
  }

  /** The events of one message; `begin` and `commit` come from the caller, which knows the transaction. */
  async *events(m: PgMessage): AsyncGenerator<ChangeEvent> {
    switch (m.tag) {
      case 'relation': {
        const columns: ChangeColumn[] = [];
        for (const c of m.columns) columns.push({ name: c.name, type: await this.typeName(c.typeOid, c.typmod, this.types.get(c.typeOid)), key: c.key });
        const identity = m.identity === 'f' ? 'full' : 'key';
        const signature = JSON.stringify([m.namespace, m.name, identity, columns]);
        const relation: Relation = {
          table: { schema: m.namespace, name: m.name },
          columns,
          keyIndexes: columns.flatMap((c, i) => (c.key ? [i] : [])),
          bytea: m.columns.flatMap((c, i) => (c.typeOid === BYTEA ? [i] : [])),
          identity,
          signature,
        };
        this.relations.set(m.oid, relation);
        const renames = await this.renamed(
          m.oid,
          columns.map((c) => c.name),
        );
        if (renames.length > 0) {
          // As MariaDB's statement states its renames: the job takes them for the relation event that follows.
          const stated: ColumnRename[] = renames.map((r) => ({ table: m.name, schema: m.namespace, ...r }));
          yield { kind: 'schema', statement: '', database: m.namespace, renames: stated };
        }
        if (this.sent.get(m.oid) !== signature) {
          this.sent.set(m.oid, signature);
          const event: RelationEvent = { kind: 'relation', table: relation.table, columns, identity };
          yield event;
        }
        return;
      }
      case 'type':
        this.types.set(m.oid, `${m.namespace}.${m.name}`);
        return;
      case 'insert':
      case 'update':
      case 'delete':
        yield this.change(m);
        return;
      case 'truncate':
        yield { kind: 'truncate', tables: m.oids.map((oid) => this.relation(oid).table), cascade: m.cascade, restartIdentity: m.restartIdentity };
        return;
      case 'message':
        yield { kind: 'message', topic: m.prefix, content: m.content, transactional: m.transactional };
        return;
      case 'origin':
      case 'begin':
      case 'commit':
      case 'streamStart':
      case 'streamStop':
      case 'streamCommit':
      case 'streamAbort':
        return;
      default:
        throw new Error(`pgoutput: unhandled message ${JSON.stringify(m satisfies never)}`);
    }
  }
}

const BYTEA = 17;

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * Values as the rows plane reads them: the text of each type's output function (the sessions print
 * alike: replication.ts), bytea as bytes (its text is `\x` and hex digits: bytea_output is hex).
 * Unchanged TOAST values stay undefined.
 */
function values(r: Relation, tuple: readonly TupleValue[]): unknown[] {
  const row: unknown[] = tuple.slice();
  for (const i of r.bytea) {
    const v = row[i];
    if (typeof v === 'string') row[i] = Buffer.from(v.slice(2), 'hex');
  }
  return row;
}

function before(r: Relation, old: OldTuple): Before {
  const row = values(r, old.tuple);
  if (old.image === 'full') return { image: 'full', row };
  return { image: 'key', key: r.keyIndexes.map((i) => row[i]) };
}

export const commitEvent = (endLsn: bigint, commitTime: bigint): ChangeEvent => ({
  kind: 'commit',
  position: formatLsn(endLsn) as Position,
  committedAt: pgTimestamp(commitTime),
});
