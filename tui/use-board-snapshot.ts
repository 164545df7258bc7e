import { useCallback, useEffect, useRef, useState } from 'react';
import type { Board } from '../src/board/board.js';
import { HEARTBEAT_MS, isTerminal } from '../src/board/liveness.js';
import type { BoardSnapshot } from '../src/board/snapshot.js';

export const POLL_MS = 150;

export interface SnapshotState {
  snapshot: BoardSnapshot | null;
  error: string | null;
}

/** What a render depends on: everything but the clock, so an idle board compares equal. */
function signature(snapshot: BoardSnapshot): string {
  const { run } = snapshot;
  // A counting clock is read at render time from the snapshot it came with; a stopped one is shown as it is.
  return JSON.stringify({ ...snapshot, run: { ...run, elapsedMs: 0, workMs: run.ticking ? 0 : run.workMs } });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The run as the board shows it. Polls the cheap board version every `intervalMs` and re-reads
 * the snapshot only when it moved; state changes only when what is shown changed, so an idle
 * board does not re-render. Works across processes (another process's commits move the version).
 *
 * A live run is also re-read every heartbeat even when nothing was written: a driver that died
 * writes nothing, and only a fresh read shows its run as crashed.
 *
 * One read at a time: a poll that comes while a read is in flight is skipped, a refresh is run
 * after it. Nothing is set after unmount.
 */
export function useBoardSnapshot(board: Board, runId: number, intervalMs = POLL_MS): SnapshotState & { refresh: () => void } {
  const [state, setState] = useState<SnapshotState>({ snapshot: null, error: null });
  const refreshRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let alive = true;
    let busy = false;
    let again = false;
    let version: string | null = null;
    let shown: string | null = null;
    let readAt = Number.NEGATIVE_INFINITY;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const check = async (force: boolean): Promise<void> => {
      if (busy) {
        again ||= force;
        return;
      }
      busy = true;
      try {
        const current = await board.version(runId);
        const stale = live && performance.now() - readAt >= HEARTBEAT_MS;
        if (!force && !stale && current === version) return;
        const snapshot = await board.readSnapshot(runId);
        version = current;
        readAt = performance.now();
        live = !isTerminal(snapshot.run.status);
        if (!alive) return;
        const sig = signature(snapshot);
        if (sig === shown) {
          setState((s) => (s.error === null ? s : { ...s, error: null }));
          return;
        }
        shown = sig;
        setState({ snapshot, error: null });
      } catch (error) {
        version = null;
        if (!alive) return;
        // The first read names what is wrong as it is (a missing run); later ones say the board could not be read.
        const text = shown === null ? message(error) : `cannot read the board: ${message(error)}`;
        setState((s) => (s.error === text ? s : { ...s, error: text }));
      } finally {
        busy = false;
        if (alive && again) {
          again = false;
          void check(true);
        }
      }
    };

    const poll = (): void => {
      timer = setTimeout(() => {
        void check(false).then(() => {
          if (alive) poll();
        });
      }, intervalMs);
    };

    refreshRef.current = () => void check(true);
    void check(true).then(() => {
      if (alive) poll();
    });
    return () => {
      alive = false;
      clearTimeout(timer);
      refreshRef.current = () => undefined;
    };
  }, [board, runId, intervalMs]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { ...state, refresh };
}
