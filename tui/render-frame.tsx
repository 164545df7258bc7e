import { renderToString } from 'ink';
import type { BoardSnapshot } from '../src/board/snapshot.js';
import { toAnsi } from './ansi.js';
import { BoardView } from './BoardView.js';
import { frameLines, plainFrameState } from './board-frame.js';
import type { Size } from './layout.js';
import { Screen } from './screen.js';

/** One frame of the board as text through Ink, without a terminal (docs, static output, comparisons). */
export function renderFrame(snapshot: BoardSnapshot, size: Size, color = false, now = snapshot.run.startedAt + snapshot.run.elapsedMs): string {
  return renderToString(<BoardView color={color} {...plainFrameState(snapshot, size, now)} />, { columns: size.columns });
}

/**
 * One frame as the live board draws it on a terminal: the rows laid out, then written whole by a
 * fresh Screen (the worst case: every row changed). Returns the bytes a terminal would get.
 */
export function drawFrame(snapshot: BoardSnapshot, size: Size, color = true, now = snapshot.run.startedAt + snapshot.run.elapsedMs): string {
  let written = '';
  const screen = new Screen({ write: (chunk: string) => (written += chunk) });
  screen.draw(frameLines(plainFrameState(snapshot, size, now)).map((line) => toAnsi(line, Math.max(1, size.columns), color)));
  return written;
}
