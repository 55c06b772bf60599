import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';

/**
 * The line of every node of a YAML document, keyed by its path (`rules.2.options`), so errors
 * found after parsing (by zod, or against a live schema) can point at the line to fix. js-yaml's
 * event stream carries source offsets; the plain `load` result does not.
 */
export function yamlLines(text: string): ReadonlyMap<string, number> {
  const events = parseEvents(text, {});
  const lines = new Map<string, number>();
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
  let next = 0;
  /** Walk one node starting at events[next], recording `path` at `offset` (the key's, for mapping values). */
  const walk = (path: string, offset: number | undefined): void => {
    const event = events[next++] as Event;
    const start = event.type === EVENT_ID.SCALAR ? event.valueStart : event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE ? event.start : -1;
    if (!lines.has(path)) lines.set(path, lineAt(offset ?? start));
    const child = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (event.type === EVENT_ID.MAPPING) {
      while (events[next]?.type !== EVENT_ID.POP) {
        const key = events[next] as Event;
        const name = key.type === EVENT_ID.SCALAR ? getScalarValue(text, key) : '?';
        const keyOffset = key.type === EVENT_ID.SCALAR ? key.valueStart : undefined;
        skip();
        walk(child(name), keyOffset);
      }
      next++;
    } else if (event.type === EVENT_ID.SEQUENCE) {
      for (let i = 0; events[next]?.type !== EVENT_ID.POP; i++) walk(child(String(i)), undefined);
      next++;
    }
  };
  /** Change over one node (a complex mapping key) without recording it. */
  const skip = (): void => {
    let depth = 0;
    do {
      const type = events[next++]?.type;
      if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) depth++;
      else if (type === EVENT_ID.POP) depth--;
    } while (depth > 0 && next < events.length);
  };
  if (events[next]?.type === EVENT_ID.DOCUMENT && events.length > 2) {
    next++;
    walk('', undefined);
  }
  return lines;
}

/** The line of the deepest recorded node on `path`. */
export function lineOf(lines: ReadonlyMap<string, number>, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const line = lines.get(path.slice(0, n).map(String).join('.'));
    if (line !== undefined) return line;
  }
  return 0;
}
