import fs from 'node:fs';
import path from 'node:path';

/**
 * A run's own folder under the team home: `runs/<id>`, holding its `workspace` and its sandbox's
 * state. When that folder is already there (a board lost or deleted next to its old runs starts
 * counting from 1 again), the next free `runs/<id>-<n>` is taken: a new run never works in the
 * files of an old one, and the old run's files stay as they were. mkdir claims the name, so two
 * processes never take the same folder.
 */
export function claimRunFolder(home: string, runId: number): string {
  const runs = path.join(home, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  for (let n = 1; ; n++) {
    const folder = path.join(runs, n === 1 ? String(runId) : `${runId}-${n}`);
    try {
      fs.mkdirSync(folder);
      return folder;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
  }
}

/** The team home and run folder of a workspace laid out by claimRunFolder, or null for one given with --workspace. */
export function runFolderOf(workspace: string, runId: number): { home: string; folder: string } | null {
  const resolved = path.resolve(workspace);
  const folder = path.dirname(resolved);
  const runs = path.dirname(folder);
  const name = path.basename(folder);
  const ours = name === String(runId) || new RegExp(`^${runId}-\\d+$`).test(name);
  if (path.basename(resolved) !== 'workspace' || !ours || path.basename(runs) !== 'runs') return null;
  return { home: path.dirname(runs), folder };
}
