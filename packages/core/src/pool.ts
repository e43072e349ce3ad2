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

/**
 * A counting semaphore: at most `capacity` holders at once; waiters are served by priority (higher first),
 * then first come, first served. The runner gives every stage's tool processes one of these (the machine's
 * cores), so stages that run at the same time share the cores instead of each starting as many tools as there
 * are cores.
 */
export class Slots {
  private free: number;
  private readonly waiting: { priority: number; wake: () => void }[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`Slots: capacity ${capacity} is not a positive integer`);
    this.free = capacity;
  }

  /** Resolves with a release function once a slot is held; calling it more than once releases once. */
  async acquire(priority = 0): Promise<() => void> {
    if (this.free > 0 && this.waiting.length === 0) this.free--;
    else
      await new Promise<void>((wake) => {
        // After the last waiter of the same or a higher priority.
        let at = this.waiting.length;
        while (at > 0 && this.waiting[at - 1].priority < priority) at--;
        this.waiting.splice(at, 0, { priority, wake });
      });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.wake();
      else this.free++;
    };
  }

  /** Run `fn` while holding a slot. */
  async run<T>(fn: () => Promise<T>, priority = 0): Promise<T> {
    const release = await this.acquire(priority);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Holders right now. */
  get held(): number {
    return this.capacity - this.free;
  }
}
