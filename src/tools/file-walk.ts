import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { listingPath, openDirChecked } from '../sandbox/confined-fs.js';
import { isInside } from './workspace-path.js';

/** Directories Glob and Grep do not descend into unless the pattern names them. */
export const SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules'];

export interface WalkOptions {
  /** Realpath of the workspace: nothing outside it is listed. */
  workspaceReal: string;
  /** Realpath of the start folder (the walk opens real folders and reports paths under `start`). */
  startReal: string;
  skipDirs: ReadonlySet<string>;
  /** Stop after this many files (the walk then reports `complete: false`). */
  maxFiles: number;
  signal?: AbortSignal;
}

export interface WalkedFile {
  /** Path under the start folder as given (for display). */
  abs: string;
  /** Where the file really is (a symlink's target), for opening it. */
  real: string;
}

export interface WalkResult {
  /** Regular files, sorted by `abs`. */
  files: WalkedFile[];
  complete: boolean;
}

/**
 * Lists the regular files under `start`. Never descends into a symbolic link: each folder is opened
 * without following links and checked to be inside the workspace on the open descriptor, so a link
 * swapped in during the walk is skipped rather than followed. Symlinked files are listed when they
 * lead to a regular file inside the workspace.
 */
export async function walkFiles(start: string, options: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const stack = [''];
  while (stack.length > 0) {
    if (options.signal?.aborted) return { files, complete: false };
    const sub = stack.pop() as string;
    const dirReal = path.join(options.startReal, sub);
    let entries: Dirent[];
    try {
      const handle = await openDirChecked(dirReal, options.workspaceReal);
      try {
        entries = await fs.readdir(listingPath(handle, dirReal), { withFileTypes: true });
      } finally {
        await handle.close();
      }
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) {
        if (!options.skipDirs.has(entry.name)) subdirs.push(rel);
        continue;
      }
      let real: string | null = null;
      if (entry.isFile()) real = path.join(options.startReal, rel);
      else if (entry.isSymbolicLink()) real = await fileInside(path.join(options.startReal, rel), options.workspaceReal);
      if (real === null) continue;
      if (files.length >= options.maxFiles) return { files: sortByPath(files), complete: false };
      files.push({ abs: path.join(start, rel), real });
    }
    stack.push(...subdirs.reverse());
  }
  return { files: sortByPath(files), complete: true };
}

function sortByPath(files: WalkedFile[]): WalkedFile[] {
  return files.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
}

async function fileInside(link: string, workspaceReal: string): Promise<string | null> {
  try {
    const real = await fs.realpath(link);
    return isInside(workspaceReal, real) && (await fs.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** A file is treated as binary when its first 8 KB contain a NUL byte. */
export function looksBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8192).includes(0);
}
