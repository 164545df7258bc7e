import type { Board } from '../board/board.js';
import type { Question } from '../board/types.js';

/** How often a client waiting on AskUserQuestion hears that the call is still alive. */
export const KEEP_ALIVE_MS = 10_000;
/** A SQLite board wakes a waiter only for this process's commits: another process's answer is seen by looking again. */
const LOOK_AGAIN_MS = 250;

export interface WaitOptions {
  /** Aborted when the client cancels the call (its timeout) or goes away. */
  signal: AbortSignal;
  keepAliveMs?: number;
  /** Called every keepAliveMs while the question is open, with a count from 1. */
  keepAlive(count: number, question: Question): Promise<void>;
}

/**
 * Wait until the person answers (or the question is cancelled) and return the question; null
 * when the call was given up first (the question stays on the board, and its answer is owed).
 */
export async function waitForAnswer(board: Board, runId: number, questionId: number, opts: WaitOptions): Promise<Question | null> {
  const every = opts.keepAliveMs ?? KEEP_ALIVE_MS;
  let count = 0;
  let lastSent = Date.now();
  for (;;) {
    if (opts.signal.aborted) return null;
    const question = await board.getQuestion(runId, questionId);
    if (!question) return null;
    if (question.status !== 'open') return question;
    const due = lastSent + every - Date.now();
    if (due <= 0) {
      count++;
      lastSent = Date.now();
      // A client that has gone cannot be told; the signal ends the wait.
      await opts.keepAlive(count, question).catch(() => undefined);
      continue;
    }
    await board.waitForChange(runId, Math.min(due, LOOK_AGAIN_MS), opts.signal);
  }
}
