/**
 * Compiles src/, db/ and tui/ to dist/ file by file, as `tsc -p tsconfig.build.json` would emit them,
 * with esbuild: about a second instead of twenty. It does not type-check; `npm run typecheck` (part of
 * `npm run check`) does. The sources are written for it: tsconfig.json sets isolatedModules and
 * verbatimModuleSyntax, so each file compiles alone with nothing to elide that only types would reveal.
 *
 *   node scripts/compile.mjs      (run by `npm run build`, before scripts/bundle-cli.mjs)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'db', 'tui'];

/** Every TypeScript file under the source folders, tests left out (tsconfig.build.json's include and exclude). */
function sources() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const dir of SOURCES) walk(path.join(root, dir));
  return files;
}

// A fresh folder each time, so files deleted from the sources do not linger in dist/ (a stale module
// could still be imported); it replaces the old one folder by folder, so a CLI started meanwhile (a
// test, another build) finds nearly no moment without its files.
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
const next = fs.mkdtempSync(path.join(root, 'dist', '.compile-'));
await build({
  entryPoints: sources(),
  outdir: next,
  outbase: root,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  jsx: 'automatic',
  tsconfig: path.join(root, 'tsconfig.build.json'),
  logLevel: 'warning',
});

for (const dir of SOURCES) {
  const target = path.join(root, 'dist', dir);
  const old = `${next}-old-${dir}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(path.join(next, dir), target);
  fs.rmSync(old, { recursive: true, force: true });
}
fs.rmSync(next, { recursive: true, force: true });
