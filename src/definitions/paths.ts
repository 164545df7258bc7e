import fs from 'node:fs';
import path from 'node:path';

/** The one package root lives in src/shared; re-exported for callers that import it from here. */
export { packageRoot } from '../shared/paths.js';

/** A path as the user should see it: relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  return file;
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Does this string name a file rather than a definition? */
export function looksLikePath(ref: string, extensions: string[]): boolean {
  if (ref.includes('/') || ref.includes('\\')) return true;
  return extensions.some((ext) => ref.toLowerCase().endsWith(ext));
}
