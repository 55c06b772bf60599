import type { ColumnType } from './column-type.js';
import { deepEqual } from './equal.js';
import type { Operation } from './operations.js';
import { unhandled } from './unhandled.js';

export const HAZARDS = ['drops-data', 'data-dependent', 'rewrites-table', 'blocking-lock', 'breaks-compatibility', 'lossy'] as const;
export type HazardName = (typeof HAZARDS)[number];

export interface Hazard {
  readonly name: HazardName;
  readonly reason: string;
}

const lengthGrows = (from: number | undefined, to: number | undefined): boolean => to === undefined || (from !== undefined && to >= from);

/** Whether every value of `from` fits `to` unchanged (varchar(28) → varchar(30), int → bigint). */
export function isWidening(from: ColumnType, to: ColumnType): boolean {
  if (from.kind !== to.kind) return false;
  switch (from.kind) {
    case 'text':
    case 'binary': {
      const t = to as typeof from;
      return !!from.fixed === !!t.fixed && lengthGrows(from.length, t.length);
    }
    case 'integer': {
      const t = to as typeof from;
      return !!from.unsigned === !!t.unsigned && t.bits >= from.bits;
    }
    case 'float':
      return (to as typeof from).bits >= from.bits;
    case 'decimal': {
      const t = to as typeof from;
      if (t.precision === undefined) return true;
      if (from.precision === undefined) return false;
      const fs = from.scale ?? 0;
      const ts = t.scale ?? 0;
      return ts >= fs && t.precision - ts >= from.precision - fs;
    }
    case 'timestamp':
    case 'time': {
      const t = to as typeof from;
      return from.tz === t.tz && (t.precision ?? 6) >= (from.precision ?? 6);
    }
    case 'enum':
    case 'set': {
      const t = to as typeof from;
      const before = from.values ?? [];
      const after = t.values ?? [];
      return before.every((v, i) => after[i] === v);
    }
    case 'boolean':
    case 'date':
    case 'interval':
    case 'uuid':
    case 'json':
    case 'vector':
    case 'spatial':
    case 'network':
    case 'bit':
    case 'user':
    case 'other':
    case 'array':
      return from.native === to.native;
    default:
      return unhandled(from);
  }
}

/** Engine-independent hazards of one operation; dialects add their own (table rewrites, locks). */
export function hazardsOf(op: Operation): Hazard[] {
  switch (op.op) {
    case 'drop_object':
      if (op.target.kind === 'table') {
        return [
          { name: 'drops-data', reason: `drops table ${op.target.object.name} and all its rows` },
          { name: 'breaks-compatibility', reason: `applications still using ${op.target.object.name} will fail` },
        ];
      }
      if (op.target.kind === 'sequence') return [{ name: 'drops-data', reason: `drops sequence ${op.target.object.name} and its position` }];
      return [{ name: 'breaks-compatibility', reason: `drops ${op.target.kind} ${op.target.object.name}` }];
    case 'drop_column':
      return [
        { name: 'drops-data', reason: `drops column ${op.table.name}.${op.column.name} and its values` },
        { name: 'breaks-compatibility', reason: `applications still reading ${op.table.name}.${op.column.name} will fail` },
      ];
    case 'add_column':
      return !op.column.nullable &&
        op.column.default === undefined &&
        op.column.generated === undefined &&
        op.column.identity === undefined &&
        !op.column.autoIncrement
        ? [{ name: 'data-dependent', reason: `NOT NULL column ${op.table.name}.${op.column.name} without a default fails if the table has rows` }]
        : [];
    case 'alter_column': {
      const out: Hazard[] = [];
      const id = `${op.table.name}.${op.to.name}`;
      if (!deepEqual(op.from.type, op.to.type) && !isWidening(op.from.type, op.to.type)) {
        out.push({ name: 'data-dependent', reason: `${id}: ${op.from.type.native} → ${op.to.type.native} may not fit existing values` });
      }
      if (op.from.nullable && !op.to.nullable) out.push({ name: 'data-dependent', reason: `${id}: SET NOT NULL fails if any row holds NULL` });
      return out;
    }
    case 'add_constraint':
      return [{ name: 'data-dependent', reason: `new ${op.constraint.type.replace('_', ' ')} on ${op.table.name} fails if existing rows break it` }];
    case 'set_primary_key':
      return op.to === undefined ? [] : [{ name: 'data-dependent', reason: `new primary key on ${op.table.name} fails on duplicate or NULL values` }];
    case 'add_index':
      return op.index.unique ? [{ name: 'data-dependent', reason: `unique index ${op.index.name} fails on duplicate values` }] : [];
    case 'rename_object':
      return [{ name: 'breaks-compatibility', reason: `applications still using ${op.from.name} will fail after it becomes ${op.target.object.name}` }];
    case 'rename_column':
      return [{ name: 'breaks-compatibility', reason: `applications still using ${op.table.name}.${op.from} will fail after it becomes ${op.column.name}` }];
    case 'rename_index':
    case 'drop_constraint':
    case 'drop_index':
    case 'create_object':
    case 'alter_object':
    case 'add_policy':
    case 'drop_policy':
    case 'alter_table':
      return [];
  }
}
