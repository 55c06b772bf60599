/**
 * The engines redb knows, for the edges that read an engine's name from the user (`--as`,
 * `--sql`): the operations are their one door to the layers below. Kept free of other imports,
 * since the CLI's start-up path reads it.
 */
export { ENGINES, type EngineName } from '../unified/engines.js';
