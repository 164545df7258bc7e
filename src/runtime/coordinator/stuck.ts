import { coordinator as coordinatorActor } from '../../board/actor.js';
import { answerNote, pickedValue } from '../../board/answers.js';
import type { Board } from '../../board/board.js';
import { BoardError } from '../../board/errors.js';
import type { Answers, Question, QuestionOption, Task } from '../../board/types.js';
import { askAgain, decidedBy } from './outcomes.js';

/** What a person may do about a task nobody can finish; the coordinator acts on the value picked. */
export type StuckChoice = 'retry' | 'reassign' | 'done' | 'stop';

/** How many lines of the failing output a stuck question shows. */
const OUTPUT_LINES = 8;

export const STUCK_OPTIONS: readonly (QuestionOption & { value: StuckChoice })[] = [
  { label: 'Retry', value: 'retry', description: 'Fix the cause first (a config value, a file in the workspace); the member then goes on from the step that failed.' },
  { label: 'Reassign', value: 'reassign', description: 'Put the task back on the board for any member of its role; name one in a note to give it to them ("reassign: mle").' },
  { label: 'Mark done anyway', value: 'done', description: 'Count the task as done without the missing step; your note is recorded on it.' },
  { label: 'Stop', value: 'stop', description: 'Fail the run here; `team resume` goes on from this point later.' },
];

/** The task's recorded cause when its owner asked for help: its `error`, as one line. */
export function helpCause(task: Pick<Task, 'metadata'>): string | null {
  if (task.metadata.needs_help !== true) return null;
  const error = task.metadata.error;
  return typeof error === 'string' && error.trim() !== '' ? oneLine(error) : 'its owner asked for help';
}

/**
 * Put a task nobody can finish on the board as a `stuck` question: which task, the one-line
 * cause, the last lines of its failing command. One open stuck question per task.
 */
export async function askStuck(board: Board, runId: number, task: Pick<Task, 'id' | 'subject'>, cause: string): Promise<void> {
  const open = await board.listQuestions(runId, 'open');
  if (open.some((q) => q.kind === 'stuck' && q.taskId === task.id)) return;
  const output = await failingOutput(board, runId, task.id);
  const line = oneLine(cause);
  await board.askQuestion(
    runId,
    {
      kind: 'stuck',
      askedBy: 'coordinator',
      taskId: task.id,
      payload: {
        questions: [{ question: `Task #${task.id} "${clip(task.subject, 80)}" cannot go on: ${line}. What now?`, header: 'Stuck', options: [...STUCK_OPTIONS], multiSelect: false }],
        context: { taskId: task.id, cause: line, ...(output.length > 0 ? { output } : {}) },
      },
    },
    coordinatorActor,
  );
}

/** The last lines of the last command run for the task that printed anything. */
async function failingOutput(board: Board, runId: number, taskId: number): Promise<string[]> {
  const history = await board.taskHistory(runId, taskId, 200);
  for (const event of [...history].reverse()) {
    if (event.type !== 'tool.called') continue;
    const lines = event.payload.output ?? [];
    if (lines.length > 0 && (!event.payload.ok || (event.payload.exitCode ?? 0) !== 0)) return lines.slice(-OUTPUT_LINES);
  }
  return [];
}

/**
 * The person answered a stuck question. Retry: the task's help flag is cleared so its owner (woken
 * by the driver) goes on. Reassign: the task goes back to the board, to the member a note names if
 * any. Mark done: the coordinator completes it with the note. Stop: the run fails with a short
 * headline and the next step.
 */
export async function decideStuck(board: Board, runId: number, question: Question): Promise<void> {
  const run = await board.requireRun(runId);
  if (run.status !== 'running') return;
  const choice = pickedValue(question);
  const task = question.taskId === null ? undefined : await board.getTask(runId, question.taskId);
  const by = decidedBy(question);
  const note = answerNote(question);
  if (choice === 'stop') {
    const cause = question.payload.context?.cause ?? 'no member could go on';
    const what = task ? `#${task.id} "${clip(task.subject, 60)}"` : 'a task';
    await board.setRunStatus(runId, 'failed', `stuck at ${what}: ${clip(cause, 160)} (stopped by ${by}). Next: fix it, then \`team resume ${runId}\``, coordinatorActor);
    return;
  }
  // Decided once: a task finished meanwhile (or a resumed coordinator seeing the answer again) needs nothing.
  if (!task || task.status === 'completed') return;
  const record = `${choice ?? 'answer'} by ${by}${note ? `: ${note}` : ''}`;
  if (choice === 'retry') {
    await board.updateTask(runId, task.id, { metadata: { needs_help: null, retried: record } }, coordinatorActor);
    return;
  }
  if (choice === 'reassign') return reassign(board, runId, task, note, record);
  if (choice === 'done') {
    try {
      await board.updateTask(runId, task.id, { status: 'completed', metadata: { needs_help: null, marked_done: record } }, coordinatorActor);
    } catch (error) {
      if (!(error instanceof BoardError)) throw error;
      await askStuck(board, runId, task, `it cannot be marked done: ${error.message}`);
    }
    return;
  }
  await askAgain(board, runId, question);
}

/**
 * Back to the board: unowned, or owned by the member the person named in a note. Released and
 * given in one transaction, so the member that was stuck cannot claim it again in between.
 */
async function reassign(board: Board, runId: number, task: Task, note: string | null, record: string): Promise<void> {
  const members = await board.listMembers(runId);
  const words = new Set((note ?? '').toLowerCase().split(/[^a-z0-9_.-]+/));
  const named = members.find((m) => words.has(m.name.toLowerCase()) && m.name !== task.owner);
  const handOver = async (to: string | null, reassigned: string) =>
    board.transaction(async (tx) => {
      if (task.status === 'in_progress') await tx.releaseTask(runId, task.id, `reassigned: ${record}`, coordinatorActor);
      await tx.updateTask(runId, task.id, { metadata: { needs_help: null, reassigned }, ...(to !== null ? { owner: to, reassign: true } : {}) }, coordinatorActor);
    });
  if (!named) return void (await handOver(null, record));
  try {
    await handOver(named.name, record);
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
    // The member named cannot take it (another role): it goes back to the board for anyone who can.
    await handOver(null, `${record} (${error.message})`);
  }
}

function oneLine(text: string): string {
  const first = text.trim().split('\n')[0] ?? '';
  return clip(first.replace(/\.$/, ''), 200);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * What --auto-answer picks for a stuck question: retry, once per task; the second time the same
 * task is stuck, stop (nobody is there to fix the cause, so retrying again would loop).
 */
export async function autoStuckAnswers(board: Board, runId: number, question: Question): Promise<Answers> {
  const earlier = (await board.listQuestions(runId)).filter((q) => q.kind === 'stuck' && q.id < question.id && q.taskId === question.taskId && q.status === 'answered');
  const retried = earlier.some((q) => pickedValue(q) === 'retry');
  return question.payload.questions.map((item) => {
    const wanted: StuckChoice = retried ? 'stop' : 'retry';
    const option = item.options.find((o) => o.value === wanted) ?? item.options[0];
    return { question: item.question, picked: option ? [option.label] : [], text: retried ? 'stopped by --auto-answer: retried once already' : null };
  });
}
