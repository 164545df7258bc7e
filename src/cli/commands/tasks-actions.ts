/**
 * What `team tasks list/get/create/update` do, apart from parsing their arguments, and the task table
 * `team status` shows too: the commander commands (./tasks.ts) and the plain forms' own dispatch
 * (../plain-commands.ts) both call these, and neither makes them load commander.
 */
import { human } from '../../board/actor.js';
import { dryRunOf, dryRunText, taskStatusLabel, withSimulated } from '../../board/dry-run.js';
import { BoardError } from '../../board/errors.js';
import type { Json, JsonObject, TaskPatch, TaskStatus, TaskSummary } from '../../board/types.js';
import { resolveRun, withBoard } from '../board-access.js';
import { PATCH_STATUSES } from '../patch-statuses.js';
import { columns, printJson, truncate, type CommandIO } from '../io.js';

const STATUS_MARK: Record<TaskStatus, string> = { pending: '○', in_progress: '◐', completed: '●' };

export function formatTaskTable(tasks: TaskSummary[]): string {
  if (tasks.length === 0) return 'No tasks yet.\n';
  const rows = [['ID', 'STATUS', 'STAGE', 'OWNER', 'ROLE', 'BLOCKED BY', 'SUBJECT']];
  for (const t of tasks) {
    rows.push([
      `#${t.id}`,
      `${STATUS_MARK[t.status]} ${taskStatusLabel(t)}`,
      t.stage ?? '-',
      t.owner ?? '-',
      t.role ?? '-',
      t.blockedBy.length > 0 ? t.blockedBy.map((b) => `#${b}`).join(',') : t.gate ? 'gate' : '-',
      truncate(t.subject, 60),
    ]);
  }
  return `${columns(rows).join('\n')}\n`;
}

/** `team tasks list`: the tasks of a run with status, owner and open blockers. */
export async function listTasks(io: CommandIO, boardOption: string | undefined, opts: { run?: string; status?: string; json?: boolean }): Promise<void> {
  const status = opts.status === undefined ? undefined : statusFilter(opts.status);
  if (status === null) {
    io.stderr(`team: --status "${opts.status ?? ''}" is not a task status; use one of ${Object.keys(STATUS_MARK).join(', ')}\n`);
    io.setExitCode(1);
    return;
  }
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, opts.run);
    const [summaries, rows] = await Promise.all([board.listTasks(run.id), board.listTaskRows(run.id)]);
    const all = withSimulated(summaries, rows);
    const list = all.filter((t) => status === undefined || t.status === status);
    if (opts.json) return printJson(io, { run: run.id, tasks: list.map((t) => ({ ...t, simulated: t.simulated === true })) });
    const dry = dryRunText(dryRunOf(all));
    io.stdout(`Run ${run.id} (${run.team}, ${run.status})${dry ? ` - ${dry}` : ''}\n`);
    if (status !== undefined && list.length === 0 && all.length > 0) return io.stdout(`No ${status} tasks (${all.length} in all).\n`);
    io.stdout(formatTaskTable(list));
  });
}

/** Other names people give a status: the board's Done column, a to-do list's words. */
const COLUMN_NAMES = new Map<string, TaskStatus>([
  ['done', 'completed'],
  ['todo', 'pending'],
  ['running', 'in_progress'],
  ['doing', 'in_progress'],
]);

/** A status as people type it (`in-progress`, `Completed`, `done` as the board's column says), or null when it is none. */
function statusFilter(text: string): TaskStatus | null {
  const wanted = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.keys(STATUS_MARK).find((s): s is TaskStatus => s === wanted) ?? COLUMN_NAMES.get(wanted) ?? null;
}

function patchStatus(text: string | undefined): TaskPatch['status'] {
  if (text === undefined) return undefined;
  const status = PATCH_STATUSES.find((s) => s === text);
  if (!status) throw new BoardError('invalid', `--status "${text}" is not one of ${PATCH_STATUSES.join(', ')}`);
  return status;
}

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

/** `team tasks get`: one task in full. */
export async function showTask(io: CommandIO, boardOption: string | undefined, id: string, opts: { run?: string; json?: boolean }): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
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
}

export interface CreateOptions {
  subject: string;
  description?: string;
  activeForm?: string;
  blockedBy?: string;
  stage?: string;
  role?: string;
  owner?: string;
  metadata?: string;
  run?: string;
  json?: boolean;
}

/** `team tasks create`: a task on the latest run (or --run), an ad-hoc run made when there is none. */
export async function createTask(io: CommandIO, boardOption: string | undefined, opts: CreateOptions): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: false }, async (board) => {
    const run = await resolveRun(board, io, opts.run, true);
    const task = await board.createTask(
      run.id,
      {
        subject: opts.subject,
        description: opts.description ?? '',
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
}

export interface UpdateOptions {
  status?: string;
  subject?: string;
  description?: string;
  activeForm?: string;
  owner?: string;
  reassign?: boolean;
  blockedBy?: string;
  blocks?: string;
  stage?: string;
  role?: string;
  metadata?: string;
  run?: string;
  json?: boolean;
}

/** `team tasks update`: a change under the board's rules; a refused one prints why and exits 1. */
export async function updateTask(io: CommandIO, boardOption: string | undefined, id: string, opts: UpdateOptions): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, opts.run);
    const taskId = parseTaskId(id);
    const status = patchStatus(opts.status);
    // Tasks that wait for one being deleted lose that blocker: say which, as they may start at once.
    const waiting = status === 'deleted' ? ((await board.getTaskDetail(run.id, taskId))?.blocks ?? []) : [];
    const result = await board.updateTask(
      run.id,
      taskId,
      {
        status,
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
    if (opts.json) return printJson(io, { success: true, ...result, taskId: String(result.taskId), ...(waiting.length > 0 ? { unblocked: waiting.map(String) } : {}) });
    const change = result.statusChange ? ` (${result.statusChange.from} -> ${result.statusChange.to})` : '';
    io.stdout(result.updatedFields.length ? `Updated task #${result.taskId}: ${result.updatedFields.join(', ')}${change}\n` : `Task #${result.taskId} unchanged\n`);
    if (waiting.length > 0) {
      const ids = waiting.map((w) => `#${w}`).join(', ');
      io.stdout(`${ids} waited for #${result.taskId} and no longer do${waiting.length === 1 ? 'es' : ''}; if ${waiting.length === 1 ? 'it still needs' : 'they still need'} other work first, add it with \`team tasks update ${waiting[0]} --blocked-by <id>\`\n`);
    }
  });
}
