/**
 * The project's one bounded worker pool (pure: no processes of its own): run `fn` over `items` with at most
 * `jobs` calls in flight, taking items in order; resolves when all are done and rejects with the first
 * error (no new item starts after it). Used wherever stages run tools in parallel (tile and calibration
 * synthesis, block-library batches, the physical flow).
 */
export async function forEachBounded<T>(items: readonly T[], jobs: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index], index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(jobs) || 1, items.length)) }, worker));
}
