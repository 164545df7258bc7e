import { coordinator as coordinatorActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { getGate, listGates, setGateSpec, setGateStatus, type Gate } from '../board/gates.js';
import { listMembers, runTotals } from '../board/members.js';
import {
  answerQuestion,
  askQuestion,
  getQuestion,
  listQuestions,
  payloadOf,
  type AnswerValue,
  type Question,
  type QuestionPayload,
} from '../board/questions.js';
import { requireRun, setRunStatus, updateRun } from '../board/runs.js';
import { createTask, findTaskByKey, listDeps, listTaskRows, type Task } from '../board/tasks.js';
import { listTasks, type TaskSummary } from '../board/views.js';
import type { Json, JsonObject } from '../../db/schema.js';
import { transact } from '../board/board.js';
import { appendEvent, listEvents } from '../board/events.js';

/** Answers a question without a person at the board: --auto-answer, or a replay tape giving back a recorded answer. */
export type Answerer = (question: Question) => { answers: Record<string, AnswerValue>; by: 'auto' | 'cli' | 'human' } | null;

export interface CoordinatorOptions {
  board: Board;
  runId: number;
  /** Answers questions without a person (--auto-answer, or a replay tape). */
  answerer?: Answerer;
}

export interface Coordinator {
  /** React to board changes: evaluate gates, act on decisions, auto-answer. */
  handle(events: BoardEvent[]): void;
  /** Checks that do not wait for an event: gates ready to ask, budget. */
  check(): void;
  /** Nobody can act: complete the run, or fail it saying what is stuck. Returns the final status, or null to keep waiting. */
  settle(liveMembers: { name: string; role: string; state: string }[]): 'completed' | 'failed' | null;
}

const GATE_HEADER = 'Gate';

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const { board, runId } = options;
  const actor = coordinatorActor;

  function evaluateMetricGates(): void {
    for (const gate of listGates(board, runId)) {
      if (gate.kind !== 'metric' || gate.status !== 'pending') continue;
      const task = findTaskByKey(board, runId, String(gate.spec.task));
      if (!task || task.status !== 'completed') continue;
      const verdict = judge(gate, task);
      if (verdict.pass) {
        setGateStatus(board, runId, gate.id, 'passed', verdict.detail, actor, 'coordinator');
        continue;
      }
      transact(board, () => {
        setGateStatus(board, runId, gate.id, 'failed', verdict.detail, actor, 'coordinator');
        const attempt = task.attempt;
        const options = [
          { label: 'Retrain', description: `Create new tasks for ${retrainKeys(gate).join(', ')} (attempt ${attempt + 1}) and evaluate again.` },
          { label: 'Override', description: `Let stage ${gate.before} start anyway; the override is recorded.` },
          { label: 'Stop', description: 'Stop the run here.' },
        ];
        if (attempt >= 3) options.unshift(options.splice(2, 1)[0] as (typeof options)[number]);
        askQuestion(
          board,
          runId,
          {
            kind: 'gate',
            askedBy: 'coordinator',
            taskId: task.id,
            gateId: gate.id,
            payload: { questions: [{ question: `The gate before ${gate.before} failed: ${verdict.detail}. What now?`, header: GATE_HEADER, options, multiSelect: false }] },
          },
          actor,
        );
      });
    }
  }

  function askApprovals(): void {
    const gates = listGates(board, runId);
    // Reading every task is the expensive part: only do it when an approval is still to ask.
    if (!gates.some((g) => g.kind === 'approval' && g.status === 'pending')) return;
    const tasks = listTaskRows(board, runId);
    const pipeline = requireRun(board, runId).config.pipeline ?? [];
    for (const gate of gates) {
      if (gate.kind !== 'approval' || gate.status !== 'pending') continue;
      const earlier = pipeline.slice(0, Math.max(0, pipeline.indexOf(gate.before)));
      const earlierDone = tasks.filter((t) => t.stage !== null && earlier.includes(t.stage)).every((t) => t.status === 'completed');
      const metricsDone = gates.filter((g) => g.before === gate.before && g.kind === 'metric').every((g) => g.status === 'passed' || g.status === 'overridden');
      if (!earlierDone || !metricsDone) continue;
      transact(board, () => {
        setGateStatus(board, runId, gate.id, 'waiting', 'waiting for a person to approve', actor);
        askQuestion(
          board,
          runId,
          {
            kind: 'gate',
            askedBy: 'coordinator',
            gateId: gate.id,
            payload: {
              questions: [
                {
                  question: typeof gate.spec.question === 'string' ? gate.spec.question : `Approve the start of stage ${gate.before}?`,
                  header: 'Approve',
                  options: [
                    { label: 'Approve', description: `Stage ${gate.before} may start.` },
                    { label: 'Reject', description: 'Stop the run without starting it.' },
                  ],
                  multiSelect: false,
                },
              ],
            },
          },
          actor,
        );
      });
    }
  }

  function checkBudget(): void {
    const run = requireRun(board, runId);
    if (run.status !== 'running') return;
    if (run.budgetUsd === null && run.budgetTokens === null) return;
    const totals = runTotals(board, runId);
    const overUsd = run.budgetUsd !== null && totals.costUsd >= run.budgetUsd;
    const overTokens = run.budgetTokens !== null && totals.tokens >= run.budgetTokens;
    if (!overUsd && !overTokens) return;
    if (listQuestions(board, runId, 'pending').some((q) => q.kind === 'budget')) return;
    const spent = overUsd ? `$${totals.costUsd.toFixed(2)} of $${(run.budgetUsd ?? 0).toFixed(2)}` : `${totals.tokens} of ${run.budgetTokens} tokens`;
    const raised = overUsd ? `$${((run.budgetUsd ?? 0) * 2).toFixed(2)}` : `${(run.budgetTokens ?? 0) * 2} tokens`;
    transact(board, () => {
      setRunStatus(board, runId, 'paused', `budget reached: ${spent}`, actor);
      askQuestion(
        board,
        runId,
        {
          kind: 'budget',
          askedBy: 'coordinator',
          payload: {
            questions: [
              {
                question: `The run has used ${spent}. The team is paused. Raise the budget or stop?`,
                header: 'Budget',
                options: [
                  { label: `Raise to ${raised}`, description: 'Double the budget and carry on.' },
                  { label: 'Stop', description: 'Stop the run now; finished work stays in the workspace.' },
                ],
                multiSelect: false,
              },
            ],
          },
        },
        actor,
      );
    });
  }

  function retrainKeys(gate: Gate): string[] {
    const keys = Array.isArray(gate.spec.retrain) ? gate.spec.retrain.map(String) : [];
    return keys.length > 0 ? keys : [baseKey(String(gate.spec.task))];
  }

  function retrain(gate: Gate, reason: string): void {
    const all = listTaskRows(board, runId);
    const deps = listDeps(board, runId);
    const bases = retrainKeys(gate);
    const latest = new Map<string, Task>();
    for (const t of all) {
      if (t.key !== null && bases.includes(baseKey(t.key))) latest.set(baseKey(t.key), t);
    }
    const copies = new Map<number, number>();
    const ordered = [...latest.values()].sort((a, b) => a.id - b.id);
    transact(board, () => {
      for (const original of ordered) {
        const attempt = original.attempt + 1;
        const sim = (original.metadata.sim ?? {}) as JsonObject;
        const steps = (sim.retrain_steps ?? sim.steps ?? []) as Json;
        const blockedBy = deps
          .filter((d) => d.taskId === original.id)
          .map((d) => copies.get(d.blockedBy) ?? d.blockedBy);
        const copy = createTask(
          board,
          runId,
          {
            subject: `${original.subject} (retrain ${attempt})`,
            description: `Retrain, attempt ${attempt}: ${reason}\n\n${original.description}`,
            activeForm: original.activeForm,
            stage: original.stage,
            role: original.role,
            key: `${baseKey(original.key ?? String(original.id))}@${attempt}`,
            attempt,
            blockedBy,
            metadata: { retrain_of: original.id, sim: { steps } },
          },
          actor,
        );
        copies.set(original.id, copy.id);
      }
      const gated = latest.get(baseKey(String(gate.spec.task)));
      const newKey = gated ? `${baseKey(String(gate.spec.task))}@${gated.attempt + 1}` : String(gate.spec.task);
      const spec = { ...gate.spec, task: newKey };
      setGateSpec(board, runId, gate.id, spec);
      setGateStatus(board, runId, gate.id, 'pending', `retraining: ${reason}`, actor, 'human');
    });
  }

  function decide(question: Question): void {
    const answer = firstAnswer(question);
    const word = answer.toLowerCase();
    if (question.kind === 'budget') {
      const current = requireRun(board, runId);
      if (current.status !== 'paused' || !current.statusReason?.startsWith('budget')) return;
      if (/stop/.test(word)) {
        setRunStatus(board, runId, 'stopped', 'stopped at the budget by a person', actor);
        return;
      }
      const run = requireRun(board, runId);
      const number = Number(/([\d.]+)/.exec(answer)?.[1]);
      if (run.budgetUsd !== null) updateRun(board, runId, { budgetUsd: Number.isFinite(number) && number > run.budgetUsd ? number : run.budgetUsd * 2 });
      if (run.budgetTokens !== null) updateRun(board, runId, { budgetTokens: Number.isFinite(number) && number > run.budgetTokens ? Math.round(number) : run.budgetTokens * 2 });
      transact(board, () => {
        appendEvent(board, runId, actor, 'budget.raised', { answer });
        setRunStatus(board, runId, 'running', null, actor);
      });
      return;
    }
    if (question.gateId === null) return;
    const gate = getGate(board, runId, question.gateId);
    const by = question.answeredBy ?? 'human';
    // A decision is applied once: a resumed coordinator may see the same answer again.
    if (gate.status !== (gate.kind === 'approval' ? 'waiting' : 'failed')) return;
    if (gate.kind === 'approval') {
      if (/^approve|^yes|^ok/.test(word)) setGateStatus(board, runId, gate.id, 'passed', `approved (${by})`, actor, by);
      else if (/reject|stop|^no/.test(word)) stopForGate(gate, `rejected by ${by}`);
      else reask(question, answer);
      return;
    }
    if (/retrain|again|retry/.test(word)) retrain(gate, gate.detail ?? 'the gate failed');
    else if (/override|ship|go ahead/.test(word)) setGateStatus(board, runId, gate.id, 'overridden', `overridden by ${by}: ${gate.detail ?? ''}`.trim(), actor, by);
    else if (/stop|abort|cancel/.test(word)) stopForGate(gate, `stopped by ${by} after the gate failed`);
    else reask(question, answer);
  }

  function stopForGate(gate: Gate, reason: string): void {
    transact(board, () => {
      setGateStatus(board, runId, gate.id, 'stopped', reason, actor);
      setRunStatus(board, runId, 'stopped', reason, actor);
    });
  }

  function reask(question: Question, answer: string): void {
    const payload = payloadOf(question);
    const first = payload.questions[0];
    if (!first) return;
    const again: QuestionPayload = { questions: [{ ...first, question: `"${answer}" is not one of the choices. ${first.question}` }] };
    askQuestion(board, runId, { kind: question.kind, askedBy: 'coordinator', gateId: question.gateId, taskId: question.taskId, payload: again }, actor);
  }

  function autoAnswer(question: Question): void {
    if (!options.answerer || question.status !== 'pending') return;
    const given = options.answerer(question);
    if (!given) return;
    // A replayed human answer is stamped as the person's, so the replayed events match the recorded ones.
    const by = given.by === 'auto' ? actor : { kind: 'human' as const, via: given.by === 'cli' ? ('cli' as const) : ('tui' as const) };
    answerQuestion(board, runId, question.id, given.answers, given.by, by);
  }

  return {
    handle(events) {
      for (const event of events) {
        if (event.type === 'task.completed' || event.type === 'gate.pending') evaluateMetricGates();
        if (event.type === 'question.asked') {
          const question = getQuestion(board, runId, Number(event.payload.question));
          if (question) autoAnswer(question);
        }
        if (event.type === 'question.answered' && (event.payload.kind === 'gate' || event.payload.kind === 'budget')) {
          const question = getQuestion(board, runId, Number(event.payload.question));
          if (question) decide(question);
        }
      }
    },
    check() {
      evaluateMetricGates();
      askApprovals();
      checkBudget();
      for (const question of listQuestions(board, runId, 'pending')) autoAnswer(question);
    },
    settle(liveMembers) {
      const run = requireRun(board, runId);
      if (run.status !== 'running') return null;
      const pending = listQuestions(board, runId, 'pending');
      const tasks = listTasks(board, runId);
      if (tasks.every((t) => t.status === 'completed') && pending.length === 0) {
        setRunStatus(board, runId, 'completed', `${tasks.length} tasks completed`, actor);
        return 'completed';
      }
      if (pending.length > 0) return null;
      const reason = everyMemberOut(board, runId, liveMembers) ?? stuckReason(tasks, liveMembers, listMembers(board, runId).map((m) => m.name));
      setRunStatus(board, runId, 'failed', reason, actor);
      return 'failed';
    },
  };
}

export function baseKey(key: string): string {
  return key.replace(/@\d+$/, '');
}

function firstAnswer(question: Question): string {
  const values = Object.values(question.answers ?? {});
  const first = values[0];
  if (Array.isArray(first)) return String(first[0] ?? '');
  return String(first ?? '');
}

function judge(gate: Gate, task: Task): { pass: boolean; detail: string } {
  const metric = String(gate.spec.metric);
  const metrics = (task.metadata.metrics ?? {}) as Record<string, unknown>;
  const value = metrics[metric];
  if (typeof value !== 'number') {
    return { pass: false, detail: `task ${task.key} recorded no metrics.${metric}` };
  }
  const problems: string[] = [];
  if (typeof gate.spec.min === 'number' && value < gate.spec.min) problems.push(`needs >= ${gate.spec.min}`);
  if (typeof gate.spec.max === 'number' && value > gate.spec.max) problems.push(`needs <= ${gate.spec.max}`);
  if (gate.spec.beat_baseline === true) {
    const baseline = metrics[`baseline_${metric}`];
    if (typeof baseline !== 'number') problems.push(`no metrics.baseline_${metric} to compare with`);
    else if (value <= baseline) problems.push(`needs to beat the baseline ${fmt(baseline)}`);
  }
  const shown = `${task.key} ${metric} = ${fmt(value)}`;
  return problems.length === 0 ? { pass: true, detail: `${shown} passes` } : { pass: false, detail: `${shown} (${problems.join(', ')})` };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}

/** When every member stopped or died, why: that cause (a bad API key, a lost lease) is what to fix, not the tasks it left. */
function everyMemberOut(board: Board, runId: number, live: { name: string; state: string }[]): string | null {
  if (live.length === 0 || live.some((m) => m.state !== 'stopped' && m.state !== 'dead')) return null;
  const last = new Map<string, string>();
  for (const event of listEvents(board, runId)) {
    if (event.type === 'member.removed') last.set(String(event.payload.member), String(event.payload.reason));
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

function stuckReason(tasks: TaskSummary[], live: { name: string; role: string; state: string }[], allMembers: string[]): string {
  const open = tasks.filter((t) => t.status !== 'completed');
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const alive = live.filter((m) => m.state !== 'stopped' && m.state !== 'dead');
  const lines = open.slice(0, 6).map((t) => {
    if (t.status === 'in_progress') {
      const owner = live.find((m) => m.name === t.owner);
      return `#${t.id} "${t.subject}" is in progress by ${t.owner ?? 'nobody'}${owner ? `, who is ${owner.state}` : allMembers.includes(t.owner ?? '') ? '' : ' (not a member)'}`;
    }
    if (t.gate) return `#${t.id} "${t.subject}" waits for a gate: ${t.gate}`;
    if (t.blockedBy.length > 0) {
      const first = byId.get(t.blockedBy[0] as number);
      return `#${t.id} "${t.subject}" waits on ${t.blockedBy.map((b) => `#${b}`).join(', ')}${first ? ` (#${first.id} is ${first.status.replace('_', ' ')})` : ''}`;
    }
    if (t.role && !alive.some((m) => m.role === t.role)) return `#${t.id} "${t.subject}" needs a ${t.role}, and no live member has that role`;
    return `#${t.id} "${t.subject}" is pending but no member took it`;
  });
  const more = open.length > 6 ? `; and ${open.length - 6} more` : '';
  return `stuck: no member can make progress. ${lines.join('; ')}${more}`;
}

