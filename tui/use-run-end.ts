import { useEffect, useState } from 'react';
import type { Board } from '../src/board/board.js';
import type { BoardSnapshot } from '../src/board/snapshot.js';
import { runDuration } from '../src/report/duration.js';
import { hasEnded, type RunEnd } from './ending.js';

/**
 * How long an ended run took, measured as the report measures it (src/report/duration.ts: from
 * the first claim to the end, pauses and stops left out), so the board and the export agree. Read
 * once the run has ended, and again if it changes after (a resume).
 */
export function useRunEnd(board: Board, runId: number, snapshot: BoardSnapshot | null): RunEnd | null {
  const ended = snapshot !== null && hasEnded(snapshot);
  const key = ended ? `${snapshot.run.status}:${snapshot.run.endedAt ?? ''}:${snapshot.lastSeq}` : null;
  const [end, setEnd] = useState<{ key: string; end: RunEnd } | null>(null);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    void Promise.all([board.requireRun(runId), board.listEvents(runId), board.listQuestions(runId)]).then(
      ([run, events, questions]) => {
        if (!current) return;
        const d = runDuration(run, events, questions);
        setEnd({ key, end: { workMs: d.ms, offMs: d.offMs, waitingMs: d.waitingMs } });
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [board, runId, key]);
  return end !== null && end.key === key ? end.end : null;
}
