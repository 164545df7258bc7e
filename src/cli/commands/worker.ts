import type { Command } from 'commander';
import { boardFlag } from '../board-access.js';
import { processIO, type CommandIO } from '../io.js';
import type { WorkerFlags } from '../worker-command.js';

/** `team worker`: run some of a run's members in this process, on any machine that reaches the board (docs/scaling.md). */
export function registerWorkerCommand(program: Command, io: CommandIO = processIO): Command {
  return program
    .command('worker')
    .description("run some of a run's members in this process, on any machine that reaches its board (see docs/scaling.md)")
    .requiredOption('--run <n>', 'the run whose members to run (started with `team start --workers-only`)')
    .option('--members <names>', 'the members to run here: NAME,NAME (default: every member of the run)')
    .option('--role <role>', 'run every member of this role')
    .option('--speed <x>', 'time scale for the simulated model (2 = twice as fast)')
    .option('--instant', 'simulated model: no waiting between steps')
    .option('--json', 'print events as NDJSON')
    .option('--no-sandbox', "run commands without the OS sandbox, with your user's rights")
    .addHelpText(
      'after',
      `
The run's workspace must be at the same path here as where \`team start\` made it (a shared folder
every machine mounts). TEAM_WORKER_LEASE_MS (default 15000) is how long a silent worker keeps its
members; the run's driver and its workers must agree on it.

Examples:
  team start churn-project --board postgres://db/teamboard --workers-only
  team worker --board postgres://db/teamboard --run 1 --members ds,mle
  team worker --board postgres://db/teamboard --run 1 --role mlops-engineer`,
    )
    .action(async (flags: WorkerFlags) => {
      const { worker } = await import('../worker-command.js');
      io.setExitCode(await worker(io, flags, boardFlag(program)));
    });
}
