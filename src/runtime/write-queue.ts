/**
 * Board writes that a synchronous callback (a model's stream events) asks for: run one after the
 * other, in order, and awaited together at the end of the step. `latest` keeps only the newest of
 * a kind that has not started yet (a streamed "last action" is rewritten, not queued per token).
 */
export interface WriteQueue {
  push(write: () => Promise<void>): void;
  latest(kind: string, write: () => Promise<void>): void;
  /** Wait for every queued write; throws the first that failed. */
  drain(): Promise<void>;
}

export function createWriteQueue(): WriteQueue {
  let chain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const newest = new Map<string, () => Promise<void>>();

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
        const next = newest.get(kind);
        newest.delete(kind);
        await next?.();
      });
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
