import { type Command, Option } from 'commander';
import { human } from '../../board/actor.js';
import { taskStatusLabel } from '../../board/dry-run.js';
import { BoardError } from '../../board/errors.js';
import type { Json, JsonObject, TaskPatch } from '../../board/types.js';
import { boardFlag, resolveRun, withBoard } from '../board-access.js';
import { printJson, processIO, type CommandIO } from '../io.js';
import { listTasks } from './tasks-actions.js';

function parseIds(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/^#/, ''));
      if (!Number.isInteger(n) || n < 1) throw new BoardError('invalid', `"${s}" is not a task id; use numbers like 1,2`);
      return n;
    });
}

function parseMetadata(text: string): JsonObject {
  let value: Json;
  try {
    // JSON.parse gives back JSON values only.
    value = JSON.parse(text);
  } catch (error) {
    throw new BoardError('invalid', `--metadata is not valid JSON (${error instanceof Error ? error.message : String(error)}); pass an object like '{"auc": 0.8}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BoardError('invalid', `--metadata must be a JSON object like '{"auc": 0.8}'`);
  }
  return value;
}

function parseTaskId(text: string): number {
  const [id] = parseIds(text);
  if (id === undefined) throw new BoardError('invalid', 'give a task id, like `team tasks get 3`');
  return id;
}


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
      await withBoard(io, { board: boardFlag(program), mustExist: true }, async (board) => {
        const run = await resolveRun(board, io, opts.run);
        const task = await board.getTaskDetail(run.id, parseTaskId(id));
        if (!task) throw new BoardError('not_found', `task #${id} does not exist in run ${run.id}; see \`team tasks list\``);
        if (opts.json) return printJson(io, task);
        const lines = [
          `#${task.id} ${task.subject}`,
          `  status:     ${taskStatusLabel(task)}${task.owner ? ` (owner ${task.owner})` : ''}`,
          `  stage:      ${task.stage ?? '-'}    role: ${task.role ?? 'anyone'}    attempt: ${task.attempt}`,
          `  blocked by: ${task.blockedBy.length ? task.blockedBy.map((b) => `#${b}`).join(', ') : '-'}${task.gate ? `   gate: ${task.gate}` : ''}`,
          `  blocks:     ${task.blocks.length ? task.blocks.map((b) => `#${b}`).join(', ') : '-'}`,
          `  created by: ${task.createdBy}`,
        ];
        if (task.description) lines.push('', ...task.description.split('\n').map((l) => `  ${l}`));
        if (Object.keys(task.metadata).length > 0) lines.push('', '  metadata:', ...JSON.stringify(task.metadata, null, 2).split('\n').map((l) => `    ${l}`));
        io.stdout(`${lines.join('\n')}\n`);
      });
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
    .action(async (opts: { subject: string; description: string; activeForm?: string; blockedBy?: string; stage?: string; role?: string; owner?: string; metadata?: string; run?: string; json?: boolean }) => {
      await withBoard(io, { board: boardFlag(program), mustExist: false }, async (board) => {
        const run = await resolveRun(board, io, opts.run, true);
        const task = await board.createTask(
          run.id,
          {
            subject: opts.subject,
            description: opts.description,
            activeForm: opts.activeForm ?? null,
            blockedBy: opts.blockedBy ? parseIds(opts.blockedBy) : [],
            stage: opts.stage ?? null,
            role: opts.role ?? null,
            owner: opts.owner ?? null,
            metadata: opts.metadata ? parseMetadata(opts.metadata) : {},
          },
          human,
        );
        if (opts.json) return printJson(io, { task: { id: String(task.id), subject: task.subject }, run: run.id });
        io.stdout(`Created task #${task.id} "${task.subject}" in run ${run.id}\n`);
      });
    });

  tasks
    .command('update <id>')
    .description('change a task; refused updates print why and exit 1')
    .addOption(new Option('--status <status>', 'new status').choices(['pending', 'in_progress', 'completed', 'deleted']))
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
    .action(async (id: string, opts: { status?: TaskPatch['status']; subject?: string; description?: string; activeForm?: string; owner?: string; reassign?: boolean; blockedBy?: string; blocks?: string; stage?: string; role?: string; metadata?: string; run?: string; json?: boolean }) => {
      await withBoard(io, { board: boardFlag(program), mustExist: true }, async (board) => {
        const run = await resolveRun(board, io, opts.run);
        const result = await board.updateTask(
          run.id,
          parseTaskId(id),
          {
            status: opts.status,
            subject: opts.subject,
            description: opts.description,
            activeForm: opts.activeForm,
            owner: opts.owner,
            addBlockedBy: opts.blockedBy ? parseIds(opts.blockedBy) : undefined,
            addBlocks: opts.blocks ? parseIds(opts.blocks) : undefined,
            stage: opts.stage,
            role: opts.role,
            metadata: opts.metadata ? parseMetadata(opts.metadata) : undefined,
            ...(opts.reassign ? { reassign: true } : {}),
          },
          human,
        );
        if (opts.json) return printJson(io, { success: true, ...result, taskId: String(result.taskId) });
        const change = result.statusChange ? ` (${result.statusChange.from} -> ${result.statusChange.to})` : '';
        io.stdout(result.updatedFields.length ? `Updated task #${result.taskId}: ${result.updatedFields.join(', ')}${change}\n` : `Task #${result.taskId} unchanged\n`);
      });
    });
}
