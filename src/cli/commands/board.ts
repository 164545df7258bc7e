import type { Command } from 'commander';
import { boardFlag, resolveRun, withBoard } from '../board-access.js';
import { isCiEnv, processIO, type CommandIO } from '../io.js';

export interface BoardCommandOptions {
  /** Whether the live board can be drawn (both stdin and stdout are terminals). */
  interactive?: () => boolean;
}

const isInteractive = () => process.stdout.isTTY === true && process.stdin.isTTY === true && !isCiEnv(process.env);

export function registerBoardCommand(program: Command, io: CommandIO = processIO, options: BoardCommandOptions = {}): void {
  program
    .command('board')
    .description('show the live board of a run (any number of terminals can attach; q detaches)')
    .argument('[run]', 'run id (default: the latest run)')
    .option('--plain', 'print the board once as plain text instead of the live view')
    .option('--json', 'print the board once as JSON')
    .action(async (runArg: string | undefined, opts: { plain?: boolean; json?: boolean }) => {
      await showBoard(io, boardFlag(program), runArg, opts, options);
    });
}

/** `team board [run]`: the live board, or the board once as plain text or JSON; no commander needed. */
export async function showBoard(io: CommandIO, boardOption: string | undefined, runArg: string | undefined, opts: { plain?: boolean; json?: boolean }, options: BoardCommandOptions = {}): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, runArg);
    if (opts.json) {
      io.stdout(`${JSON.stringify(await board.readSnapshot(run.id), null, 2)}\n`);
      return;
    }
    // The terminal UI (React, Ink) is loaded only when it is drawn, so other commands start fast.
    if (opts.plain || !(options.interactive ?? isInteractive)()) {
      const { formatBoardText } = await import('../../../tui/plain.js');
      io.stdout(formatBoardText(await board.readSnapshot(run.id), board.now(), Math.max(60, process.stdout.columns || 100)));
      return;
    }
    const { renderBoard } = await import('../../../tui/render-board.js');
    const handle = renderBoard({ board, runId: run.id, mode: 'attach' });
    const detach = () => handle.unmount();
    process.once('SIGTERM', detach);
    process.once('SIGHUP', detach);
    try {
      await handle.waitUntilExit();
    } finally {
      process.off('SIGTERM', detach);
      process.off('SIGHUP', detach);
    }
  });
}
