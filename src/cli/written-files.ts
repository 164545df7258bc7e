import fs from 'node:fs';
import path from 'node:path';
import { SKIPPED_DIRS, walkFiles } from '../tools/file-walk.js';

/** Folders that hold installed packages, environments or caches, not what the team made. */
const SKIPPED = new Set([...SKIPPED_DIRS, '.venv', 'venv', '__pycache__', '.cache']);
/** A workspace is walked this far at most: the summary is a pointer, not an inventory. */
const MAX_FILES = 20_000;

export interface WrittenFile {
  /** Relative to the workspace, with `/`. */
  path: string;
  mtimeMs: number;
}

/**
 * The workspace files written or changed since `since` (wall-clock ms), sorted by path: what the
 * team made, whatever its tasks are. Walked as the agents' Glob walks it (no links out of the
 * workspace); unreadable entries are left out.
 */
export async function writtenFiles(workspace: string, since: number): Promise<WrittenFile[]> {
  let real: string;
  try {
    real = fs.realpathSync(workspace);
  } catch {
    return [];
  }
  const { files } = await walkFiles(real, { workspaceReal: real, startReal: real, skipDirs: SKIPPED, maxFiles: MAX_FILES });
  return files.flatMap((file) => {
    const mtimeMs = mtimeOf(file.real);
    return mtimeMs !== null && mtimeMs >= since ? [{ path: path.relative(real, file.abs).split(path.sep).join('/'), mtimeMs }] : [];
  });
}

function mtimeOf(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
