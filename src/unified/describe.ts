import type { Column } from './model.js';
import { deepEqual } from './equal.js';
import { objectId } from './objects.js';
import { refText, type Constraint, type Operation } from './operations.js';

/** One line of a human summary of a change: `+ column album.title text(200)`. */
export interface ChangeLine {
  readonly sign: '+' | '-' | '~';
  readonly kind: string;
  readonly id: string;
  readonly detail?: string | undefined;
}

const columnText = (c: Column): string =>
  [c.type.native, c.nullable ? '' : 'NOT NULL', c.default === undefined ? '' : `DEFAULT ${c.default}`].filter(Boolean).join(' ');

function columnChange(from: Column, to: Column): string {
  const parts: string[] = [];
  if (!deepEqual(from.type, to.type)) parts.push(`type ${from.type.native} → ${to.type.native}`);
  if (from.nullable !== to.nullable) parts.push(to.nullable ? 'drop NOT NULL' : 'set NOT NULL');
  if (from.default !== to.default) parts.push(to.default === undefined ? 'drop default' : `default ${to.default}`);
  const rest = Object.keys({ ...from, ...to }).filter(
    (k) => !['name', 'type', 'nullable', 'default'].includes(k) && !deepEqual(from[k as keyof Column], to[k as keyof Column]),
  );
  return [...parts, ...rest].join(', ');
}

const constraintLabel: { [K in Constraint['type']]: string } = {
  unique: 'unique',
  foreign_key: 'foreign key',
  check: 'check',
  exclusion: 'exclusion',
};

function constraintText(c: Constraint): { name: string; detail: string } {
  switch (c.type) {
    case 'unique':
      return { name: c.def.name ?? '', detail: `(${c.def.columns.join(', ')})` };
    case 'foreign_key':
      return {
        name: c.def.name ?? '',
        detail: `(${c.def.columns.join(', ')}) → ${c.def.references.table}(${c.def.references.columns.join(', ')})`,
      };
    case 'check':
      return { name: c.def.name ?? '', detail: c.def.expression };
    case 'exclusion':
      return { name: c.def.name, detail: c.def.definition };
  }
}

export function describeOperation(op: Operation): ChangeLine {
  switch (op.op) {
    case 'create_object':
      return { sign: '+', kind: op.target.kind, id: objectId(op.target.kind, op.target.object) };
    case 'drop_object':
      return { sign: '-', kind: op.target.kind, id: objectId(op.target.kind, op.target.object) };
    case 'alter_object':
      return { sign: '~', kind: op.to.kind, id: objectId(op.to.kind, op.to.object), detail: 'definition changed' };
    case 'add_column':
      return { sign: '+', kind: 'column', id: `${refText(op.table)}.${op.column.name}`, detail: columnText(op.column) };
    case 'drop_column':
      return { sign: '-', kind: 'column', id: `${refText(op.table)}.${op.column.name}`, detail: columnText(op.column) };
    case 'alter_column':
      return { sign: '~', kind: 'column', id: `${refText(op.table)}.${op.to.name}`, detail: columnChange(op.from, op.to) };
    case 'set_primary_key':
      return {
        sign: op.from === undefined ? '+' : op.to === undefined ? '-' : '~',
        kind: 'primary key',
        id: refText(op.table),
        detail: `(${(op.to ?? op.from)?.columns.join(', ') ?? ''})`,
      };
    case 'add_constraint':
    case 'drop_constraint': {
      const { name, detail } = constraintText(op.constraint);
      return {
        sign: op.op === 'add_constraint' ? '+' : '-',
        kind: constraintLabel[op.constraint.type],
        id: name === '' ? refText(op.table) : `${refText(op.table)}.${name}`,
        detail,
      };
    }
    case 'add_index':
    case 'drop_index':
      return {
        sign: op.op === 'add_index' ? '+' : '-',
        kind: op.index.unique ? 'unique index' : 'index',
        id: `${refText(op.table)}.${op.index.name}`,
        detail: `(${op.index.keys.map((k) => k.column ?? k.expression).join(', ')})${op.index.where === undefined ? '' : ` WHERE ${op.index.where}`}`,
      };
    case 'add_policy':
    case 'drop_policy':
      return { sign: op.op === 'add_policy' ? '+' : '-', kind: 'policy', id: `${refText(op.table)}.${op.policy.name}` };
    case 'alter_table': {
      const changed = (Object.keys({ ...op.from, ...op.to }) as (keyof typeof op.to)[]).filter((k) => !deepEqual(op.from[k], op.to[k]));
      return { sign: '~', kind: 'table', id: refText(op.table), detail: changed.join(', ') };
    }
    case 'rename_object':
      return { sign: '~', kind: op.target.kind, id: refText(op.from), detail: `renamed to ${op.target.object.name}` };
    case 'rename_column':
      return { sign: '~', kind: 'column', id: `${refText(op.table)}.${op.from}`, detail: `renamed to ${op.column.name}` };
    case 'rename_index':
      return { sign: '~', kind: 'index', id: `${refText(op.table)}.${op.from}`, detail: `renamed to ${op.index.name}` };
  }
}
