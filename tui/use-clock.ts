import { useEffect, useState } from 'react';
import { isTerminal } from '../src/board/liveness.js';
import type { SnapshotRun } from '../src/board/snapshot.js';

/**
 * "Now" for the elapsed times on the board (the run's m:ss, a member's time on its step), read at
 * render time. While the run is live it re-renders once a second, on the second, so the clock
 * moves; a finished run's board renders nothing on its own.
 */
export function useClock(run: SnapshotRun | null, now: () => number): number {
  const [tick, setTick] = useState(0);
  const live = run !== null && !isTerminal(run.status);
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(() => setTick((n) => n + 1), 1000 - (now() % 1000) + 5);
    return () => clearTimeout(timer);
  }, [live, now, tick]);
  return now();
}

/** Frames of a spinner while `active` (a member is in a model call or a command); still otherwise. */
export function useSpinner(active: boolean, intervalMs = 120): number {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setFrame((n) => n + 1), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return frame;
}
