import { type Command, Option } from 'commander';
import { boardFlag } from '../board-access.js';
import { processIO, type CommandIO } from '../io.js';
import { PATCH_STATUSES } from '../patch-statuses.js';
import { createTask, listTasks, showTask, updateTask, type CreateOptions, type UpdateOptions } from './tasks-actions.js';

export function registerTasksCommand(program: Command, io: CommandIO = processIO): void {
  const tasks = program
    .command('tasks')
    .description('read and change the tasks of a run (the same rules as the agents)')
    .addHelpText('after', '\nExamples:\n  team tasks create --subject "Profile data"\n  team tasks create --subject "Train" --blocked-by 1\n  team tasks update 2 --status in_progress --owner mle\n  team tasks update 2 --owner ds --reassign      (take #2 from mle)\n  team tasks list --json');

  tasks
    .command('list')
    .description('list the tasks of a run with status, owner and open blockers')
    .option('--run <id>', 'run id (default: the latest run)')
    .option('--status <status>', 'only tasks with this status (pending, in_progress, completed)')
    .option('--json', 'print JSON')
    .action(async (opts: { run?: string; status?: string; json?: boolean }) => {
      await listTasks(io, boardFlag(program), opts);
    });

  tasks
    .command('get <id>')
    .description('show one task in full')
    .option('--run <id>', 'run id (default: the latest run)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { run?: string; json?: boolean }) => {
      await showTask(io, boardFlag(program), id, opts);
    });

  tasks
    .command('create')
    .description('create a task (with no run yet, an ad-hoc run is made)')
    .requiredOption('--subject <text>', 'short imperative title')
    .option('--description <text>', 'what to do and how to tell it is done', '')
    .option('--active-form <text>', 'present-continuous form shown while it runs')
    .option('--blocked-by <ids>', 'comma-separated ids of tasks that must finish first')
    .option('--stage <stage>', 'pipeline stage')
    .option('--role <role>', 'only members with this role may claim it')
    .option('--owner <name>', 'assign it to a member')
    .option('--metadata <json>', 'JSON object attached to the task')
    .option('--run <id>', 'run id (default: the latest run)')
    .option('--json', 'print JSON')
    .action(async (opts: CreateOptions) => {
      await createTask(io, boardFlag(program), opts);
    });

  tasks
    .command('update <id>')
    .description('change a task; refused updates print why and exit 1')
    .addOption(new Option('--status <status>', 'new status').choices(PATCH_STATUSES))
    .option('--subject <text>', 'new subject')
    .option('--description <text>', 'new description')
    .option('--active-form <text>', 'present-continuous form')
    .option('--owner <name>', 'assign to a member ("" to unassign); a task someone owns needs --reassign')
    .option('--reassign', 'take the task from its current owner (without it, changing the owner of an owned task is refused)')
    .option('--blocked-by <ids>', 'add blockers (comma-separated ids)')
    .option('--blocks <ids>', 'add dependents (comma-separated ids)')
    .option('--stage <stage>', 'move to a pipeline stage')
    .option('--role <role>', 'restrict to a role')
    .option('--metadata <json>', 'merge a JSON object into the metadata (null removes a key)')
    .option('--run <id>', 'run id (default: the latest run)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: UpdateOptions) => {
      await updateTask(io, boardFlag(program), id, opts);
    });
}
