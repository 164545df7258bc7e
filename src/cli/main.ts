import { Command, CommanderError } from 'commander';
import { processIO } from './io.js';
import { registerTasksCommand } from './commands/tasks.js';
import { registerAgentsCommand } from './commands/agents.js';
import { registerTeamsCommand } from './commands/teams.js';
import { registerStartCommands, registerStopCommand } from './commands/start.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('team')
    .description('Run a team of AI agents on a shared task board, with a coordinator that enforces the order of work.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Start here:
  team start churn-project        run the demo team (simulated model without ANTHROPIC_API_KEY)
  team tasks list                 the tasks of the latest run
  team agents list                agent definitions on the search path

State lives in ./.team/board.db (or $TEAM_HOME/board.db).`,
    );
  registerStartCommands(program);
  registerStopCommand(program);
  registerTasksCommand(program);
  registerAgentsCommand(program);
  registerTeamsCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    processIO.stderr(`team: ${known(name) ? '' : `${name}: `}${message}\n`);
    return 1;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

function known(name: string): boolean {
  return ['BoardError', 'DefinitionError', 'DatabaseOpenError', 'RuntimeError', 'ModelError'].includes(name);
}
