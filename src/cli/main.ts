import { DefinitionError } from '../definitions/errors.js';
import { processIO } from './io.js';
import { plainCommand } from './plain-commands.js';

export async function main(argv: string[]): Promise<number> {
  try {
    // The common commands in their plain forms run without commander and the other commands' modules;
    // anything else (help, a mistake, any other command) goes through the full program below.
    const plain = plainCommand(argv.slice(2));
    if (plain) {
      await plain(processIO);
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    const { runProgram } = await import('./program.js');
    const stopped = await runProgram(argv);
    if (stopped !== undefined) return stopped;
  } catch (error) {
    // A team or agent file with several mistakes gets all of them, as `team teams validate` lists them.
    if (error instanceof DefinitionError) {
      for (const line of error.errors) processIO.stderr(`team: ${line}\n`);
      return 1;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    processIO.stderr(`team: ${KNOWN_ERRORS.has(name) ? '' : `${name}: `}${message}\n`);
    return 1;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

/** Errors written for the reader: printed as they are, without a type prefix. */
const KNOWN_ERRORS = new Set(['BoardError', 'DefinitionError', 'DatabaseOpenError', 'RuntimeError', 'ModelError', 'TapeError']);
