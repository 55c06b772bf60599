import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  /** What `numbered` was when last handed out as the stream's state (`takeState`), and whether it may have changed since. */
  private stated: string | undefined;
  private dirty = true;

  /**
   * `attributes` (optional) tells a column renamed by hand from a drop and an add: see `renamed`.
   * `seed`: the relations' columns as the catalog had them when the stream was opened, for a table
   * whose first description in this stream already follows a rename.
   * `stored`: the state stored with the position the stream resumes from (`takeState`): the
   * relations' columns as the stream last described them, which the catalog may have moved on from
   * while the job was stopped. It wins over `seed` for a relation both know; a relation no longer
   * published is forgotten.
   */
  constructor(
    private readonly typeName: TypeNamer,
    private readonly attributes?: AttributeReader,
    seed: ReadonlyMap<number, readonly Attribute[]> = new Map(),
    stored?: string,
  ) {
    const kept = parseState(stored);
    for (const [oid, attributes] of seed) this.numbered.set(oid, kept.get(oid) ?? numberedOf(attributes));
    if (stored !== undefined && kept.size > 0) this.stated = stored;
  }

  /**
   * The relations' columns as this stream has described them, where that changed since it was last
   * taken: stored with the position of the commit that follows, it is `stored` when the stream
   * resumes there. Without it a job started after a rename would know only the catalog's numbers,
   * which already carry the new name, and could not tell the rename.
   */
  takeState(): string | undefined {
    if (!this.dirty) return undefined;
    this.dirty = false;
    const now = stateText(this.numbered);
    if (now === this.stated) return undefined;
    this.stated = now;
    return now;
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
    this.dirty = true;
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
        // Columns the source left out (unchanged TOAST): nearly always none, and then no array is made a column.
        const unchanged = m.tuple.includes(undefined) ? m.tuple.flatMap((v, i) => (v === undefined ? [(r.columns[i] as ChangeColumn).name] : [])) : NONE;
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

/** An update's unchanged columns when there are none (nearly always): one array for all. */
const NONE: readonly string[] = Object.freeze([]);
const BYTEA = 17;

/**
 * A state this long or longer is stored deflated (`z:` and base64): a publication of thousands of
 * tables would otherwise make megabytes, more than a JetStream message may carry.
 */
const DEFLATE_FROM = 64 * 1024;

/** The decoder's state as text: each relation's oid, and its columns' names with their numbers where known (null where not). */
function stateText(numbered: ReadonlyMap<number, Numbered>): string {
  const relations: Record<string, [string, number | null][]> = {};
  for (const [oid, n] of numbered) relations[oid] = n.names.map((name) => [name, n.nums.get(name) ?? null]);
  const text = JSON.stringify({ v: 1, relations });
  return text.length < DEFLATE_FROM ? text : `z:${deflateRawSync(text).toString('base64')}`;
}

/** The state of a stream that has described these relations' columns as the catalog numbers them (at a slot's consistent point). */
export function attributesState(relations: ReadonlyMap<number, readonly Attribute[]>): string {
  return stateText(new Map([...relations].map(([oid, list]) => [oid, numberedOf(list)])));
}

/** Columns as the catalog numbers them: every number known. */
const numberedOf = (attributes: readonly Attribute[]): Numbered => ({
  names: attributes.map((a) => a.name),
  nums: new Map(attributes.map((a) => [a.name, a.num])),
});

/** A stored state read back; nothing where there is none, or it is not one this decoder wrote (it then goes by the catalog). */
function parseState(text: string | undefined): Map<number, Numbered> {
  const out = new Map<number, Numbered>();
  if (text === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.startsWith('z:') ? inflateRawSync(Buffer.from(text.slice(2), 'base64')).toString() : text);
  } catch {
    return out;
  }
  const relations = (parsed as { v?: unknown; relations?: unknown } | null)?.relations;
  if ((parsed as { v?: unknown }).v !== 1 || typeof relations !== 'object' || relations === null) return out;
  for (const [oid, columns] of Object.entries(relations)) {
    if (!Array.isArray(columns) || !columns.every((c) => Array.isArray(c) && typeof c[0] === 'string' && (typeof c[1] === 'number' || c[1] === null)))
      return new Map();
    const list = columns as [string, number | null][];
    out.set(Number(oid), {
      names: list.map(([name]) => name),
      nums: new Map(list.flatMap(([name, num]) => (num === null ? [] : [[name, num] as const]))),
    });
  }
  return out;
}

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

/** A commit's event; `state`, the decoder's where it changed (stored with the position). */
export const commitEvent = (endLsn: bigint, commitTime: bigint, state?: string): ChangeEvent => ({
  kind: 'commit',
  position: formatLsn(endLsn) as Position,
  committedAt: pgTimestamp(commitTime),
  ...(state === undefined ? {} : { state }),
});
