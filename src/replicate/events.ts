/** What a clone reports while it runs; the command renders these (ink on a terminal, JSON lines for CI). */
export type CloneEvent =
  | { readonly type: 'schema'; readonly phase: 'create' | 'finish'; readonly statements: number }
  | {
      readonly type: 'table';
      readonly table: string;
      readonly state: 'start' | 'rows' | 'done';
      /** Rows in the target so far (including those of an earlier, resumed run). */
      readonly rows: number;
      /** Rows the source holds for this table (after --where), counted in the snapshot. */
      readonly total: number;
      readonly rowsPerSecond: number;
      readonly etaSeconds?: number | undefined;
    }
  | { readonly type: 'verify'; readonly table: string; readonly match: boolean; readonly countsOnly: boolean };

export type OnEvent = (event: CloneEvent) => void;

/** A table's progress after a chunk: rows so far, and the rate and time left since this run started on it. */
export function rowsProgress(table: string, rows: number, startRows: number, total: number, started: number): CloneEvent {
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? (rows - startRows) / seconds : 0;
  return {
    type: 'table',
    table,
    state: 'rows',
    rows,
    total,
    rowsPerSecond: Math.round(rate),
    etaSeconds: rate > 0 ? Math.max(0, (total - rows) / rate) : undefined,
  };
}
