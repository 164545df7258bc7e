import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import type { Question, Run } from '../board/types.js';
import { autoAnswer, type Answerer } from './coordinator/answers.js';
import { askApprovals, decideApproval } from './coordinator/approvals.js';
import { checkBudget, decideBudget } from './coordinator/budget.js';
import { createExternalLeases, createWorkerLeases } from './coordinator/leases.js';
import { createLooks } from './coordinator/looks.js';
import { decideFailedGate, evaluateMetricGates } from './coordinator/metric-gates.js';
import { settleRun, type LiveMember } from './coordinator/settle.js';
import { askStuck, decideStuck, helpCause } from './coordinator/stuck.js';

export type { Answerer, LiveMember };
export { baseKey } from './coordinator/retrain.js';

export interface CoordinatorOptions {
  board: Board;
  runId: number;
  /** Answers questions without a person (--auto-answer, or a replay tape). */
  answerer?: Answerer;
  /** The lease of members run from outside (MCP clients), on the wall clock; default EXTERNAL_LEASE_MS. */
  externalLeaseMs?: number;
  /** How long a `team worker` may stay silent before its members are taken back, on the wall clock; default WORKER_LEASE_MS. */
  workerLeaseMs?: number;
}

/**
 * The run's referee, made of parts that each decide one thing (src/runtime/coordinator/): metric
 * gates, approvals, retrains, the budget, stuck tasks, auto-answers and the end of the run. Leases are the
 * driver's (they need to know who is busy).
 */
export interface Coordinator {
  /** React to board changes: evaluate gates, act on decisions, auto-answer. */
  handle(events: readonly BoardEvent[]): Promise<void>;
  /** Checks that do not wait for an event: gates ready to ask, budget, questions left to auto-answer. `run`: the run as the driver last read it. */
  check(run?: Run): Promise<void>;
  /** Nobody can act: complete the run, or ask the person about what is stuck. Returns the final status, or null to keep waiting. */
  settle(live: readonly LiveMember[]): Promise<'completed' | 'failed' | null>;
  /** `check` looks at leases this often: a driver waiting for board changes looks at least this often. */
  readonly lookEveryMs: number;
}

/** Questions the coordinator asked and acts on once answered. */
const DECIDED: ReadonlySet<string> = new Set(['gate', 'approval', 'budget', 'stuck']);

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const { board, runId, answerer } = options;
  const externalLeases = createExternalLeases(board, runId, options.externalLeaseMs);
  const workerLeases = createWorkerLeases(board, runId, options.workerLeaseMs);
  const looks = createLooks();

  /** An answered coordinator question: the part that asked it acts on the option picked. */
  async function decide(question: Question): Promise<void> {
    if (question.kind === 'budget') return decideBudget(board, runId, question);
    if (question.kind === 'stuck') return decideStuck(board, runId, question);
    if (question.gateId === null) return;
    const gate = await board.getGate(runId, question.gateId);
    if (question.kind === 'approval') return decideApproval(board, runId, question, gate);
    if (question.kind === 'gate') return decideFailedGate(board, runId, question, gate);
  }

  return {
    async handle(events) {
      looks.saw(events);
      for (const event of events) {
        if (event.type === 'task.completed' || event.type === 'gate.closed') await evaluateMetricGates(board, runId);
        if (event.type === 'question.asked' && answerer) {
          const question = await board.getQuestion(runId, event.payload.question);
          if (question) await autoAnswer(board, runId, question, answerer);
        }
        // A member asked for help (a step failed twice, or it said it cannot go on): the person decides.
        if (event.type === 'task.updated' && event.payload.metadata?.needs_help === true) {
          const task = await board.getTask(runId, event.payload.taskId);
          const cause = task && task.status !== 'completed' ? helpCause(task) : null;
          if (task && cause) await askStuck(board, runId, task, cause);
        }
        if (event.type === 'question.answered' && DECIDED.has(event.payload.kind)) {
          const question = await board.getQuestion(runId, event.payload.question);
          if (question) await decide(question);
        }
      }
    },
    async check(run) {
      await externalLeases.expire(run);
      await workerLeases.expire(run);
      if (looks.take('gates')) {
        try {
          await evaluateMetricGates(board, runId);
          await askApprovals(board, runId, await board.listGates(runId));
        } catch (error) {
          looks.again('gates');
          throw error;
        }
      }
      // Spending is recorded without an event: the budget is checked on every look.
      await checkBudget(board, runId, run);
      if (!answerer || !looks.take('questions')) return;
      const open = await board.listQuestions(runId, 'open');
      // One the answerer has no answer for yet is offered again at the next look.
      if (open.length > 0) looks.again('questions');
      for (const question of open) await autoAnswer(board, runId, question, answerer);
    },
    settle: (live) => settleRun(board, runId, live),
    lookEveryMs: Math.min(externalLeases.everyMs, workerLeases.everyMs),
  };
}
