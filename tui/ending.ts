import { isTerminal } from '../src/board/liveness.js';
import type { BoardSnapshot } from '../src/board/snapshot.js';
import { wordWrap } from './cells.js';
import { formatClock } from './format.js';
import { seg, type Line } from './lines.js';
import { RUN_STATE_COLOR } from './theme.js';

/** The run's one duration and what it leaves out (see src/report/duration.ts), once the run has ended. */
export interface RunEnd {
  workMs: number;
  offMs: number;
  waitingMs: number;
}

/** Whether the board shows how the run ended: it ended, or nothing drives it any more. */
export function hasEnded(snapshot: BoardSnapshot): boolean {
  return isTerminal(snapshot.run.status) || snapshot.run.state === 'crashed';
}

/** How the run ended and what to do next, in two lines; empty while it runs. */
export function endingLines(snapshot: BoardSnapshot, end: RunEnd | null, width: number, onBoard = true): Line[] {
  if (!hasEnded(snapshot)) return [];
  const { run } = snapshot;
  const color = RUN_STATE_COLOR[run.state];
  const took: string[] = [];
  if (end) {
    took.push(`${formatClock(end.workMs)} of work`);
    if (end.waitingMs > 0) took.push(`${formatClock(end.waitingMs)} of it waiting on people`);
    if (end.offMs > 0) took.push(`${formatClock(end.offMs)} paused or stopped, not counted`);
  }
  const tasks = `${snapshot.doneCount} of ${snapshot.taskCount} tasks done`;
  const simulated = snapshot.simulatedCount > 0 ? `, ${snapshot.simulatedCount} of them simulated (dry run)` : '';
  const why = run.statusReason && run.status !== 'completed' ? `: ${run.statusReason}` : '';
  const mark = run.state === 'completed' ? '✓' : run.state === 'stopped' ? '■' : '✗';
  const badge = seg(` ${mark} Run ${run.id} ${run.state}${run.state === 'crashed' ? ': the process driving it stopped' : why} `, { bold: true, inverse: true, color });
  const facts = `${tasks}${simulated}${took.length > 0 ? ` · ${took.join(', ')}` : ''}`;
  const next: string[] = [];
  if (run.state === 'completed') next.push(`team export ${run.id} --format html writes the report`);
  else {
    next.push(`team resume ${run.id} goes on from where it ${run.state === 'crashed' ? 'was' : 'stopped'}`);
    next.push(`team export ${run.id} shows what happened`);
  }
  if (onBoard) next.push('q closes the board');
  const lines: Line[] = [];
  // The badge, then the facts on its row if they fit, else wrapped below it.
  if (badge.text.length + 1 + facts.length <= width) lines.push([badge, seg(` ${facts}`)]);
  else {
    lines.push([badge]);
    for (const row of wordWrap(facts, Math.max(10, width - 1))) lines.push([seg(` ${row}`)]);
  }
  const rows = wordWrap(`Next: ${next.join(' · ')}`, Math.max(10, width - 1));
  rows.forEach((row, i) => lines.push(i === 0 ? [seg(' Next: ', { bold: true }), seg(row.slice('Next: '.length))] : [seg(` ${row}`)]));
  return lines;
}
