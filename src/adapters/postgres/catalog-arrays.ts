/**
 * Faster parsers for the arrays the catalog queries return (key column numbers, operator classes,
 * options: tens of thousands at a few thousand tables). The driver's parser reads every array
 * character by character; an array the server prints with no quote, backslash or nested brace is
 * plain elements between commas (the server quotes any element holding a comma, brace, quote,
 * backslash or space, an empty one, and one spelled NULL), so splitting it is exact. Anything else
 * (quoted elements, bounds such as `[0:1]={...}`, nesting) goes to the driver's parser as before.
 */

type Parse = (text: string) => unknown;
interface TypeParsers {
  getTypeParser(oid: number, format?: string): Parse;
}

const plainElements = (text: string): string[] | undefined => {
  if (text === '{}') return [];
  if (text[0] !== '{' || text[text.length - 1] !== '}' || /["\\]/.test(text) || text.indexOf('{', 1) !== -1) return undefined;
  return text.slice(1, -1).split(',');
};

/** `text`'s elements mapped by `element`, NULL as null; undefined where the text is not plain. */
export function plainArray<T>(text: string, element: (e: string) => T): (T | null)[] | undefined {
  return plainElements(text)?.map((e) => (e === 'NULL' ? null : element(e)));
}

const integer = (e: string) => Number.parseInt(e, 10);
const text = (e: string) => e;
// Only the types the driver itself parses as arrays, element for element as it does: int2[], int4[]
// and oid[] as numbers, text[] as strings.
const ELEMENTS: Record<number, (e: string) => unknown> = { 1005: integer, 1007: integer, 1028: integer, 1009: text };

/** The driver's type parsers, with the catalog's plain arrays split instead of parsed. */
export function catalogTypes(driver: TypeParsers): TypeParsers {
  return {
    getTypeParser(oid, format) {
      const fallback = driver.getTypeParser(oid, format);
      const element = ELEMENTS[oid];
      if (element === undefined || format === 'binary') return fallback;
      return (value) => plainArray(value, element) ?? fallback(value);
    },
  };
}
