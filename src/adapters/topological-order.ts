/**
 * Items ordered so that each comes after what it depends on, otherwise in their given order
 * (stable). A cycle is broken where it is found rather than reported: the engine then names it.
 */
export function topologicalOrder<T>(items: readonly T[], dependsOn: (item: T) => Iterable<T>): T[] {
  const done = new Set<T>();
  const out: T[] = [];
  const visit = (item: T, path: Set<T>): void => {
    if (done.has(item) || path.has(item)) return;
    path.add(item);
    for (const dep of dependsOn(item)) if (dep !== item) visit(dep, path);
    path.delete(item);
    done.add(item);
    out.push(item);
  };
  for (const item of items) visit(item, new Set());
  return out;
}
