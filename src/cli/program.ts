import { Command, CommanderError } from 'commander';
import { registerAgentsCommand } from './commands/agents.js';
import { registerBoardCommand } from './commands/board.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerRunCommands } from './commands/runs.js';
import { registerSimServerCommand } from './commands/sim-server.js';
import { registerStartCommands, registerStopCommand } from './commands/start.js';
import { registerTasksCommand } from './commands/tasks.js';
import { registerTeamsCommand } from './commands/teams.js';
import { registerWorkerCommand } from './commands/worker.js';

/** Every command, with its options and help: what `team` runs unless ./plain-commands.ts takes the command. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('team')
    .description('Run a team of AI agents on a shared task board, with a coordinator that enforces the order of work.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // Every command's help lists --board too: it is given before or after the command.
    .configureHelp({ showGlobalOptions: true })
    .option('--board <path-or-url>', 'the board to use: a board.db file or a postgres:// URL (default: $TEAM_BOARD_URL, else .team/board.db here or in a parent folder)')
    .addHelpText(
      'after',
      `
Start here:
  team start churn-project        run the demo team and watch the board (simulated model without ANTHROPIC_API_KEY)
  team runs                       what ran, how it ended, what it cost
  team board 3                    attach another terminal to run 3
  team answer 3 q2 "Canary 10%"   answer an agent's question from a script
  team resume 3                   go on after a crash or Ctrl-C

State lives in .team/board.db in this folder or the nearest parent that has one ($TEAM_HOME/board.db
when set); --board or $TEAM_BOARD_URL name another board.`,
    );
  registerStartCommands(program);
  registerBoardCommand(program);
  registerRunCommands(program);
  registerStopCommand(program);
  registerTasksCommand(program);
  registerAgentsCommand(program);
  registerTeamsCommand(program);
  registerSimServerCommand(program);
  registerMcpCommand(program);
  registerWorkerCommand(program);
  return program;
}

/** Parse the arguments and run the command; commander's own stop (help shown, a usage mistake) is returned as its exit code. */
export async function runProgram(argv: string[]): Promise<number | undefined> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return undefined;
}
