import type { Engine } from '../../src/unified/index.js';

type Named = Exclude<Engine, 'mongodb'>;

/** Engines with a change log a job can read (DuckDB has none: it is a target only). */
export const SOURCES: readonly Named[] = ['postgres', 'mysql', 'sqlite'];
export const TARGETS: readonly Named[] = ['postgres', 'mysql', 'sqlite', 'duckdb'];

/** Every source × target pair that exists. */
export const PAIRS: readonly (readonly [Named, Named])[] = SOURCES.flatMap((s) => TARGETS.map((t) => [s, t] as const));

const LABEL: Readonly<Record<Named, string>> = { postgres: 'PostgreSQL', mysql: 'MariaDB', sqlite: 'SQLite', duckdb: 'DuckDB' };

export const pairName = (s: Named, t: Named): string => `${LABEL[s]} → ${LABEL[t]}`;
