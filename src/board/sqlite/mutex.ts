/**
 * One transaction at a time on a connection: better-sqlite3 runs each statement synchronously, but
 * a transaction's body awaits between statements, and another caller's statements must not land
 * inside it. Uncontended, taking the lock costs no extra turn of the event loop.
 */
export function createMutex() {
  let busy = false;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else busy = false;
  };
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (busy) await new Promise<void>((resolve) => queue.push(resolve));
      else busy = true;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
