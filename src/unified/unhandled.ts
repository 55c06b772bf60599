/**
 * The `default:` of a switch over a tagged union (an operation, an event, a model kind): a kind
 * added to the union and forgotten in the switch fails to compile there, rather than falling
 * through at run time. What an engine cannot express is a declared REDB_PLAN_UNSUPPORTED instead.
 */
export function unhandled(value: never): never {
  const v = value as unknown;
  const tag =
    typeof v === 'object' && v !== null
      ? (['op', 'kind', 'k', 'type', 'tag'].map((f) => (v as Record<string, unknown>)[f]).find((x) => x !== undefined) ?? v)
      : v;
  throw new Error(`unhandled case ${JSON.stringify(tag)}`);
}
