import fs from 'node:fs';
import path from 'node:path';
import type { Board } from '../board/board.js';
import { isPostgresUrl } from '../board/open.js';
import type { Run } from '../board/types.js';
import { isUnder } from '../sandbox/bwrap-args.js';
import { sandboxSettingsFrom, type SandboxSettings } from '../sandbox/config.js';
import { killOrphans } from '../sandbox/orphans.js';
import { teamHome as findTeamHome } from '../shared/paths.js';
import { runFolderOf } from './run-folder.js';

export interface RunSandboxOptions {
  /** 'bwrap' (the default): every command in the run's sandbox; 'none': plain processes (no sandbox here, or --no-sandbox). */
  mode?: SandboxSettings['mode'];
  /** The team home (board, runs): hidden from commands. Default: found from the run's workspace, else the board file's folder, else from the current folder. */
  teamHome?: string;
}

/**
 * How a run's commands run while this process drives it. Before anything runs, what the commands of
 * an earlier process of the run left behind (after `kill -9` of `team`) is killed. A run that runs
 * commands without a sandbox is marked `unsandboxed` for good: the board says so in its header.
 */
export async function prepareRunSandbox(board: Board, run: Run, opts: RunSandboxOptions = {}): Promise<SandboxSettings> {
  const mode = opts.mode ?? 'bwrap';
  const own = opts.teamHome === undefined ? runFolderOf(run.workspace, run.id) : null;
  const home = opts.teamHome ?? own?.home ?? teamHomeOf(board.location);
  const stateDir = own?.folder ?? path.join(home, 'runs', String(run.id));
  fs.mkdirSync(stateDir, { recursive: true });
  killOrphans(stateDir);
  if (mode === 'none' && !run.config.unsandboxed) await board.updateRun(run.id, { config: { ...run.config, unsandboxed: true } });
  const section = run.config.sandbox ?? {};
  const hide = [...(section.paths?.hide ?? []), ...boardFiles(board.location, home)];
  return sandboxSettingsFrom(
    { ...section, ...(hide.length > 0 ? { paths: { ...section.paths, hide } } : {}) },
    { mode, baseDir: path.dirname(run.config.teamFile), teamHome: home, stateDir },
  );
}

/**
 * The team home of a run given its workspace with --workspace: the board file is `<team home>/board.db`
 * unless --board said otherwise. The current folder's team home is the last resort.
 */
function teamHomeOf(boardLocation: string): string {
  if (!isPostgresUrl(boardLocation)) return path.dirname(path.resolve(boardLocation));
  return findTeamHome();
}

/** A board file outside the team home (--board) is hidden too, with SQLite's files beside it. */
function boardFiles(location: string, home: string): string[] {
  if (isPostgresUrl(location)) return [];
  const file = path.resolve(location);
  if (isUnder(home, file)) return [];
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}
