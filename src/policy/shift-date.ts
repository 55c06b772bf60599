import type { Rule } from './policy-schema.js';
import { keyText } from './column-shape.js';
import type { BuildContext, Built } from './mask-types.js';

type Options = Extract<Rule, { transform: 'shift-date' }>['options'];

const DAY = 86_400_000;

/**
 * Moves a date or timestamp by a keyed, non-zero number of days within ±days. Dates given as
 * text (MySQL with dateStrings, SQLite) keep their spelling: only the date part changes, the time
 * and zone stay as written. With `by`, every date of a row moves by the same amount.
 */
export function shiftDate(options: Options, ctx: BuildContext): Built {
  const days = options?.days ?? 30;
  const { kind } = ctx.column.type;
  if (kind !== 'date' && kind !== 'timestamp') return { unfit: `it applies to date and timestamp columns, and this one is ${kind}` };
  const offset = (value: unknown, rowKey: unknown) => {
    const k = Math.floor(ctx.keyed.unit('shift-date', keyText(rowKey === undefined ? value : rowKey)) * 2 * days);
    return k < days ? -(k + 1) : k - days + 1;
  };
  return {
    mask: (v, rowKey) => {
      if (v instanceof Date) return new Date(v.getTime() + offset(v, rowKey) * DAY);
      const match = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s.exec(String(v));
      if (match === null) return v;
      const moved = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + offset(v, rowKey)));
      return `${moved.toISOString().slice(0, 10)}${match[4] ?? ''}`;
    },
  };
}
