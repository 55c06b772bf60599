/**
 * The engines redb knows. Kept free of imports: the CLI's start-up path reads it. Everything
 * redb knows about each lives in its manifest (src/adapters/<engine>/manifest.ts).
 */
export const ENGINES = ['sqlite', 'postgres', 'mysql', 'duckdb', 'mongodb'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The engine an empty schema names (a fresh repository, an unborn branch): the first, embedded one. */
export const DEFAULT_ENGINE: EngineName = ENGINES[0];
