/**
 * Board writes that a synchronous callback (a model's stream events) asks for: run one after the
 * other, in order, and awaited together at the end of the step. `latest` keeps only the newest of
 * a kind that has not started yet (a streamed "last action" is rewritten, not queued per token).
 */
export interface WriteQueue<Target> {
  push(write: () => Promise<void>): void;
  /**
   * Queue a write of a kind, to run on `target` from the next turn of the event loop on: until
   * then, a newer one of the same kind replaces it, and `take` can claim it.
   */
  latest(kind: string, write: (target: Target) => Promise<void>): void;
  /** Take back the newest write of a kind that has not started (the caller makes it, with its own transaction). */
  take(kind: string): ((target: Target) => Promise<void>) | undefined;
  /** Wait for every queued write; throws the first that failed. */
  drain(): Promise<void>;
}

export function createWriteQueue<Target>(target: Target): WriteQueue<Target> {
  let chain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const newest = new Map<string, (target: Target) => Promise<void>>();

  function push(write: () => Promise<void>): void {
    chain = chain.then(write).catch((error: unknown) => {
      failure ??= { error };
    });
  }

  return {
    push,
    latest(kind, write) {
      const queued = newest.has(kind);
      newest.set(kind, write);
      if (queued) return;
      push(async () => {
        // A model that reports its text and returns in the same turn (the simulated one) leaves
        // the write to be taken and joined with the step's own.
        await new Promise((resolve) => setImmediate(resolve));
        const next = newest.get(kind);
        newest.delete(kind);
        await next?.(target);
      });
    },
    take(kind) {
      const write = newest.get(kind);
      newest.delete(kind);
      return write;
    },
    async drain() {
      await chain;
      if (!failure) return;
      const { error } = failure;
      failure = null;
      throw error;
    },
  };
}
