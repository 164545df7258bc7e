import { type Command, Option } from 'commander';
import { human } from '../../board/actor.js';
import { isTerminal } from '../../board/liveness.js';
import { boardFlag, parseRunId, withBoard } from '../board-access.js';
import { processIO, type CommandIO } from '../io.js';
import type { RunFlags } from '../run-command.js';

function addRunFlags(command: Command, withStartFlags: boolean): Command {
  command
    .option('--speed <x>', 'time scale for the simulated model (2 = twice as fast)')
    .option('--instant', 'no waiting: simulated time, one step at a time (deterministic)')
    .option('--headless', 'plain progress lines instead of the live board (default without a TTY)')
    .option('--auto-answer', "answer every question with its first (recommended) option, logged as auto")
    .option('--json', 'print events as NDJSON (implies --headless)')
    .option('--no-sandbox', "run commands without the OS sandbox, with your user's rights (the board shows unsandboxed; see docs/security.md)")
    .option('--workers-only', 'drive the run (gates, approvals, questions, leases, completion) but run no member here: `team worker` processes run them (see docs/scaling.md)');
  if (!withStartFlags) return command;
  return command
    .addOption(new Option('--backend <name>', 'sim, anthropic or replay (default: anthropic when ANTHROPIC_API_KEY is set, else sim)').choices(['sim', 'anthropic', 'replay']))
    .option('--seed <n>', 'seed for the simulated model and the data', '42')
    .option('--workspace <dir>', 'work in this (empty or new) folder instead of .team/runs/<id>/workspace')
    .option('--budget-usd <x>', "pause and ask when the run's cost reaches this")
    .option('--record <file>', 'write every model response and human answer to a tape')
    .option('--tape <file>', 'the tape to play with --backend replay')
    .option('--fail-rate <x>', 'simulated model: chance per turn of a malformed tool call')
    .option('--open-seats <seats>', 'members who join over MCP instead of being run here: NAME:ROLE,... (see docs/mcp.md)');
}

export function registerStartCommands(program: Command, io: CommandIO = processIO): void {
  addRunFlags(
    program
      .command('start <team>')
      .description('start a run of a team (a name from teams/ or a path to a team file)')
      .addHelpText('after', '\nExamples:\n  team start churn-project\n  team start churn-project --headless --auto-answer --instant\n  team start ./teams/my-team.yaml --backend sim --seed 7\n  team start churn-project --board postgres://db/teamboard --workers-only   (then team worker --run N on each machine)'),
    true,
  ).action(async (teamName: string, flags: RunFlags) => {
    const { start } = await import('../run-command.js');
    io.setExitCode(await start(io, teamName, flags, boardFlag(program)));
  });

  addRunFlags(program.command('resume <run>').description('restart a stopped or crashed run from where it was'), false).action(async (runText: string, flags: RunFlags) => {
    const { resume } = await import('../run-command.js');
    io.setExitCode(await resume(io, runText, flags, boardFlag(program)));
  });
}

export function registerStopCommand(program: Command, io: CommandIO = processIO): void {
  program
    .command('stop <run>')
    .description('stop a run (the process running it finishes the current steps and exits)')
    .action(async (runText: string) => {
      await withBoard(io, { board: boardFlag(program), mustExist: true }, async (board) => {
        const run = await board.requireRun(parseRunId(runText));
        if (isTerminal(run.status)) {
          io.stdout(`Run ${run.id} is already ${run.status}.\n`);
          return;
        }
        await board.setRunStatus(run.id, 'stopped', 'stopped with `team stop`', human);
        io.stdout(`Run ${run.id} stopped. Resume it with \`team resume ${run.id}\`.\n`);
      });
    });
}
