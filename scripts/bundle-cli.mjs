/**
 * Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, packages included) into
 * a few files in dist/cli/, which bin/team.js loads. Node 20 resolves, reads and links every ES
 * module on its own: a read command loaded about 260 of them (drizzle and zod are most), and that,
 * not the work, was most of its start-up. The lazy imports of the commands stay lazy (split chunks),
 * so `team --help` still loads neither the board nor the runtime.
 *
 *   node scripts/bundle-cli.mjs      (run by `npm run build`, after tsc)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');
const outdir = path.join(root, 'dist', 'cli');

if (!fs.existsSync(entry)) {
  process.stderr.write(`bundle-cli: ${path.relative(root, entry)} is missing; run tsc -p tsconfig.build.json first\n`);
  process.exit(1);
}
// Chunk names change with their content: old ones must not pile up.
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native (better-sqlite3), optional (pg, only for postgres:// boards) and dev-only
  // (react-devtools-core, which Ink imports only with DEV=true) packages load from node_modules.
  external: ['better-sqlite3', 'pg', 'pg-native', 'react-devtools-core'],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
