import { EventEmitter } from 'node:events';

const BEGIN_SYNC = '\u001B[?2026h';
const END_SYNC = '\u001B[?2026l';
const HIDE_CURSOR = '\u001B[?25l';
const CLEAR = '\u001B[2J';
const ERASE_LINE = '\u001B[K';
const at = (row: number) => `\u001B[${row + 1};1H`;

/**
 * Writes the board's frame to the terminal itself, row by row, and only the rows that changed
 * since the last frame (docs/decisions/0010-terminal-board-lines.md: the rows are ready-made
 * strings, so Ink's layout and cell-by-cell output stage are skipped for the frame; Ink still
 * handles keys, resizes and the app's life). Each row is placed with a cursor move and cleared to
 * its end, inside a synchronized update so a terminal that supports it shows whole frames.
 */
/** Where a Screen writes: a terminal's stdout, or anything taking strings. */
export interface ScreenOutput {
  write(chunk: string): unknown;
  readonly destroyed?: boolean;
  readonly writable?: boolean;
}

export class Screen {
  private shown: string[] = [];
  private fresh = true;

  constructor(private readonly out: ScreenOutput) {}

  /** The escapes that turn what is on screen into `rows` (everything when the screen was invalidated). */
  diff(rows: readonly string[]): string {
    let text = '';
    if (this.fresh) text += HIDE_CURSOR + CLEAR;
    const count = Math.max(rows.length, this.shown.length);
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      if (!this.fresh && row === this.shown[i]) continue;
      text += at(i) + (row ?? '') + ERASE_LINE;
    }
    this.fresh = false;
    this.shown = [...rows];
    return text;
  }

  /** Draw a frame; returns the bytes written (0 when nothing changed). */
  draw(rows: readonly string[]): number {
    const text = this.diff(rows);
    if (text === '' || this.out.destroyed === true || this.out.writable === false) return 0;
    this.out.write(BEGIN_SYNC + text + END_SYNC);
    return text.length;
  }

  /** Forget what is on screen: the next frame is drawn whole (after a resize, or another writer). */
  invalidate(): void {
    this.fresh = true;
    this.shown = [];
  }
}

/**
 * A stdout for Ink that shows nothing: Ink keeps reading the terminal's size and resize events
 * through it (for the app's layout and hooks), while the frame goes to the terminal through a
 * Screen. Writes (Ink's own output of an empty tree) are dropped.
 */
export function inkSideStdout(real: NodeJS.WriteStream): { stdout: NodeJS.WriteStream; detach: () => void } {
  const side = new EventEmitter();
  const forward = () => side.emit('resize');
  real.on('resize', forward);
  Object.defineProperties(side, {
    columns: { get: () => real.columns, enumerable: true },
    rows: { get: () => real.rows, enumerable: true },
    isTTY: { get: () => real.isTTY, enumerable: true },
    writable: { value: true },
    write: { value: () => true },
  });
  // Ink only uses the parts of a WriteStream defined above (as HeadlessTerminal's stdout does).
  return { stdout: side as unknown as NodeJS.WriteStream, detach: () => real.off('resize', forward) };
}
