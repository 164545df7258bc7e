import { coordinator as coordinatorActor } from '../board/actor.js';
import { pickedValue } from '../board/answers.js';
import type { Board } from '../board/board.js';
import type { Task } from '../board/types.js';
import { currentTaskOf, wake, type MemberRuntime } from './member.js';

/** Calls that only look at the board: a member that makes nothing else between two stops made no progress. */
const LOOKING = new Set(['TaskList', 'TaskGet']);

/**
 * A member ended its turn while it owns an unfinished task. The first time, it is woken with a
 * reminder (go on, or say what blocks it); if it stops again without doing anything but look, its
 * task is flagged `needs_help` with its last words, which puts a stuck question to the person.
 * Nothing happens while the task already waits for the person.
 */
export async function checkHolding(member: MemberRuntime): Promise<void> {
  if (member.state !== 'idle') return;
  const { board, runId } = member.env;
  const held = await currentTaskOf(board, runId, member.cfg.name);
  const task = held === null ? undefined : await board.getTask(runId, held);
  if (!task || task.owner !== member.cfg.name || task.status !== 'in_progress') {
    member.holding = null;
    return;
  }
  if (task.metadata.needs_help === true) return;
  if ((await board.listQuestions(runId, 'open')).some((q) => q.kind === 'stuck' && q.taskId === task.id)) return;
  const since = member.holding?.taskId === task.id ? member.holding.at : null;
  if (since === null || madeProgress(member, since)) {
    member.holding = { taskId: task.id, at: member.messages.length };
    await wake(member, holdingReminder(task));
    return;
  }
  member.holding = null;
  const said = lastWords(member);
  const error = `${member.cfg.name} stopped without finishing it${said ? `: "${said}"` : ''}`;
  await board.updateTask(runId, task.id, { metadata: { needs_help: true, error } }, coordinatorActor);
}

function holdingReminder(task: Pick<Task, 'id' | 'subject'>): string {
  return (
    `You still own task #${task.id} "${task.subject}", which is in progress. Go on with it and complete it with TaskUpdate when it is done. ` +
    `If you cannot go on, record why with TaskUpdate {taskId: "${task.id}", metadata: {needs_help: true, error: "<one line>"}} and end your turn: the person will be asked what to do.`
  );
}

function madeProgress(member: MemberRuntime, since: number): boolean {
  return member.messages.slice(since).some((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use' && !LOOKING.has(b.name)));
}

/** The first line of what the member said last, cut to fit a question. */
function lastWords(member: MemberRuntime): string {
  const last = [...member.messages].reverse().find((m) => m.role === 'assistant');
  const text = last?.role === 'assistant' ? last.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ') : '';
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/**
 * The person answered a stuck question; the coordinator has changed the board. The members
 * concerned are told: the owner goes on after a retry (revived if it had died: a lost lease can be
 * retried, a refused API key cannot), members who may take a task put back on the board are woken,
 * and a member whose task was taken from it or marked done is told to look for other work.
 */
export async function wakeForDecision(board: Board, runId: number, members: readonly MemberRuntime[], questionId: number): Promise<void> {
  const question = await board.getQuestion(runId, questionId);
  if (!question || question.kind !== 'stuck' || question.taskId === null) return;
  if ((await board.getRun(runId))?.status !== 'running') return;
  const choice = pickedValue(question);
  const task = await board.getTask(runId, question.taskId);
  if (!task) return;
  const label = `task #${task.id} "${task.subject}"`;
  for (const m of members) {
    if (m.currentTask === task.id && (task.status === 'completed' || task.owner !== m.cfg.name)) {
      const what = task.status === 'completed' ? 'was marked done by the person' : 'was put back on the board by the person';
      await wake(m, `${capital(label)} ${what}; leave it and look for other work with TaskList.`);
    }
  }
  if (task.status === 'completed' || (choice !== 'retry' && choice !== 'reassign')) return;
  const owner = task.owner === null ? undefined : members.find((m) => m.cfg.name === task.owner);
  if (owner) {
    revive(owner);
    const note =
      choice === 'retry'
        ? `The person chose to retry ${label} after fixing what was wrong. Read it again with TaskGet and go on from the step that failed.`
        : `The person gave you ${label}. Read it with TaskGet and carry it out.`;
    await wake(owner, note);
    return;
  }
  if (task.status !== 'pending') return;
  for (const m of members.filter((x) => task.role === null || x.cfg.role === task.role)) {
    revive(m);
    await wake(m, `The person put ${label} back on the board (${choice}). Take it if it is yours to do.`);
  }
}

/**
 * A member out of the run for a cause a retry can fix (a lost lease, too many turns) is brought
 * back, idle; not one whose last step still hangs (it could never take a turn).
 */
function revive(member: MemberRuntime): void {
  if ((member.state === 'stopped' || member.state === 'dead') && !member.fatal && !member.inStep) member.state = 'idle';
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
