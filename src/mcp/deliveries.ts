import type { Board } from '../board/board.js';
import { isTerminal } from '../board/liveness.js';
import type { MailMessage, Run } from '../board/types.js';
import { answerResult } from '../tools/ask-user-question.js';

/** A teammate's message as an MCP member reads it. */
export interface DeliveredMessage {
  from: string;
  summary?: string;
  message: string;
}

/** The answer to a question whose AskUserQuestion call ended before the person answered. */
export interface PendingAnswer {
  question: string;
  /** What AskUserQuestion would have returned: {answers, note?}, or {error} when it was cancelled. */
  result: unknown;
}

/** What arrived for the member since its last call. */
export interface Inbox {
  messages: DeliveredMessage[];
  pendingAnswers: PendingAnswer[];
  /** Its questions still waiting for the person, as ids like "q3". */
  openQuestions: string[];
  /** Set when the run is over (nothing more will happen on the board) or paused. */
  run?: string;
}

/**
 * An MCP server cannot start a turn of its client, so what a built-in member would be woken for
 * (messages, answers that came after its call gave up) is handed over with the next tool result.
 */
export interface Deliveries {
  /** The member asked this question: its answer is owed until its own call returns it. */
  asked(questionId: number): void;
  /** A call is waiting for this answer: the inbox leaves it to that call. */
  waiting(questionId: number, waits: boolean): void;
  /** The call that asked it returned the answer itself. */
  delivered(questionId: number): void;
  /** Take everything due; empty parts when nothing is. Messages are marked read. */
  take(): Promise<Inbox>;
}

export async function createDeliveries(board: Board, runId: number, member: string): Promise<Deliveries> {
  // A previous process of this member may have asked and gone before the answer came: it is owed now.
  const owed = new Set((await board.listQuestions(runId, 'open')).filter((q) => q.kind === 'agent' && q.askedBy === member).map((q) => q.id));
  const waited = new Set<number>();
  return {
    asked(questionId) {
      owed.add(questionId);
    },
    waiting(questionId, waits) {
      if (waits) waited.add(questionId);
      else waited.delete(questionId);
    },
    delivered(questionId) {
      owed.delete(questionId);
    },
    async take() {
      const pendingAnswers: PendingAnswer[] = [];
      const openQuestions: string[] = [];
      for (const id of [...owed].sort((a, b) => a - b)) {
        if (waited.has(id)) {
          openQuestions.push(`q${id}`);
          continue;
        }
        const question = await board.getQuestion(runId, id);
        if (!question) {
          owed.delete(id);
          continue;
        }
        if (question.status === 'open') {
          openQuestions.push(`q${id}`);
          continue;
        }
        owed.delete(id);
        const result: unknown = JSON.parse(answerResult(question).content);
        pendingAnswers.push({ question: `q${id}`, result });
      }
      const messages = (await board.takeInbox(runId, member)).map(delivered);
      const run = await board.requireRun(runId);
      return { messages, pendingAnswers, openQuestions, ...runNote(run) };
    },
  };
}

/** The run's state when the member should know it: over (stop working) or paused (finish and wait). */
function runNote(run: Run): { run?: string } {
  const why = run.statusReason ? ` (${run.statusReason})` : '';
  if (isTerminal(run.status)) return { run: `run ${run.id} is ${run.status}${why}; there is nothing more to do` };
  if (run.status === 'paused') return { run: `run ${run.id} is paused${why}; finish the step you are on, then wait (call TeamInbox now and then) until it runs again` };
  return {};
}

function delivered(message: MailMessage): DeliveredMessage {
  return { from: message.from, ...(message.summary ? { summary: message.summary } : {}), message: message.body };
}

/** Whether an inbox holds anything worth a section of its own in a tool result. */
export function hasNews(inbox: Inbox): boolean {
  return inbox.messages.length > 0 || inbox.pendingAnswers.length > 0 || inbox.run !== undefined;
}
