import { render } from 'ink';
import type { Board } from '../src/board/board.js';
import { supportsColor } from './ansi.js';
import { BoardApp, type BoardMode, type ExitReason } from './BoardApp.js';
import { inkSideStdout, Screen } from './screen.js';
import { enterAltScreen, leaveAltScreen, restoreTerminal } from './terminal.js';
import { POLL_MS } from './use-board-snapshot.js';

export interface RenderBoardOptions {
  board: Board;
  runId: number;
  mode: BoardMode;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Called after the board has left the screen because the person pressed q (or Ctrl-C when attached). */
  onDetach?: () => void;
  /** Called after the board has left the screen because the person confirmed stopping the run. */
  onStop?: () => void;
  /** Draw on the terminal's alternate screen (default: when stdout is a TTY). */
  altScreen?: boolean;
  pollMs?: number;
  /** Called after every frame drawn, with the time it took to lay it out and write it (benchmarks). */
  onRender?: (renderTimeMs: number) => void;
}

export interface BoardHandle {
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

/**
 * Draw the live board for a run until the person leaves (q / Ctrl-C) or `unmount()` is called.
 * The terminal is put back as it was (screen, cursor, raw mode) on every way out.
 */
export function renderBoard(opts: RenderBoardOptions): BoardHandle {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const alt = opts.altScreen ?? stdout.isTTY === true;
  let reason: ExitReason | null = null;
  if (alt) enterAltScreen(stdout);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (alt) leaveAltScreen(stdout);
    restoreTerminal(stdout, stdin);
  };
  process.once('exit', restore);
  // The frame is written by the Screen (only the rows that changed); Ink gets a stdout that shows
  // nothing but follows the terminal's size, and keeps the keys, resizes and the app's life.
  const screen = new Screen(stdout);
  // Registered before Ink hears of the resize, so the frame drawn for the new size is drawn whole.
  const onResize = () => screen.invalidate();
  stdout.on('resize', onResize);
  const side = inkSideStdout(stdout);
  const instance = render(
    <BoardApp
      board={opts.board}
      runId={opts.runId}
      mode={opts.mode}
      color={supportsColor(stdout)}
      pollMs={opts.pollMs ?? POLL_MS}
      screen={screen}
      {...(opts.onRender ? { onFrame: opts.onRender } : {})}
      onExit={(r) => {
        reason = r;
      }}
    />,
    { stdout: side.stdout, stdin, exitOnCtrlC: false },
  );
  const detach = () => {
    side.detach();
    stdout.off('resize', onResize);
  };
  const finished = instance.waitUntilExit().then(
    () => {
      detach();
      process.off('exit', restore);
      restore();
      if (reason === 'detach') opts.onDetach?.();
      if (reason === 'stop') opts.onStop?.();
    },
    (error: unknown) => {
      detach();
      process.off('exit', restore);
      restore();
      throw error;
    },
  );
  return {
    waitUntilExit: () => finished,
    unmount: () => instance.unmount(),
  };
}
