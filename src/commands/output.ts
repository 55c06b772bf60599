import type { ChangeLine } from '../unified/describe.js';

/**
 * Plain-text rendering for one-shot commands: colour on a terminal, aligned tables, nothing to load.
 * Interactive screens (the migrate prompt) use ink; see ui/.
 */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
  /** Whether a person can answer a prompt. */
  readonly interactive: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted at the first SIGINT or SIGTERM: operations that stop at a safe point take it. */
  readonly signal: AbortSignal;
}

export function processIo(signal: AbortSignal): Io {
  const env = process.env;
  const color = env.NO_COLOR === undefined && (env.FORCE_COLOR !== undefined ? env.FORCE_COLOR !== '0' : process.stdout.isTTY === true);
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    cwd: process.cwd(),
    env,
    signal,
  };
}

const sgr = (open: number, close: number) => (io: Io, text: string) => (io.color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
export const paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
} as const;

// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;

/** Columns padded to the widest cell; the last column is left ragged. */
export function table(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visible(cell))))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

export function changeTable(io: Io, lines: readonly ChangeLine[], indent = '  '): string {
  const color = { '+': paint.green, '-': paint.red, '~': paint.yellow } as const;
  return table(
    lines.map((l) => [color[l.sign](io, l.sign), color[l.sign](io, l.kind), paint.bold(io, l.id), l.detail ?? '']),
    indent,
  );
}

export const json = (io: Io, value: unknown): void => io.out(JSON.stringify(value, null, 2));

export const shortId = (id: string | undefined): string => (id === undefined ? '-' : id.slice(0, 7));

export function warnings(io: Io, list: readonly string[]): void {
  for (const w of list) io.err(`${paint.yellow(io, 'warning')}: ${w}`);
}
