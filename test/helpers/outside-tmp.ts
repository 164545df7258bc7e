import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Folders every sandbox (and the unsandboxed write check) covers with private ones. */
const COVERED = ['/tmp', '/var/tmp', '/dev/shm', os.tmpdir()];

function under(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A writable folder for `name` that is not under the temporary folder. Sandbox tests need one:
 * commands get a private /tmp, which would hide what is there for the wrong reason. The project's
 * node_modules/.cache is the first choice, but a checkout may itself live under /tmp (as a CI
 * clone may); then the home's .cache, then /var/cache.
 */
export function dirOutsideTmp(name: string): string {
  const covered = COVERED.map((dir) => (fs.existsSync(dir) ? fs.realpathSync(dir) : dir));
  const bases = [path.resolve('node_modules/.cache'), path.join(os.homedir(), '.cache'), '/var/cache'];
  for (const base of bases) {
    const dir = path.join(base, name);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const real = fs.realpathSync(dir);
      if (covered.some((c) => under(c, real))) continue;
      fs.accessSync(real, fs.constants.W_OK);
      return real;
    } catch {
      continue;
    }
  }
  throw new Error(`no writable folder outside ${covered.join(', ')} for ${name}; tried ${bases.join(', ')}`);
}
