import fs from 'node:fs';
import path from 'node:path';
import type { Board } from '../board/board.js';
import { isPostgresUrl } from '../board/open.js';
import type { Run } from '../board/types.js';
import { isUnder } from '../sandbox/bwrap-args.js';
import { sandboxSettingsFrom, type SandboxSettings } from '../sandbox/config.js';
import { killOrphans } from '../sandbox/orphans.js';
import { teamHome as findTeamHome } from '../shared/paths.js';

export interface RunSandboxOptions {
  /** 'bwrap' (the default): every command in the run's sandbox; 'none': plain processes (no sandbox here, or --no-sandbox). */
  mode?: SandboxSettings['mode'];
  /** The team home (board, runs): hidden from commands. Default: found from the run's workspace, else from the current folder. */
  teamHome?: string;
}

/**
 * How a run's commands run while this process drives it. Before anything runs, what the commands of
 * an earlier process of the run left behind (after `kill -9` of `team`) is killed. A run that runs
 * commands without a sandbox is marked `unsandboxed` for good: the board says so in its header.
 */
export async function prepareRunSandbox(board: Board, run: Run, opts: RunSandboxOptions = {}): Promise<SandboxSettings> {
  const mode = opts.mode ?? 'bwrap';
  const home = opts.teamHome ?? teamHomeOf(run);
  const stateDir = path.join(home, 'runs', String(run.id));
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

/** `<team home>/runs/<id>/workspace` is where a run works unless --workspace said otherwise. */
function teamHomeOf(run: Run): string {
  const workspace = path.resolve(run.workspace);
  const runDir = path.dirname(workspace);
  const runsDir = path.dirname(runDir);
  if (path.basename(workspace) === 'workspace' && path.basename(runDir) === String(run.id) && path.basename(runsDir) === 'runs') return path.dirname(runsDir);
  return findTeamHome();
}

/** A board file outside the team home (--board) is hidden too, with SQLite's files beside it. */
function boardFiles(location: string, home: string): string[] {
  if (isPostgresUrl(location)) return [];
  const file = path.resolve(location);
  if (isUnder(home, file)) return [];
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}
