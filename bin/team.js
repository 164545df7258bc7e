#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`team: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
