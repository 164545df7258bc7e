import fs from 'node:fs';
import path from 'node:path';
import { ConfinedError } from '../sandbox/confined-fs.js';

/**
 * A path argument resolved inside the workspace, or the reason it was refused. `parts` are the
 * components of its real location below the workspace's real path (`rootReal`), for opening it
 * without following links (src/sandbox/confined-fs.ts).
 */
export type WorkspacePath =
  | { ok: true; abs: string; rel: string; rootReal: string; parts: string[] }
  | { ok: false; error: string };

const MAX_LINK_HOPS = 40;

/**
 * Resolves a path argument (relative to the workspace, or absolute) and refuses anything
 * that lands outside the workspace: `..`, absolute paths elsewhere, `~`, and symlinks inside
 * the workspace that lead out of it (for a path that does not exist yet, the deepest existing
 * ancestor decides). `abs` is the lexical absolute path to operate on; `rel` is for display.
 */
export function resolveWorkspacePath(workspace: string, input: string): WorkspacePath {
  const root = path.resolve(workspace);
  const refuse = (detail = ''): WorkspacePath => ({
    ok: false,
    error: `path "${input}" is outside the workspace ${root}${detail}; use a path inside it`,
  });
  if (input.trim() === '') return { ok: false, error: 'path is empty; give a file path relative to the workspace' };
  if (input.includes('\0')) return { ok: false, error: `path "${input}" contains a NUL byte; remove it` };
  if (input === '~' || input.startsWith('~/')) return refuse(' ("~" is not expanded)');

  let rootReal: string;
  try {
    rootReal = fs.realpathSync(root);
  } catch {
    return { ok: false, error: `the workspace ${root} does not exist` };
  }

  const abs = path.resolve(root, input);
  if (!isInside(root, abs) && !isInside(rootReal, abs)) return refuse();

  const real = realTarget(abs);
  if (real === null) return { ok: false, error: `path "${input}" goes through a symlink loop or unreadable link; use another path` };
  if (!isInside(rootReal, real)) return refuse(` (it leads through a symlink to ${real})`);

  const base = isInside(root, abs) ? root : rootReal;
  const parts = path.relative(rootReal, real).split(path.sep).filter((part) => part !== '');
  return { ok: true, abs, rel: toPosix(path.relative(base, abs)) || '.', rootReal, parts };
}

export function isInside(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Path relative to the workspace with forward slashes, as shown to the model. */
export function displayPath(workspace: string, abs: string): string {
  return toPosix(path.relative(path.resolve(workspace), abs)) || '.';
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * The real location `abs` refers to: symlinks of its deepest existing ancestor are resolved,
 * dangling links are followed by hand (writing through one would create its target), and
 * the missing rest is appended. Null on a link loop.
 */
function realTarget(abs: string, hops = 0): string | null {
  let existing = abs;
  const rest: string[] = [];
  while (!lexists(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return abs;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  try {
    return path.join(fs.realpathSync(existing), ...rest);
  } catch {
    if (hops >= MAX_LINK_HOPS) return null;
    let link: string;
    try {
      link = fs.readlinkSync(existing);
    } catch {
      return null;
    }
    let dir: string;
    try {
      dir = fs.realpathSync(path.dirname(existing));
    } catch {
      return null;
    }
    return realTarget(path.join(path.resolve(dir, link), ...rest), hops + 1);
  }
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tool error for a refusal of the confined file layer, in the words the file tools use; null
 * when `error` is something else (to be rethrown).
 */
export function confinedFailureMessage(error: unknown, rel: string): string | null {
  if (!(error instanceof ConfinedError)) return null;
  switch (error.failure) {
    case 'missing':
      return `file "${rel}" does not exist; use Glob to find the right path`;
    case 'directory':
      return `"${rel}" is a directory, not a file; use Glob with path "${rel}" to list its files`;
    case 'not-directory':
      return `could not write "${rel}": a parent of this path is a file, not a directory`;
    case 'changed':
      return `path "${rel}" changed while it was being opened: ${error.message}; use a path inside the workspace`;
    case 'special':
      return `"${rel}" is not a regular file (${error.message}); the file tools only read and write regular files`;
    case 'hard-links':
      return `${error.message}. Refused: a hard link can point at a file outside the workspace`;
    case 'outside':
      return `path "${rel}" is outside the workspace; use a path inside it`;
    case 'too-large':
      return `file "${rel}" is too large (${error.message})`;
  }
}
