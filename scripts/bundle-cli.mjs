/**
 * Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, packages included) into
 * a few files in dist/cli/, which bin/team.js loads. Node 20 resolves, reads and links every ES
 * module on its own: a read command loaded about 260 of them (drizzle and zod are most), and that,
 * not the work, was most of its start-up. The lazy imports of the commands stay lazy (split chunks),
 * so `team --help` loads neither the board nor the runtime, and a read command neither commander
 * (src/cli/plain-commands.ts) nor drizzle (src/board/sqlite/store.ts). dist/cli-meta.json says what
 * each chunk holds.
 *
 * The board's event schemas (src/board/events.ts) use `zod/mini`. esbuild makes chunks per file, and
 * every zod entry reaches all of zod's core and its 40-odd locales, so sharing one zod with the
 * runtime made every read command load 750 KB of it. The events module is therefore bundled first on
 * its own, with only the part of zod it uses, and the CLI gets that file in its place (its schemas
 * never meet the runtime's, so two copies of zod are harmless).
 *
 *   node scripts/bundle-cli.mjs      (run by `npm run build`, after tsc)
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
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
fs.rmSync(path.join(root, 'dist', 'vendor'), { recursive: true, force: true });

const events = path.join(root, 'dist', 'src', 'board', 'events.js');
const eventsBundle = path.join(root, 'dist', 'vendor', 'board-events.js');
await build({
  entryPoints: [events],
  outfile: eventsBundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
/** Every import of the events module gets the copy bundled above. */
const eventsOnTheirOwn = {
  name: 'events-on-their-own',
  setup(plugin) {
    plugin.onResolve({ filter: /\/events\.js$/ }, (args) => (path.resolve(args.resolveDir, args.path) === events ? { path: eventsBundle } : undefined));
  },
};

/**
 * better-sqlite3's JavaScript is bundled too: its dozen CommonJS files took 15-20 ms to load. Its
 * native addon is not. src/board/sqlite/database.ts hands better-sqlite3 the addon's path when it
 * is in build/Release or build/Debug, so the `bindings` package's search (which a bundle would
 * mislead) never runs; with the addon anywhere else, better-sqlite3 stays a package loaded from
 * node_modules.
 */
function addonInPlace() {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    return ['Release', 'Debug'].some((build) => fs.existsSync(path.join(dir, 'build', build, 'better_sqlite3.node')));
  } catch {
    return false;
  }
}

const result = await build({
  entryPoints: { main: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Optional (pg, only for postgres:// boards) and dev-only (react-devtools-core, which Ink imports
  // only with DEV=true) packages load from node_modules, and so does better-sqlite3 unless its addon
  // is where the board hands it over.
  external: [...(addonInPlace() ? ['bindings'] : ['better-sqlite3']), 'pg', 'pg-native', 'react-devtools-core'],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  plugins: [eventsOnTheirOwn],
  legalComments: 'none',
  logLevel: 'warning',
  // What each chunk holds, for checking what a command loads (esbuild's analyzer reads it).
  metafile: true,
});
fs.writeFileSync(path.join(root, 'dist', 'cli-meta.json'), JSON.stringify(result.metafile));
