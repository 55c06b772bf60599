import type { Before, ChangeColumn, ChangeEvent, Position, RelationEvent } from '../changes.js';
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

export class PgChangeDecoder {
  private readonly relations = new Map<number, Relation>();
  private readonly sent = new Map<number, string>();
  private readonly types = new Map<number, string>();

  constructor(private readonly typeName: TypeNamer) {}

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
