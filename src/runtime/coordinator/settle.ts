import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board } from '../../board/board.js';
import type { BoardEvent } from '../../board/events.js';
import type { Run, Task, TaskSummary } from '../../board/types.js';
import { askStuck, helpCause } from './stuck.js';

/** A member as the driver sees it when nobody can act. */
export interface LiveMember {
  name: string;
  role: string;
  state: string;
  /** Taken out by a failure no retry in this process can fix (the API refused the key or the request). */
  fatal?: boolean;
}

/**
 * Nobody can act: complete the run when every task is done and no question is open, keep waiting
 * while a question is open (or a seat run from outside has work), or put the first task that
 * cannot move to the person as a `stuck` question (retry, reassign, mark done, stop): a run fails
 * only when the person says stop. The one exception is every member out for a cause this process
 * cannot fix (the API refused the key): the run fails at once, naming it. Returns the final
 * status, or null to keep waiting.
 */
export async function settleRun(board: Board, runId: number, live: readonly LiveMember[]): Promise<'completed' | 'failed' | null> {
  const run = await board.requireRun(runId);
  if (run.status !== 'running') return null;
  const [open, tasks] = await Promise.all([board.listQuestions(runId, 'open'), board.listTasks(runId)]);
  if (tasks.every((t) => t.status === 'completed') && open.length === 0) {
    await board.setRunStatus(runId, 'completed', `${tasks.length} tasks completed`, coordinatorActor);
    return 'completed';
  }
  if (open.length > 0) return null;
  if (await waitForRemote(board, run, tasks, live)) return null;
  if (allOut(live) && live.every((m) => m.fatal === true)) {
    await board.setRunStatus(runId, 'failed', everyMemberOut(await board.listEvents(runId), live) ?? 'every member stopped', coordinatorActor);
    return 'failed';
  }
  const names = (await board.listMembers(runId)).map((m) => m.name);
  const stuck = await firstStuck(board, runId, tasks, live, names);
  if (stuck) await askStuck(board, runId, stuck.task, stuck.cause);
  return null;
}

/**
 * The task to ask about: one whose owner asked for help, else the first open task that waits on
 * no other task (the cause rather than what follows from it), else the first open task.
 */
async function firstStuck(
  board: Board,
  runId: number,
  tasks: readonly TaskSummary[],
  live: readonly LiveMember[],
  allMembers: readonly string[],
): Promise<{ task: Task; cause: string } | null> {
  const open = tasks.filter((t) => t.status !== 'completed');
  const rows = new Map((await board.listTaskRows(runId)).map((t) => [t.id, t]));
  for (const summary of open) {
    const row = rows.get(summary.id);
    const cause = row ? helpCause(row) : null;
    if (row && cause) return { task: row, cause };
  }
  const first = open.find((t) => t.blockedBy.length === 0) ?? open[0];
  const row = first ? rows.get(first.id) : undefined;
  if (!first || !row) return null;
  return { task: row, cause: `it ${stuckCause(first, tasks, live, allMembers)}` };
}

/** What the board says while a seat run from outside has work waiting for it. */
export function waitingToJoin(runId: number, name: string): string {
  return `waiting for ${name} to join over MCP (team mcp --run ${runId} --as ${name})`;
}

/** What the board says while a member run by `team worker` has work and no worker runs it. */
export function waitingForWorker(runId: number, name: string): string {
  return `waiting for a worker to run ${name} (team worker --run ${runId} --members ${name})`;
}

/**
 * Members run from outside this process, by MCP clients or by `team worker` processes (every
 * member of the run that the driver does not run itself), cannot be woken from here and may join
 * late or again: while one holds a task or could claim one, the run waits for it instead of being
 * stuck. A member with work and no client or worker running it says so on the board (once: its
 * last action, and the activity feed).
 */
async function waitForRemote(board: Board, run: Run, tasks: readonly TaskSummary[], live: readonly LiveMember[]): Promise<boolean> {
  const here = new Set(live.map((m) => m.name));
  const remote = run.config.members.filter((m) => m.external || !here.has(m.name));
  if (remote.length === 0) return false;
  const canTake = (t: TaskSummary, name: string, role: string) =>
    (t.status === 'in_progress' && t.owner === name) ||
    (t.status === 'pending' && t.blockedBy.length === 0 && !t.gate && (t.owner === null || t.owner === name) && (t.role === null || t.role === role));
  const waitedFor = remote.filter((m) => tasks.some((t) => canTake(t, m.name, m.role)));
  if (waitedFor.length === 0) return false;
  const members = await board.listMembers(run.id);
  for (const seat of waitedFor) {
    const member = members.find((m) => m.name === seat.name);
    if (!member) continue;
    const runBySomeone = seat.external ? ['idle', 'working', 'waiting'].includes(member.status) : member.worker !== null;
    if (runBySomeone) continue;
    const note = seat.external ? waitingToJoin(run.id, seat.name) : waitingForWorker(run.id, seat.name);
    if (member.lastAction === note) continue;
    await board.transaction(async (tx) => {
      await tx.noteLastAction(run.id, seat.name, note);
      await tx.appendEvent(run.id, coordinatorActor, { type: 'member.said', payload: { member: 'coordinator', text: note } });
    });
  }
  return true;
}

function allOut(live: readonly LiveMember[]): boolean {
  return live.length > 0 && live.every((m) => m.state === 'stopped' || m.state === 'dead');
}

/** When every member stopped or died, why: that cause (a bad API key, a lost lease) is what to fix, not the tasks it left. */
export function everyMemberOut(events: readonly BoardEvent[], live: readonly LiveMember[]): string | null {
  if (!allOut(live)) return null;
  const last = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'member.removed') last.set(event.payload.member, event.payload.reason);
  }
  const byReason = new Map<string, string[]>();
  for (const m of live) {
    const reason = last.get(m.name) ?? m.state;
    byReason.set(reason, [...(byReason.get(reason) ?? []), m.name]);
  }
  const groups = [...byReason];
  const [only] = groups;
  if (only && groups.length === 1) return `every member stopped (${only[1].join(', ')}): ${only[0]}`;
  return `every member stopped: ${groups.map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ')}`;
}

/** Up to six open tasks and why each cannot move: in progress by someone out, a gate, a blocker, a missing role. */
export function stuckReason(tasks: readonly TaskSummary[], live: readonly LiveMember[], allMembers: readonly string[]): string {
  const open = tasks.filter((t) => t.status !== 'completed');
  const lines = open.slice(0, 6).map((t) => `#${t.id} "${t.subject}" ${stuckCause(t, tasks, live, allMembers)}`);
  const more = open.length > 6 ? `; and ${open.length - 6} more` : '';
  return `stuck: no member can make progress. ${lines.join('; ')}${more}`;
}

/** Why one open task cannot move, as the end of a sentence about it ("is pending but no member took it"). */
export function stuckCause(t: TaskSummary, tasks: readonly TaskSummary[], live: readonly LiveMember[], allMembers: readonly string[]): string {
  const alive = live.filter((m) => m.state !== 'stopped' && m.state !== 'dead');
  if (t.status === 'in_progress') {
    const owner = live.find((m) => m.name === t.owner);
    return `is in progress by ${t.owner ?? 'nobody'}${owner ? `, who is ${owner.state}` : allMembers.includes(t.owner ?? '') ? '' : ' (not a member)'}`;
  }
  if (t.gate) return `waits for a gate: ${t.gate}`;
  const [firstBlocker] = t.blockedBy;
  if (firstBlocker !== undefined) {
    const first = tasks.find((x) => x.id === firstBlocker);
    return `waits on ${t.blockedBy.map((b) => `#${b}`).join(', ')}${first ? ` (#${first.id} is ${first.status.replace('_', ' ')})` : ''}`;
  }
  if (t.role && !alive.some((m) => m.role === t.role)) return `needs a ${t.role}, and no live member has that role`;
  return 'is pending but no member took it';
}
