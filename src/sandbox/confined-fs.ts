import { randomBytes } from 'node:crypto';
import { constants, existsSync, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * File access confined to a workspace without check-then-use races. Node has no openat, so a path is
 * opened one component at a time through the directory already opened (`/proc/self/fd/<fd>/<name>`,
 * which resolves through that directory itself), never following a symbolic link; whatever a
 * concurrent command swaps in (a symlink, a `..`-reaching rename) is refused instead of followed.
 * Special files are never opened for writing, and opened for reading without blocking.
 */

export type ConfinedFailure =
  | 'missing'
  | 'directory'
  | 'not-directory'
  | 'changed'
  | 'special'
  | 'hard-links'
  | 'outside'
  | 'too-large';

export class ConfinedError extends Error {
  override name = 'ConfinedError';
  constructor(
    readonly failure: ConfinedFailure,
    message: string,
  ) {
    super(message);
  }
}

const HAS_PROC_FD = existsSync('/proc/self/fd');
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** `name` inside the directory open as `dir`, as a path the kernel resolves through that directory. */
function inside(dir: FileHandle, dirPath: string, name: string): string {
  return HAS_PROC_FD ? `/proc/self/fd/${dir.fd}/${name}` : path.join(dirPath, name);
}

/** What kind of file a stat describes, for an error message. */
export function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory';
  return 'a special file';
}

/**
 * Opens the directory `parts` below `rootReal` (the workspace's real path), component by component,
 * refusing symbolic links; with `create`, missing directories are made on the way.
 */
export async function openDirBeneath(rootReal: string, parts: readonly string[], create = false): Promise<FileHandle> {
  let dir = await fs.open(rootReal, DIR_FLAGS);
  let dirPath = rootReal;
  try {
    for (const part of parts) {
      if (part === '' || part === '.' || part === '..' || part.includes('/')) {
        throw new ConfinedError('outside', `"${part}" is not a plain name`);
      }
      const next = inside(dir, dirPath, part);
      if (create) await fs.mkdir(next).catch((error: unknown) => ignoreCode(error, 'EEXIST'));
      const child = await openComponent(dir, dirPath, part, DIR_FLAGS);
      await dir.close();
      dir = child;
      dirPath = path.join(dirPath, part);
    }
    return dir;
  } catch (error) {
    await dir.close().catch(() => undefined);
    throw error;
  }
}

/** Opens one component in `dir`, turning ELOOP/ENOTDIR into a clear refusal. */
async function openComponent(dir: FileHandle, dirPath: string, name: string, flags: number): Promise<FileHandle> {
  try {
    return await fs.open(inside(dir, dirPath, name), flags);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') throw new ConfinedError('missing', `"${name}" does not exist`);
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      const stat = await fs.lstat(inside(dir, dirPath, name)).catch(() => null);
      if (stat?.isSymbolicLink()) throw new ConfinedError('changed', `"${name}" became a symbolic link while it was being opened; it was not followed`);
      if (stat && !stat.isDirectory() && (flags & constants.O_DIRECTORY) !== 0) throw new ConfinedError('not-directory', `"${name}" is a file, not a directory`);
    }
    if (code === 'ENXIO') throw new ConfinedError('special', `"${name}" is a special file`);
    throw error;
  }
}

export interface OpenedFile {
  handle: FileHandle;
  stat: Stats;
}

/**
 * Opens a regular file below `rootReal` for reading. Refuses directories, FIFOs, sockets and devices
 * (opened without blocking, so a FIFO cannot hang the call), files over `maxBytes`, and files with
 * more than one hard link: another name of the same file may be outside the workspace, and nothing
 * tells where.
 */
export async function openFileBeneath(rootReal: string, parts: readonly string[], maxBytes: number): Promise<OpenedFile> {
  const name = parts[parts.length - 1];
  if (name === undefined) throw new ConfinedError('directory', 'the workspace itself is a directory');
  const dir = await openDirBeneath(rootReal, parts.slice(0, -1));
  let handle: FileHandle;
  try {
    handle = await openComponent(dir, path.join(rootReal, ...parts.slice(0, -1)), name, READ_FLAGS);
  } finally {
    await dir.close();
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new ConfinedError('directory', `"${name}" is a directory`);
    if (!stat.isFile()) throw new ConfinedError('special', `"${name}" is ${kindOf(stat)}, not a regular file`);
    if (stat.nlink > 1) {
      throw new ConfinedError('hard-links', `"${name}" has ${stat.nlink} hard links; another of its names may be outside the workspace, so it is not read`);
    }
    if (stat.size > maxBytes) throw new ConfinedError('too-large', `${stat.size} bytes`);
    return { handle, stat };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a whole regular file below `rootReal` (see openFileBeneath for what is refused). */
export async function readFileBeneath(rootReal: string, parts: readonly string[], maxBytes: number): Promise<Buffer> {
  const { handle } = await openFileBeneath(rootReal, parts, maxBytes);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces (or creates) a file below `rootReal` with `content`: written to a new file in the same
 * directory, then renamed over the old one. Nothing is ever written through an existing file, so a
 * hard link or a FIFO in its place cannot carry the write elsewhere; the old file's mode is kept.
 */
export async function writeFileBeneath(rootReal: string, parts: readonly string[], content: string): Promise<void> {
  const name = parts[parts.length - 1];
  if (name === undefined) throw new ConfinedError('directory', 'the workspace itself is a directory');
  const dirPath = path.join(rootReal, ...parts.slice(0, -1));
  const dir = await openDirBeneath(rootReal, parts.slice(0, -1), true);
  const temp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const existing = await fs.lstat(inside(dir, dirPath, name)).catch((error: unknown) => ignoreCode(error, 'ENOENT'));
    if (existing?.isDirectory()) throw new ConfinedError('directory', `"${name}" is a directory`);
    if (existing?.isSymbolicLink()) throw new ConfinedError('changed', `"${name}" became a symbolic link while it was being opened; it was not followed`);
    if (existing && !existing.isFile()) throw new ConfinedError('special', `"${name}" is ${kindOf(existing)}, not a regular file`);
    const mode = existing ? existing.mode & 0o7777 : 0o666;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const out = await fs.open(inside(dir, dirPath, temp), flags, mode);
    try {
      await out.writeFile(content, 'utf8');
      if (existing) await out.chmod(mode);
    } finally {
      await out.close();
    }
    await fs.rename(inside(dir, dirPath, temp), inside(dir, dirPath, name));
  } catch (error) {
    await fs.unlink(inside(dir, dirPath, temp)).catch(() => undefined);
    throw error;
  } finally {
    await dir.close();
  }
}

/**
 * Opens a directory for listing: never through a symbolic link at its last component, and only when
 * what was opened is still inside `rootReal` (checked on the open descriptor, not on the path).
 */
export async function openDirChecked(abs: string, rootReal: string): Promise<FileHandle> {
  const handle = await fs.open(abs, DIR_FLAGS);
  if (!HAS_PROC_FD) return handle;
  const real = await fs.realpath(`/proc/self/fd/${handle.fd}`).catch(() => null);
  const rel = real === null ? '..' : path.relative(rootReal, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    await handle.close();
    throw new ConfinedError('outside', `"${abs}" leads outside the workspace`);
  }
  return handle;
}

/** The path to list an open directory with (fs.readdir of it reads that very directory). */
export function listingPath(handle: FileHandle, abs: string): string {
  return HAS_PROC_FD ? `/proc/self/fd/${handle.fd}` : abs;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function ignoreCode(error: unknown, code: string): null {
  if (errorCode(error) === code) return null;
  throw error;
}
