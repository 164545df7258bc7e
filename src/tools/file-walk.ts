import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './workspace-path.js';

/** Directories Glob and Grep do not descend into unless the pattern names them. */
export const SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules'];

export interface WalkOptions {
  /** Realpath of the workspace: symlinked files are listed only when they resolve inside it. */
  workspaceReal: string;
  skipDirs: ReadonlySet<string>;
  /** Stop after this many files (the walk then reports `complete: false`). */
  maxFiles: number;
  signal?: AbortSignal;
}

export interface WalkResult {
  /** Absolute paths of regular files, sorted. */
  files: string[];
  complete: boolean;
}

/** Lists the files under `start` without following symlinked directories. */
export async function walkFiles(start: string, options: WalkOptions): Promise<WalkResult> {
  const files: string[] = [];
  const stack = [start];
  while (stack.length > 0) {
    if (options.signal?.aborted) return { files, complete: false };
    const dir = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!options.skipDirs.has(entry.name)) subdirs.push(abs);
        continue;
      }
      if (!entry.isFile() && !(entry.isSymbolicLink() && (await isFileInside(abs, options.workspaceReal)))) continue;
      if (files.length >= options.maxFiles) return { files: files.sort(), complete: false };
      files.push(abs);
    }
    stack.push(...subdirs.reverse());
  }
  return { files: files.sort(), complete: true };
}

async function isFileInside(link: string, workspaceReal: string): Promise<boolean> {
  try {
    const real = await fs.realpath(link);
    return isInside(workspaceReal, real) && (await fs.stat(real)).isFile();
  } catch {
    return false;
  }
}

/** A file is treated as binary when its first 8 KB contain a NUL byte. */
export function looksBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8192).includes(0);
}
