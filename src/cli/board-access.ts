import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { human } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { BoardError } from '../board/errors.js';
import type { Run, RunConfig } from '../board/types.js';
import type { CommandIO } from './io.js';

export interface BoardAccess {
  /** `--board <path-or-url>`, the global option; else $TEAM_BOARD_URL, else the nearest .team/board.db. */
  board?: string;
  /** Read-only commands (and those that only change what exists) never create a board: a missing one is an error. */
  mustExist: boolean;
}

/** Open the board a command works on. */
export async function openBoardFor(io: CommandIO, access: BoardAccess): Promise<Board> {
  // The store (drizzle, the SQLite driver) loads only when a command opens a board: `team --help` does not.
  const { boardLocation, isPostgresUrl, openBoard } = await import('../board/open.js');
  const location = boardLocation(io.env, io.cwd(), access.board);
  if (access.mustExist && !isPostgresUrl(location) && !fs.existsSync(location)) throw missingBoard(io, location, access.board);
  return openBoard(location, { mustExist: access.mustExist });
}

function missingBoard(io: CommandIO, location: string, flag: string | undefined): BoardError {
  // TEAM_HOME (or --board's folder) pointing at a file says so, as `team start` does.
  const folder = path.dirname(location);
  if (fs.existsSync(folder) && !fs.statSync(folder).isDirectory()) {
    return new BoardError('not_found', `${folder} is not a folder, so it holds no board; ${flag !== undefined ? 'point --board at a board.db file' : 'set TEAM_HOME to the folder that holds board.db'}`);
  }
  if (flag !== undefined || io.env.TEAM_BOARD_URL || io.env.TEAM_HOME) {
    return new BoardError('not_found', `no board at ${location}; start a run there with \`team start churn-project\`, or point --board at an existing board`);
  }
  return new BoardError('not_found', `no board here: no .team/ in ${io.cwd()} or its parents; start a run with \`team start churn-project\``);
}

/**
 * Open the board, run the action, close the board whatever happens; board rule errors (a
 * refused update, a missing run) become one line on stderr and exit code 1.
 */
export async function withBoard(io: CommandIO, access: BoardAccess, action: (board: Board) => Promise<void>): Promise<void> {
  let board: Board;
  try {
    board = await openBoardFor(io, access);
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
    io.stderr(`team: ${error.message}\n`);
    io.setExitCode(1);
    return;
  }
  try {
    await action(board);
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
    io.stderr(`team: ${error.message}\n`);
    io.setExitCode(1);
  } finally {
    await board.close();
  }
}

export function parseRunId(text: string): number {
  const value = Number(String(text).replace(/^#/, ''));
  if (!Number.isInteger(value) || value < 1) throw new BoardError('invalid', `"${text}" is not a run id; run ids are whole numbers from 1 (see \`team runs\`)`);
  return value;
}

/** A run for tasks created by hand (`team tasks create` with no run yet): no team, no stages. */
const AD_HOC: RunConfig = { team: 'ad-hoc', description: 'tasks created with `team tasks create`', pipeline: [], members: [], gates: [], teamFile: '' };

/** --run N, else the latest run; with `adHoc`, a run is created when there is none yet. */
export async function resolveRun(board: Board, io: CommandIO, runOption: string | undefined, adHoc = false): Promise<Run> {
  if (runOption !== undefined) {
    const run = await board.getRun(parseRunId(runOption));
    if (!run) throw new BoardError('not_found', `run ${runOption} does not exist; list runs with \`team runs\``);
    return run;
  }
  const latest = await board.latestRun();
  if (latest) return latest;
  if (!adHoc) {
    throw new BoardError('not_found', 'there are no runs on this board yet; start one with `team start churn-project` or create a task with `team tasks create --subject ...`');
  }
  return board.createRun({ team: 'ad-hoc', backend: 'sim', workspace: path.resolve(io.cwd()), config: AD_HOC }, human);
}

/** The global `--board` option, as the root program parsed it (tests register commands without it). */
export function boardFlag(program: Command): string | undefined {
  const value: unknown = program.opts().board;
  return typeof value === 'string' ? value : undefined;
}
