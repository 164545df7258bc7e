import { useCallback, useEffect, useRef, useState } from 'react';
import type { Board } from '../src/board/board.js';
import { boardVersion, readSnapshot, type BoardSnapshot } from '../src/board/snapshot.js';

export const POLL_MS = 150;

export interface SnapshotState {
  snapshot: BoardSnapshot | null;
  error: string | null;
}

/** What a render depends on: everything but the clock, so an idle board compares equal. */
function signature(snapshot: BoardSnapshot): string {
  return JSON.stringify({ ...snapshot, run: { ...snapshot.run, elapsedMs: 0 } });
}

/**
 * The run as the board shows it. Polls the cheap board version every `intervalMs` and re-reads
 * the snapshot only when it moved; state changes only when what is shown changed, so an idle
 * board does not re-render. Works across processes (another process's commits bump the version).
 */
export function useBoardSnapshot(board: Board, runId: number, intervalMs = POLL_MS): SnapshotState & { refresh: () => void } {
  const version = useRef<string | null>(null);
  const shown = useRef<string | null>(null);
  const [state, setState] = useState<SnapshotState>(() => {
    try {
      version.current = boardVersion(board, runId);
      const snapshot = readSnapshot(board, runId);
      shown.current = signature(snapshot);
      return { snapshot, error: null };
    } catch (error) {
      return { snapshot: null, error: (error as Error).message };
    }
  });

  const check = useCallback(
    (force: boolean) => {
      try {
        const current = boardVersion(board, runId);
        if (!force && current === version.current) return;
        version.current = current;
        const snapshot = readSnapshot(board, runId);
        const sig = signature(snapshot);
        if (sig === shown.current) {
          setState((s) => (s.error === null ? s : { ...s, error: null }));
          return;
        }
        shown.current = sig;
        setState({ snapshot, error: null });
      } catch (error) {
        const message = `cannot read the board: ${(error as Error).message}`;
        version.current = null;
        setState((s) => (s.error === message ? s : { ...s, error: message }));
      }
    },
    [board, runId],
  );

  useEffect(() => {
    const timer = setInterval(() => check(false), intervalMs);
    return () => clearInterval(timer);
  }, [check, intervalMs]);

  const refresh = useCallback(() => check(true), [check]);
  return { ...state, refresh };
}
