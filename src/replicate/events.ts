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
