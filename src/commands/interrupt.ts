import type { Io } from './output.js';

export interface Interrupt {
  /** Aborted at the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Restore the default handling. */
  dispose(): void;
}

/**
 * The first Ctrl-C (or SIGTERM) asks the operation to stop at its next safe point, where it records
 * what it did; a second one stops the process at once, as the default handling would.
 */
export function onInterrupt(io: Io, stopping: string): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      io.err(`${stopping} (press Ctrl-C again to stop at once)`);
      controller.abort();
      return;
    }
    dispose();
    process.kill(process.pid, signal);
  };
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: controller.signal, dispose };
}
