import type { Board } from '../board/board.js';
import type { Run } from '../board/types.js';
import { formatDuration, runDuration } from '../report/duration.js';

export { formatDuration };

/**
 * How long a run took (or has taken so far): the report's one duration, from the first claim to
 * the end less the time it was off, so `team runs`, `team status`, the end-of-run summary and
 * `team export` show the same figure.
 */
export async function runTimeMs(board: Board, run: Run): Promise<number> {
  // The duration is the events' alone; questions only give the waits in it, which this leaves out.
  return runDuration(run, await board.listEvents(run.id), []).ms;
}
