import { useEffect, useState } from 'react';
import { isTerminal } from '../src/board/liveness.js';
import type { SnapshotRun } from '../src/board/snapshot.js';

/**
 * "Now" for the elapsed time in the header, read at render time. Between renders caused by the
 * board it re-renders only when the shown minute changes, and only while the run is live, so a
 * board with nothing happening renders nothing.
 */
export function useClock(run: SnapshotRun | null, now: () => number): number {
  const [tick, setTick] = useState(0);
  const live = run !== null && !isTerminal(run.status);
  const startedAt = run?.startedAt ?? 0;
  useEffect(() => {
    if (!live) return;
    const elapsed = Math.max(0, now() - startedAt);
    const timer = setTimeout(() => setTick((n) => n + 1), 60_000 - (elapsed % 60_000) + 5);
    return () => clearTimeout(timer);
  }, [live, startedAt, now, tick]);
  return now();
}
