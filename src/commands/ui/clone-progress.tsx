import { Box, Text, render } from 'ink';
import type { CloneEvent } from '../../ops/clone.js';

interface TableLine {
  readonly rows: number;
  readonly total: number;
  readonly rowsPerSecond: number;
  readonly etaSeconds?: number | undefined;
  readonly done: boolean;
  readonly verified?: boolean | undefined;
}

const seconds = (s: number | undefined): string => (s === undefined ? '' : s < 90 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`);

function Progress({ lines, note }: { lines: ReadonlyMap<string, TableLine>; note: string }) {
  const width = Math.max(5, ...[...lines.keys()].map((k) => k.length));
  return (
    <Box flexDirection="column">
      {[...lines].map(([table, l]) => {
        const share = l.total > 0 ? Math.min(1, l.rows / l.total) : l.done ? 1 : 0;
        const bar = '█'.repeat(Math.round(share * 20)).padEnd(20, '░');
        return (
          <Box key={table}>
            <Text>{table.padEnd(width)} </Text>
            <Text color={l.done ? 'green' : 'cyan'}>{bar}</Text>
            <Text>
              {' '}
              {l.rows}/{l.total} rows
            </Text>
            <Text dimColor>
              {l.done ? '' : `  ${l.rowsPerSecond} rows/s  eta ${seconds(l.etaSeconds)}`}
              {l.verified === undefined ? '' : l.verified ? '  verified' : ''}
            </Text>
            {l.verified === false ? <Text color="red">  MISMATCH</Text> : null}
          </Box>
        );
      })}
      {note === '' ? null : <Text dimColor>{note}</Text>}
    </Box>
  );
}

/** A live table of per-table progress (rows, rows/s, ETA) for a terminal; redrawn at most ten times a second. */
export function startProgress(): { onEvent: (e: CloneEvent) => void; stop: () => void } {
  const lines = new Map<string, TableLine>();
  let note = '';
  const app = render(<Progress lines={lines} note={note} />);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const draw = () => {
    timer = undefined;
    if (!stopped) app.rerender(<Progress lines={new Map(lines)} note={note} />);
  };
  return {
    onEvent(e) {
      if (e.type === 'schema') note = e.phase === 'create' ? `created the schema (${e.statements} statements)` : `added indexes and keys (${e.statements} statements)`;
      else if (e.type === 'table') lines.set(e.table, { rows: e.rows, total: e.total, rowsPerSecond: e.rowsPerSecond, etaSeconds: e.etaSeconds, done: e.state === 'done' });
      else {
        const line = lines.get(e.table);
        if (line !== undefined) lines.set(e.table, { ...line, verified: e.match });
      }
      timer ??= setTimeout(draw, 100);
    },
    stop() {
      if (stopped) return;
      if (timer !== undefined) clearTimeout(timer);
      draw();
      stopped = true;
      app.unmount();
    },
  };
}
