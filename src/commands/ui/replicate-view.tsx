import { Box, Text, render, renderToString } from 'ink';
import type { JobEvent } from '../../ops/replicate.js';
import { initialLive, reduceLive, type LiveState } from './replicate-state.js';

const bytes = (n: number): string => (n < 1 << 20 ? `${Math.round(n / 1024)} kB` : `${(n / (1 << 20)).toFixed(1)} MB`);
const COLOR = { copying: 'cyan', copied: 'cyan', streaming: 'green', paused: 'yellow' } as const;

/** One line per table (rows, changes, changes/s, state), under the job's position, lag and retained log. */
export function ReplicateView({ state }: { state: LiveState }) {
  const width = Math.max(5, ...[...state.tables.keys()].map((k) => k.length));
  const lag = state.lagMs === null ? 'lag -' : `lag p50 ${state.lagMs.p50} ms  p99 ${state.lagMs.p99} ms  last ${state.lagMs.last} ms`;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{state.phase}</Text>
        {state.position === undefined ? '' : `  at ${state.position}`}
        {`  ${state.transactions} transaction${state.transactions === 1 ? '' : 's'}, ${state.changes} change${state.changes === 1 ? '' : 's'}, ${state.rate}/s  ${lag}`}
        {state.retainedWalBytes === undefined ? '' : `  retained ${bytes(state.retainedWalBytes)}`}
      </Text>
      <Text dimColor>
        {'table'.padEnd(width)} {'rows'.padStart(10)} {'changes'.padStart(10)} {'changes/s'.padStart(10)} state
      </Text>
      {[...state.tables].map(([table, t]) => (
        <Text key={table}>
          {table.padEnd(width)} {(t.total > t.rows ? `${t.rows}/${t.total}` : String(t.rows)).padStart(10)} {String(t.changes).padStart(10)}{' '}
          {String(t.rate).padStart(10)} <Text color={COLOR[t.state]}>{t.state}</Text>
          {t.reason === undefined ? '' : <Text dimColor> ({t.reason})</Text>}
        </Text>
      ))}
      {state.notes.map((n, i) => (
        // Notes are a rolling log: their place in it is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Text key={i} dimColor>
          {n}
        </Text>
      ))}
    </Box>
  );
}

/** The view of a state as text (what a terminal shows, without colours). */
export const renderLive = (state: LiveState, columns = 160): string => renderToString(<ReplicateView state={state} />, { columns });

/** The live view on a terminal, redrawn at most ten times a second. */
export function startLiveView(): { onEvent: (e: JobEvent) => void; stop: () => void } {
  let state = initialLive();
  const app = render(<ReplicateView state={state} />);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const draw = () => {
    timer = undefined;
    if (!stopped) app.rerender(<ReplicateView state={state} />);
  };
  return {
    onEvent(e) {
      state = reduceLive(state, e, Date.now());
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
