import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board } from '../../board/board.js';
import type { BoardEvent } from '../../board/events.js';
import type { Run, TaskSummary } from '../../board/types.js';

/** A member as the driver sees it when nobody can act. */
export interface LiveMember {
  name: string;
  role: string;
  state: string;
}

/**
 * Nobody can act: complete the run when every task is done and no question is open, keep waiting
 * while a question is open, or fail it saying what is stuck. Returns the final status, or null.
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
  if (await waitForExternal(board, run, tasks)) return null;
  const out = allOut(live) ? everyMemberOut(await board.listEvents(runId), live) : null;
  const reason = out ?? stuckReason(tasks, live, (await board.listMembers(runId)).map((m) => m.name));
  await board.setRunStatus(runId, 'failed', reason, coordinatorActor);
  return 'failed';
}

/** What the board says while a seat run from outside has work waiting for it. */
export function waitingToJoin(runId: number, name: string): string {
  return `waiting for ${name} to join over MCP (team mcp --run ${runId} --as ${name})`;
}

/**
 * Members run from outside (MCP clients) cannot be woken and may join late or again: while one
 * holds a task or could claim one, the run waits for it instead of being stuck. A seat with work
 * and no client connected says so on the board (once: its last action, and the activity feed).
 */
async function waitForExternal(board: Board, run: Run, tasks: readonly TaskSummary[]): Promise<boolean> {
  const external = run.config.members.filter((m) => m.external);
  if (external.length === 0) return false;
  const canTake = (t: TaskSummary, name: string, role: string) =>
    (t.status === 'in_progress' && t.owner === name) ||
    (t.status === 'pending' && t.blockedBy.length === 0 && !t.gate && (t.owner === null || t.owner === name) && (t.role === null || t.role === role));
  const waitedFor = external.filter((m) => tasks.some((t) => canTake(t, m.name, m.role)));
  if (waitedFor.length === 0) return false;
  const members = await board.listMembers(run.id);
  for (const seat of waitedFor) {
    const member = members.find((m) => m.name === seat.name);
    if (!member || ['idle', 'working', 'waiting'].includes(member.status)) continue;
    const note = waitingToJoin(run.id, seat.name);
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
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const alive = live.filter((m) => m.state !== 'stopped' && m.state !== 'dead');
  const lines = open.slice(0, 6).map((t) => {
    if (t.status === 'in_progress') {
      const owner = live.find((m) => m.name === t.owner);
      return `#${t.id} "${t.subject}" is in progress by ${t.owner ?? 'nobody'}${owner ? `, who is ${owner.state}` : allMembers.includes(t.owner ?? '') ? '' : ' (not a member)'}`;
    }
    if (t.gate) return `#${t.id} "${t.subject}" waits for a gate: ${t.gate}`;
    const [firstBlocker] = t.blockedBy;
    if (firstBlocker !== undefined) {
      const first = byId.get(firstBlocker);
      return `#${t.id} "${t.subject}" waits on ${t.blockedBy.map((b) => `#${b}`).join(', ')}${first ? ` (#${first.id} is ${first.status.replace('_', ' ')})` : ''}`;
    }
    if (t.role && !alive.some((m) => m.role === t.role)) return `#${t.id} "${t.subject}" needs a ${t.role}, and no live member has that role`;
    return `#${t.id} "${t.subject}" is pending but no member took it`;
  });
  const more = open.length > 6 ? `; and ${open.length - 6} more` : '';
  return `stuck: no member can make progress. ${lines.join('; ')}${more}`;
}
