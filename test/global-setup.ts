import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the files under these folders. */
function newest(dirs: string[]): number {
  let latest = 0;
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else latest = Math.max(latest, fs.statSync(full).mtimeMs);
    }
  };
  dirs.forEach((d) => walk(path.join(root, d)));
  return latest;
}

/**
 * Tests that run the CLI use the compiled `dist/`. Build it once, before any test starts, when it
 * is missing or older than the sources, so no test rebuilds it while others are running it.
 */
export default function setup(): void {
  const built = newest(['dist']);
  if (built > 0 && built >= newest(['src', 'db', 'tui'])) return;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
