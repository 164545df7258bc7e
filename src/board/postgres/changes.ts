import pg from 'pg';
import { CHANGES_CHANNEL, QUIET } from './tx-state.js';

/**
 * Who changed which run: every write transaction notifies the runs it wrote (with its COMMIT), and
 * one dedicated connection per store listens. Versions are counters kept here, bumped by our own
 * commits at once and by other processes' notifications as they arrive, so `version()` costs no
 * query. While the listener is down nothing can be trusted: every version is new (readers re-read)
 * and waiters fall back to their timeouts; after a reconnect every waiter is woken once.
 *
 * The store listens from the first `version()` or `wait()` on: a process that only reads and writes
 * (a command, a claim racer) makes no listening connection, and the server does not wake it for
 * every commit of every other process. Another process's commit before the listener is up wakes
 * the first waiter only at its timeout, as while the listener is down; the first `version()` waits
 * for the listener, so the versions it gives can be compared.
 *
 * Waiters wake for commits that appended events to the run. A quiet commit (a heartbeat, a saved
 * transcript, the driver's event cursor: most commits of a busy run) changes the version only:
 * waking every process of the run for each made each of them read the events again, find nothing
 * new, and wait again, so the processes spent their time on each other's heartbeats. What a waiter
 * looks at after a wait (events, the run's status, questions) changes only with an event; anything
 * else it watches (leases) it looks at when its wait times out.
 */
export interface Changes {
  /** Our own transaction committed writes to these runs, appending events to `evented` of them. */
  committed(runIds: Iterable<number>, evented: ReadonlySet<number>): void;
  version(runId: number): Promise<string>;
  wait(runId: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const RECONNECT_MS = [100, 250, 500, 1_000, 2_000, 5_000];

export function listenForChanges(config: pg.ClientConfig, storeId: string): Changes {
  const versions = new Map<number, number>();
  const waiters = new Map<number, Set<() => void>>();
  let generation = 0;
  let unsure = 0;
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const bump = (runId: number): void => {
    versions.set(runId, (versions.get(runId) ?? 0) + 1);
  };
  const wake = (runId: number): void => {
    bump(runId);
    for (const done of [...(waiters.get(runId) ?? [])]) done();
  };
  const wakeAll = (): void => {
    for (const set of [...waiters.values()]) for (const done of [...set]) done();
  };

  const onNotification = (message: pg.Notification): void => {
    if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
    const [run, from, quiet] = message.payload.split(':');
    // Our own commits were counted when they happened.
    if (from === storeId) return;
    const runId = Number(run);
    if (!Number.isInteger(runId)) return;
    if (quiet === QUIET) bump(runId);
    else wake(runId);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client(config);
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    listening = true;
  }

  /** The first listen: tried once now; when it fails, the reconnect loop goes on trying. */
  let first: Promise<void> | undefined;
  let firstDone = false;
  function listen(): Promise<void> {
    first ??= connect()
      .catch(() => reconnect(0))
      .finally(() => (firstDone = true));
    return first;
  }

  function lost(which: pg.Client): void {
    if (which !== client || closed) return;
    listening = false;
    client = undefined;
    which.end().catch(() => undefined);
    reconnect(0);
  }

  function reconnect(attempt: number): void {
    if (closed) return;
    retry = setTimeout(() => {
      connect().then(
        () => {
          // Notifications sent while we were away are lost: everything may have changed.
          generation++;
          wakeAll();
        },
        () => reconnect(Math.min(attempt + 1, RECONNECT_MS.length - 1)),
      );
    }, RECONNECT_MS[attempt]);
    retry.unref();
  }

  return {
    committed(runIds, evented) {
      for (const runId of runIds) {
        if (evented.has(runId)) wake(runId);
        else bump(runId);
      }
    },
    async version(runId) {
      if (!firstDone && !closed) await listen();
      if (!listening) return `unsure.${++unsure}`;
      return `${generation}.${versions.get(runId) ?? 0}`;
    },
    wait(runId, timeoutMs, signal) {
      if (!closed) void listen();
      return new Promise((resolve) => {
        if (closed || signal?.aborted) return resolve();
        const set = waiters.get(runId) ?? new Set();
        waiters.set(runId, set);
        const done = (): void => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0 && waiters.get(runId) === set) waiters.delete(runId);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        set.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      listening = false;
      if (retry) clearTimeout(retry);
      wakeAll();
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
