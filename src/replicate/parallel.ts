/**
 * Run `work` over `items` on `lanes` lanes at once (a lane is one reader and one writer). With
 * `after`, an item starts only when the items it names have finished (foreign keys checked on
 * load need their referenced rows first). The first failure stops new work and is thrown once
 * the running items have settled.
 */
export async function runLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T, lane: number) => Promise<void>,
  after?: (item: T) => readonly T[],
): Promise<void> {
  const waiting = [...items];
  const done = new Set<T>();
  let failure: { error: unknown } | undefined;
  let running = 0;
  let wake: () => void = () => undefined;
  const ready = (item: T) => (after?.(item) ?? []).every((dep) => dep === item || done.has(dep) || !items.includes(dep));
  const lane = async (index: number): Promise<void> => {
    for (;;) {
      if (failure !== undefined || waiting.length === 0) return;
      // A cycle of references cannot wait on itself: its first table goes ahead.
      const next = running === 0 ? Math.max(0, waiting.findIndex(ready)) : waiting.findIndex(ready);
      if (next === -1) {
        // Everything left waits on items still running on other lanes.
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => {
            previous();
            resolve();
          };
        });
        continue;
      }
      const [item] = waiting.splice(next, 1) as [T];
      running++;
      try {
        await work(item, index);
      } catch (error) {
        failure ??= { error };
      }
      running--;
      done.add(item);
      const w = wake;
      wake = () => undefined;
      w();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, (_, i) => lane(i)));
  if (failure !== undefined) throw failure.error;
}
