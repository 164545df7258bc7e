#!/usr/bin/env node
// React's production build renders the board several times faster; set it before React loads.
process.env.NODE_ENV ??= 'production';

const { main } = await import('../dist/src/cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`team: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
