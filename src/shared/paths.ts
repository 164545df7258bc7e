import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The teamboard package root (holds the built-in agents/, teams/ and db/), from src/ or from dist/src/. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && readPackageName(manifest) === 'teamboard') {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the teamboard package root (no package.json named "teamboard" above this file)');
    dir = parent;
  }
}

function readPackageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string') return parsed.name;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Where a project's board lives, as git finds its repository: $TEAM_HOME when set, else the
 * nearest `.team/` folder in cwd or a parent, else `./.team` (which `team start` creates).
 */
export function teamHome(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.TEAM_HOME) return path.resolve(cwd, env.TEAM_HOME);
  return findTeamHome(cwd) ?? path.join(cwd, '.team');
}

/** The nearest existing `.team/` folder in `cwd` or one of its parents. */
export function findTeamHome(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; ) {
    const candidate = path.join(dir, '.team');
    if (isDirectory(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
