import path from 'node:path';
import { defaultDbFile } from '../../db/open.js';
import { openBoard, type Board } from '../board/board.js';
import { BoardError } from '../board/errors.js';
import { createRun, getRun, latestRun, type Run } from '../board/runs.js';
import { human } from '../board/actor.js';
import type { CommandIO } from './io.js';

export function openBoardFor(io: CommandIO): Board {
  return openBoard(defaultDbFile(io.env, io.cwd()));
}

export function parseRunId(text: string): number {
  const value = Number(String(text).replace(/^#/, ''));
  if (!Number.isInteger(value) || value < 1) throw new BoardError('invalid', `"${text}" is not a run id; run ids are numbers (see \`team runs\`)`);
  return value;
}

/** --run N, else the latest run; with `adHoc`, a run is created when there is none yet. */
export function resolveRun(board: Board, io: CommandIO, runOption: string | undefined, adHoc = false): Run {
  if (runOption !== undefined) {
    const run = getRun(board, parseRunId(runOption));
    if (!run) throw new BoardError('not_found', `run ${runOption} does not exist; list runs with \`team runs\``);
    return run;
  }
  const latest = latestRun(board);
  if (latest) return latest;
  if (!adHoc) {
    throw new BoardError('not_found', 'there are no runs on this board yet; start one with `team start churn-project` or create a task with `team tasks create --subject ...`');
  }
  return createRun(board, { team: 'ad-hoc', backend: 'sim', workspace: path.resolve(io.cwd()), config: { pipeline: [] } }, human);
}
