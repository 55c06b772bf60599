/**
 * DuckDB spells a date before year 1 `0044-03-15 (BC)` and reads `0044-03-15 BC` as something
 * else (a date after Christ, or a timestamp in a zone named BC): portable texts are reshaped for
 * DATE and TIMESTAMP columns before DuckDB parses them.
 */

export type Shape = (text: string) => string;

const bcDate: Shape = (text) => (text.endsWith(' BC') ? `${text.slice(0, -3)} (BC)` : text);
/** `0044-03-15 12:00:00 BC` → `0044-03-15 (BC) 12:00:00`. */
const bcTimestamp: Shape = (text) => (text.endsWith(' BC') ? text.slice(0, -3).replace(/^(\d{4,}-\d\d-\d\d)/, '$1 (BC)') : text);

/** The reshaping a column of this DuckDB type needs, if any. */
export const shapeFor = (dataType: string): Shape | undefined => (dataType === 'DATE' ? bcDate : dataType.startsWith('TIMESTAMP') ? bcTimestamp : undefined);
