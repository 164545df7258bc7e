import type { Board } from '../board/board.js';

export interface LiveBoard {
  /** Whether the board is on screen (false once the person detached with q). */
  readonly showing: boolean;
  /** Leave the final board on screen until the person presses q. */
  waitForExit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Show the Ink board for a run this process is driving. `q` detaches (the run goes on with plain
 * progress lines); a confirmed stop aborts the run.
 */
export async function showLiveBoard(board: Board, runId: number, abort: AbortController, onDetach: () => void): Promise<LiveBoard> {
  const { renderBoard } = await import('../../tui/render-board.js');
  let showing = true;
  const handle = renderBoard({
    board,
    runId,
    mode: 'owner',
    onDetach: () => {
      showing = false;
      onDetach();
    },
    onStop: () => {
      showing = false;
      abort.abort();
    },
  });
  return {
    get showing() {
      return showing;
    },
    async waitForExit() {
      if (showing) await handle.waitUntilExit().catch(() => undefined);
      showing = false;
    },
    async close() {
      if (showing) handle.unmount();
      showing = false;
      await handle.waitUntilExit().catch(() => undefined);
    },
  };
}
