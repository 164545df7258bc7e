import fs from 'node:fs';
import path from 'node:path';

/** Folders that hold installed packages or history, not what the team made. */
const SKIPPED = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', '.cache']);
/** A workspace is walked this far at most: the summary is a pointer, not an inventory. */
const MAX_ENTRIES = 20_000;

export interface WrittenFile {
  /** Relative to the workspace, with `/`. */
  path: string;
  mtimeMs: number;
}

/**
 * The workspace files written or changed since `since` (wall-clock ms), sorted by path: what the
 * team made, whatever its tasks are. Unreadable entries are left out.
 */
export function writtenFiles(workspace: string, since: number): WrittenFile[] {
  const found: WrittenFile[] = [];
  const pending = [''];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const rel = pending.pop() ?? '';
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(workspace, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen++;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) pending.push(child);
      } else if (entry.isFile()) {
        const mtimeMs = mtimeOf(path.join(workspace, child));
        if (mtimeMs !== null && mtimeMs >= since) found.push({ path: child, mtimeMs });
      }
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function mtimeOf(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
