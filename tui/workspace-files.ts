import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfinedError, listingPath, openDirChecked, readFileBeneath } from '../src/sandbox/confined-fs.js';
import { looksBinary } from '../src/tools/file-walk.js';
import { confinedFailureMessage, resolveWorkspacePath } from '../src/tools/workspace-path.js';
import { formatBytes } from './format.js';

/**
 * Reading the run's workspace for the board's file viewer: only inside the workspace (paths are
 * resolved as the agents' file tools resolve them, symlinks out of it refused, files opened without
 * following links), text only, and not more than a person would read on a terminal.
 */

/** The biggest file the viewer opens; bigger ones are named with their size and their path. */
export const MAX_VIEW_BYTES = 1024 * 1024;

export type FileKind = 'markdown' | 'json' | 'text';

export type FileView =
  | { ok: true; path: string; abs: string; kind: FileKind; bytes: number; text: string; json?: unknown; note?: string }
  | { ok: false; path: string; message: string; directory?: boolean };

export interface DirEntry {
  name: string;
  /** Relative to the workspace, with forward slashes. */
  path: string;
  dir: boolean;
  bytes: number | null;
}

export type DirListing = { ok: true; path: string; entries: DirEntry[] } | { ok: false; path: string; message: string };

export function fileKind(rel: string): FileKind {
  const ext = path.extname(rel).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.json') return 'json';
  return 'text';
}

/** A workspace file as the viewer shows it, or why it is not shown (a sentence a person can act on). */
export async function readWorkspaceFile(workspace: string, rel: string): Promise<FileView> {
  const target = resolveWorkspacePath(workspace, rel);
  if (!target.ok) return { ok: false, path: rel, message: target.error };
  const shown = target.rel;
  let buffer: Buffer;
  try {
    buffer = await readFileBeneath(target.rootReal, target.parts, MAX_VIEW_BYTES);
  } catch (error) {
    if (error instanceof ConfinedError && error.failure === 'too-large') {
      const size = Number.parseInt(error.message, 10);
      const bytes = Number.isFinite(size) ? formatBytes(size) : error.message;
      return { ok: false, path: shown, message: `${shown} is ${bytes}; the board shows files up to ${formatBytes(MAX_VIEW_BYTES)}. Open it in an editor: ${target.abs}` };
    }
    if (error instanceof ConfinedError && error.failure === 'missing') return { ok: false, path: shown, message: `${shown} does not exist in the workspace (yet)` };
    if (error instanceof ConfinedError && error.failure === 'directory') return { ok: false, path: shown, message: `${shown} is a folder`, directory: true };
    const message = confinedFailureMessage(error, shown);
    return { ok: false, path: shown, message: message ?? `cannot read ${shown}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (looksBinary(buffer)) return { ok: false, path: shown, message: `${shown} looks binary (it contains NUL bytes); the board shows text files. It is at ${target.abs}` };
  const text = buffer.toString('utf8');
  const kind = fileKind(shown);
  const base = { ok: true as const, path: shown, abs: target.abs, bytes: buffer.length, text };
  if (kind !== 'json') return { ...base, kind };
  try {
    return { ...base, kind, json: JSON.parse(text) as unknown };
  } catch (error) {
    return { ...base, kind: 'text', note: `not valid JSON (${error instanceof Error ? error.message : String(error)}); shown as text` };
  }
}

/** The folders and files of a workspace folder: folders first, then files, each by name. */
export async function listWorkspaceDir(workspace: string, rel: string): Promise<DirListing> {
  if (!(await fs.stat(workspace).catch(() => null))) return { ok: false, path: rel, message: `the workspace ${workspace} does not exist (yet)` };
  const target = resolveWorkspacePath(workspace, rel === '' ? '.' : rel);
  if (!target.ok) return { ok: false, path: rel, message: target.error };
  const shown = target.rel === '.' ? '' : target.rel;
  const real = path.join(target.rootReal, ...target.parts);
  let entries: Dirent[];
  try {
    const handle = await openDirChecked(real, target.rootReal);
    try {
      entries = await fs.readdir(listingPath(handle, real), { withFileTypes: true });
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return { ok: false, path: shown, message: shown === '' ? `the workspace ${target.abs} does not exist (yet)` : `${shown}/ does not exist in the workspace` };
    if (code === 'ENOTDIR') return { ok: false, path: shown, message: `${shown} is a file, not a folder` };
    return { ok: false, path: shown, message: confinedFailureMessage(error, shown) ?? `cannot list ${shown || 'the workspace'}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const list: DirEntry[] = [];
  for (const entry of entries) {
    const child = shown === '' ? entry.name : `${shown}/${entry.name}`;
    if (entry.isDirectory()) list.push({ name: entry.name, path: child, dir: true, bytes: null });
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const stat = await fs.stat(path.join(real, entry.name)).catch(() => null);
      if (stat?.isDirectory()) list.push({ name: entry.name, path: child, dir: true, bytes: null });
      else list.push({ name: entry.name, path: child, dir: false, bytes: stat?.isFile() ? stat.size : null });
    }
  }
  list.sort((a, b) => (a.dir === b.dir ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.dir ? -1 : 1));
  return { ok: true, path: shown, entries: list };
}

/** The candidates that are regular files inside the workspace, as workspace-relative paths, in order, once each. */
export async function existingFiles(workspace: string, candidates: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const candidate of candidates) {
    const target = resolveWorkspacePath(workspace, candidate);
    if (!target.ok || found.includes(target.rel)) continue;
    const stat = await fs.stat(path.join(target.rootReal, ...target.parts)).catch(() => null);
    if (stat?.isFile()) found.push(target.rel);
  }
  return found;
}
