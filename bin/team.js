#!/usr/bin/env node
import fs from 'node:fs';

// React's production build renders the board several times faster; set it before React loads.
process.env.NODE_ENV ??= 'production';

// Output into a pipe that closed early (`team status | head -1`) ends the command quietly, as a
// SIGPIPE ends other tools, instead of failing with a stack trace; a run stops cleanly instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') {
      // A run in progress listens (OUTPUT_CLOSED in src/cli/io.ts) and stops itself cleanly; anything else just ends.
      if (process.emit('team:output-closed')) return;
      process.exit(process.exitCode ?? 0);
    }
    throw error;
  });
}

// dist/cli/ is the CLI bundled into a few files (scripts/bundle-cli.mjs): it starts much faster than
// the ~260 separate modules of dist/src/. A bundle older than the compiled files (tsc was run alone)
// is stale, and the compiled files are used instead.
const { main } = await import(bundleIsCurrent() ? '../dist/cli/main.js' : '../dist/src/cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`team: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

function bundleIsCurrent() {
  try {
    const bundled = fs.statSync(new URL('../dist/cli/main.js', import.meta.url)).mtimeMs;
    return bundled >= fs.statSync(new URL('../dist/src/cli/main.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}
