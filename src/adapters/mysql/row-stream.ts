import { rowBytes, type Row } from '../rows.js';

type Driver = import('mysql2/promise').Connection;

/**
 * The rows of one SELECT in batches, through the binary protocol: doubles and floats arrive as their
 * IEEE bytes (the text protocol prints a FLOAT with 6 digits, and mysql2 parses a DOUBLE's text
 * inexactly), everything else as it would as text. The socket pauses while a full batch waits to
 * be taken, so at most one batch is read ahead, however large its rows.
 */
export async function* executeBatches(driver: Driver, sql: string, batchRows: number, batchBytes: number): AsyncGenerator<Row[]> {
  // The promise wrapper has no event API; its callback connection has.
  const core = (driver as unknown as { connection: import('mysql2').Connection }).connection;
  const query = core.execute({ sql, rowsAsArray: true });
  const ready: Row[][] = [];
  let batch: Row[] = [];
  let bytes = 0;
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  query.on('result', (row: unknown) => {
    batch.push(row as Row);
    bytes += rowBytes(row as Row);
    if (batch.length >= batchRows || bytes >= batchBytes) {
      ready.push(batch);
      batch = [];
      bytes = 0;
      core.pause();
      notify();
    }
  });
  query.on('end', () => {
    done = true;
    notify();
  });
  query.on('error', (e: unknown) => {
    failure = e;
    done = true;
    notify();
  });
  try {
    for (;;) {
      const next = ready.shift();
      if (next !== undefined) {
        if (ready.length === 0 && !done) core.resume();
        yield next;
      } else if (failure !== undefined) {
        throw failure;
      } else if (done) {
        if (batch.length > 0) yield batch;
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    if (!done) {
      // Abandoned half-way: the rest of the rows are read and dropped, so the connection can serve the next statement.
      query.removeAllListeners('result');
      query.on('error', () => undefined);
      core.resume();
    }
    core.unprepare(sql);
  }
}
