import type { Spelled } from '../unified/index.js';

/** Pieces every engine's type speller uses. */
export const sized = (base: string, n: number | undefined): string => (n === undefined ? base : `${base}(${n})`);
export const quoteList = (values: readonly string[]): string => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
export const text = (native: string, loss?: string): Spelled => ({ type: { kind: 'text', native }, loss });
