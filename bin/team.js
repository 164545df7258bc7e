#!/usr/bin/env node
// React's production build renders the board several times faster; set it before React loads.
process.env.NODE_ENV ??= 'production';

// Output into a pipe that closed early (`team status | head -1`) ends the command quietly, as a
// SIGPIPE ends other tools, instead of failing with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

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
