/**
 * What `team tasks list` does, apart from parsing its arguments, and the task table `team status`
 * shows too: the commander command (./tasks.ts) and the read commands' own dispatch
 * (../read-commands.ts) both call these, and neither makes them load commander.
 */
import { dryRunOf, dryRunText, taskStatusLabel, withSimulated } from '../../board/dry-run.js';
import type { TaskStatus, TaskSummary } from '../../board/types.js';
import { resolveRun, withBoard } from '../board-access.js';
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

/** A status as people type it (`in-progress`, `Completed`), or null when it is none. */
function statusFilter(text: string): TaskStatus | null {
  const wanted = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.keys(STATUS_MARK).find((s): s is TaskStatus => s === wanted) ?? null;
}
