/** The engines redb knows. Kept free of imports: the CLI's start-up path reads it. */
export const ENGINES = ['sqlite', 'postgres', 'mysql', 'duckdb', 'mongodb'] as const;
export type EngineName = (typeof ENGINES)[number];
