import type { SimScript } from '../board/types.js';
import type { Clock } from '../shared/clock.js';
import type { AssistantBlock, Message, Model, ModelRequest, ModelResponse, ToolResultBlock, ToolUseBlock, UserBlock } from './model.js';
import { advance, hasGivenUp, isObject, newProgram, nextCall, retryFromFailedStep, safeJson, type PlannedCall, type ProgramState, type SimStepData } from './sim-program.js';
import { between, pick, rngFor } from './rng.js';

export interface SimOptions {
  seed: number;
  clock: Clock;
  /** Time scale: 2 = twice as fast. */
  speed?: number;
  /** Do not wait at all; report the latency in the response instead (virtual-time drivers). */
  instant?: boolean;
  /** Chance per turn of sending a malformed tool call first (exercises error handling). */
  failureRate?: number;
  /**
   * Scripts known out of band, for a stand-in of a real model (the fake Messages API): a task's
   * script found by its team and the subject TaskGet shows. TaskGet's own `task.sim` (the sim
   * backend) comes first.
   */
  scripts?: ScriptLookup;
}

/** A task as TaskGet shows it, for finding its script out of band. */
export interface ScriptedTask {
  subject: string;
  attempt: number;
}

export type ScriptLookup = (team: string, task: ScriptedTask) => SimScript | null;

/** A task as TaskList shows it (what the teammate reads to pick work). */
interface ListedTask {
  id: string;
  subject: string;
  status: string;
  owner?: string;
  role?: string;
  blockedBy: string[];
  gate?: string;
}

/** Checked by hand rather than with zod: every turn re-reads every listing of the conversation. */
function isListedTask(value: unknown): value is ListedTask {
  return isObject(value) && typeof value.id === 'string' && typeof value.subject === 'string' && typeof value.status === 'string' && Array.isArray(value.blockedBy);
}

type Mode =
  | { kind: 'looking'; list: ListedTask[] | null; open?: number }
  | { kind: 'claimed'; taskId: string }
  | { kind: 'working'; taskId: string; subject: string; description: string; program: ProgramState; unscripted: boolean }
  /** It asked for help with a task; `waiting` once it has seen that the person has not decided yet. */
  | { kind: 'stuck'; taskId: string; subject: string; description: string; program: ProgramState; waiting: boolean };

/** Who is speaking, and what it may know of scripts out of band. */
interface Speaker {
  member: string;
  role: string;
  team: string;
  scripts: ScriptLookup | undefined;
}

/** The identity line the runtime puts in every system prompt (also read by the fake Messages API). */
export const IDENTITY_PATTERN = /You are "([^"]+)", a member of team (\S+) with the role ([^\s.]+(?:\.[^\s.]+)*)\./;

/**
 * A deterministic teammate: finds work with TaskList, claims the first task listed that it may take,
 * reads it with TaskGet, carries out the task's sim steps through the tools, records results,
 * completes it and looks for more. It knows only what the conversation tells it.
 */
export function createSimModel(options: SimOptions): Model {
  const speed = options.speed && options.speed > 0 ? options.speed : 1;
  return {
    backend: 'sim',
    async send(request: ModelRequest, onEvent): Promise<ModelResponse> {
      const who = { ...identify(request), scripts: options.scripts };
      const turn = request.messages.filter((m) => m.role === 'assistant').length;
      const rng = rngFor(options.seed, who.member, turn);
      const decision = decide(request.messages, who, rng);
      const content: AssistantBlock[] = [];
      if (options.failureRate && rng() < options.failureRate && decision.calls.length > 0) {
        content.push({ type: 'tool_use', id: `toolu_${who.member}_${turn}_noise`, name: 'TaskGet', input: { taskId: 'not-a-task' } });
      }
      if (decision.text) content.unshift({ type: 'text', text: decision.text });
      decision.calls.forEach((call, index) => {
        content.push({ type: 'tool_use', id: `toolu_${who.member}_${turn}_${index}`, name: call.name, input: call.input });
      });
      const latencyMs = Math.round(decision.latencyMs / speed);
      if (!options.instant) await options.clock.sleep(latencyMs, request.signal);
      if (decision.text) onEvent?.({ type: 'text_delta', text: decision.text });
      const inputChars = request.system.length + JSON.stringify(request.tools).length + JSON.stringify(request.messages).length;
      return {
        content,
        stopReason: decision.calls.length > 0 ? 'tool_use' : 'end_turn',
        usage: {
          input_tokens: Math.ceil(inputChars / 4),
          output_tokens: Math.ceil(JSON.stringify(content).length / 4),
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
        model: request.model,
        costUsd: 0,
        latencyMs,
      };
    },
  };
}

function identify(request: ModelRequest): { member: string; role: string; team: string } {
  const match = IDENTITY_PATTERN.exec(request.system);
  return { member: request.member || match?.[1] || 'member', role: request.role || match?.[3] || '', team: match?.[2] ?? '' };
}

interface Decision {
  text: string;
  calls: PlannedCall[];
  latencyMs: number;
}

function decide(messages: Message[], who: Speaker, rng: () => number): Decision {
  const mode = replay(messages, who);
  const last = messages[messages.length - 1];
  const woken = last?.role === 'user' && (typeof last.content === 'string' || last.content.every((b) => b.type === 'text'));

  if (mode.kind === 'working') return work(mode, rng);
  if (mode.kind === 'claimed') return call('TaskGet', { taskId: mode.taskId }, `Reading task #${mode.taskId}.`, between(rng, 300, 900));
  if (mode.kind === 'stuck') {
    if (woken) return call('TaskGet', { taskId: mode.taskId }, `Looking at task #${mode.taskId} again.`, between(rng, 300, 900));
    const text = mode.waiting
      ? `Task #${mode.taskId} still waits for the person's decision on the error recorded on it; standing by.`
      : `I could not finish task #${mode.taskId}; it needs a person to look at the error recorded on it.`;
    return { text, calls: [], latencyMs: between(rng, 300, 800) };
  }
  if (woken || mode.list === null) {
    return call('TaskList', {}, pick(rng, ['Checking the board for work.', 'Looking at the task board.', 'Let me see what is open.']), between(rng, 300, 900));
  }
  const mine = mode.list.find((t) => t.status === 'in_progress' && t.owner === who.member);
  if (mine) return call('TaskGet', { taskId: mine.id }, `Picking up #${mine.id} again where I left it.`, between(rng, 300, 900));
  // TaskList lists what may be claimed in the order to take it (the run's planned order, then lowest id).
  const claimable = mode.list.find(
    (t) => t.status === 'pending' && (!t.owner || t.owner === who.member) && t.blockedBy.length === 0 && !t.gate && (!t.role || t.role === who.role),
  );
  if (claimable) {
    return call('TaskUpdate', { taskId: claimable.id, status: 'in_progress' }, `Claiming #${claimable.id} "${claimable.subject}".`, between(rng, 300, 800));
  }
  const open = mode.open ?? mode.list.filter((t) => t.status !== 'completed').length;
  const text = open === 0 ? 'Every task is done.' : `Nothing I can take right now (${open} open task${open === 1 ? '' : 's'}, none free for a ${who.role || 'member'}). Standing by.`;
  return { text, calls: [], latencyMs: between(rng, 200, 600) };
}

function work(mode: Extract<Mode, { kind: 'working' }>, rng: () => number): Decision {
  const program = mode.program;
  if (hasGivenUp(program)) {
    return call(
      'TaskUpdate',
      { taskId: mode.taskId, metadata: { error: program.lastError, needs_help: true } },
      `I could not get past a step of #${mode.taskId}: ${program.lastError}. Recording the error and asking for help.`,
      between(rng, 400, 900),
    );
  }
  const next = nextCall(program, mode.taskId);
  if (next) {
    const base = next.name === 'Bash' ? between(rng, 900, 2600) : next.name === 'AskUserQuestion' ? between(rng, 600, 1500) : between(rng, 400, 1200);
    return { text: next.text, calls: [{ ...next, text: '' }], latencyMs: base };
  }
  if (mode.unscripted) return simulated(mode, rng);
  const answers = Object.keys(program.vars).length > 0 ? { answers: program.vars } : {};
  const notes = Object.keys(program.answerNotes).length > 0 ? { answer_notes: program.answerNotes } : {};
  const said = program.saying.join(' ');
  program.saying = [];
  return call(
    'TaskUpdate',
    { taskId: mode.taskId, status: 'completed', metadata: { ...answers, ...notes, completed_steps: program.steps.length } },
    `${said ? `${said} ` : ''}Finished #${mode.taskId} "${mode.subject}"; marking it completed.`,
    between(rng, 400, 1000) + program.workMs,
  );
}

/** Matches a description that wants a decision from the person (which a dry run cannot honestly claim to have asked). */
const ASKS_PERSON = /AskUserQuestion|\bask (?:the |a )?(?:person|user|human|stakeholder|owner)|\bapprov(?:e|al) from\b/i;

/**
 * A task with no script: the simulated model cannot do real work, so it says so and marks the
 * task simulated instead of passing it off as done (a dry run).
 */
function simulated(mode: Extract<Mode, { kind: 'working' }>, rng: () => number): Decision {
  const asks = ASKS_PERSON.test(mode.description);
  const text =
    `Task #${mode.taskId} "${mode.subject}" has no script for the simulated model, so I ran nothing, wrote nothing` +
    `${asks ? ' and did not ask the person what it wants decided' : ''}. Marking it done as simulated: this is a dry run, no work was done.`;
  return call('TaskUpdate', { taskId: mode.taskId, status: 'completed', metadata: { simulated: true } }, text, between(rng, 300, 700));
}

function call(name: string, input: Record<string, unknown>, text: string, latencyMs: number): Decision {
  return { text, calls: [{ name, input, text: '' }], latencyMs };
}

/** Rebuild what the teammate is doing from the conversation so far. */
function replay(messages: Message[], who: Speaker): Mode {
  let mode: Mode = { kind: 'looking', list: null };
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'assistant') continue;
    const uses = message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use' && !b.id.endsWith('_noise'));
    const next = messages[i + 1];
    const results = next && next.role === 'user' && Array.isArray(next.content) ? next.content : [];
    for (const use of uses) {
      const result = findResult(results, use.id);
      if (!result) continue;
      mode = apply(mode, use, { content: result.content, isError: result.is_error === true }, who);
    }
  }
  return mode;
}

function openCount(byStatus: Record<string, unknown>): number {
  const count = (status: string) => (typeof byStatus[status] === 'number' ? byStatus[status] : 0);
  return count('pending') + count('in_progress');
}

function findResult(blocks: UserBlock[], id: string): ToolResultBlock | undefined {
  return blocks.find((b): b is ToolResultBlock => b.type === 'tool_result' && b.tool_use_id === id);
}

function apply(mode: Mode, use: ToolUseBlock, result: { content: string; isError: boolean }, who: Speaker): Mode {
  const input = isObject(use.input) ? use.input : {};
  const parsed = safeJson(result.content);
  if (use.name === 'TaskList') {
    if (mode.kind === 'working' || mode.kind === 'stuck') return mode;
    // A failed (or interrupted) listing says nothing about the board: look again rather than stand by.
    const tasks = !result.isError && isObject(parsed) && Array.isArray(parsed.tasks) ? parsed.tasks : null;
    const list = tasks?.every(isListedTask) ? tasks : null;
    // A listing sized for the reader shows only some tasks; its counts say how many are left.
    const open = isObject(parsed) && isObject(parsed.counts) && isObject(parsed.counts.byStatus) ? openCount(parsed.counts.byStatus) : undefined;
    return open === undefined ? { kind: 'looking', list } : { kind: 'looking', list, open };
  }
  if (use.name === 'TaskUpdate' && input.status === 'in_progress' && mode.kind !== 'working') {
    return !result.isError && isObject(parsed) && parsed.success === true ? { kind: 'claimed', taskId: String(input.taskId) } : { kind: 'looking', list: null };
  }
  if (use.name === 'TaskGet' && mode.kind === 'stuck') return lookAgain(mode, input, parsed, who);
  if (use.name === 'TaskGet' && (mode.kind === 'claimed' || mode.kind === 'looking')) {
    const task = isObject(parsed) && isObject(parsed.task) ? parsed.task : null;
    if (!task || String(task.id) !== String(input.taskId)) return mode;
    const sim = scriptOf(task, who);
    const steps: SimStepData[] = (Array.isArray(sim.steps) ? sim.steps : []).filter(isObject);
    const program = newProgram(steps, typeof sim.work_ms === 'number' ? sim.work_ms : 0);
    return { kind: 'working', taskId: String(task.id), subject: String(task.subject ?? ''), description: String(task.description ?? ''), program, unscripted: Object.keys(sim).length === 0 };
  }
  if (mode.kind !== 'working') return mode;
  if (use.name === 'TaskUpdate' && input.status === 'completed' && String(input.taskId) === mode.taskId) {
    return result.isError ? mode : { kind: 'looking', list: null };
  }
  if (hasGivenUp(mode.program) && use.name === 'TaskUpdate') {
    return { kind: 'stuck', taskId: mode.taskId, subject: mode.subject, description: mode.description, program: mode.program, waiting: false };
  }
  advance(mode.program, use, result);
  return mode;
}

/**
 * The task's script: TaskGet's `task.sim` (shown to the sim backend only), else one known out of
 * band by the task's subject (a retrained copy, "... (retrain 2)", plays the retrain steps).
 */
function scriptOf(task: Record<string, unknown>, who: Speaker): Record<string, unknown> {
  if (isObject(task.sim)) return task.sim;
  if (!who.scripts) return {};
  const subject = String(task.subject ?? '');
  const retrained = /^(.*) \(retrain (\d+)\)$/.exec(subject);
  const attempt = typeof task.attempt === 'number' ? task.attempt : 1;
  const script = who.scripts(who.team, { subject: retrained?.[1] ?? subject, attempt: retrained ? Number(retrained[2]) : attempt });
  if (!script) return {};
  return retrained || attempt > 1 ? { steps: script.retrain_steps ?? script.steps } : { steps: script.steps };
}

/**
 * Woken while stuck, it read its task again: still waiting for the person (needs_help is set),
 * taken from it or finished by someone else (look for work), or handed back to retry: go on
 * from the step that failed.
 */
function lookAgain(mode: Extract<Mode, { kind: 'stuck' }>, input: Record<string, unknown>, parsed: unknown, who: Speaker): Mode {
  const task = isObject(parsed) && isObject(parsed.task) ? parsed.task : null;
  if (!task || String(task.id) !== String(input.taskId)) return mode;
  if (task.status !== 'in_progress' || task.owner !== who.member) return { kind: 'looking', list: null };
  const metadata = isObject(task.metadata) ? task.metadata : {};
  if (metadata.needs_help === true) return { ...mode, waiting: true };
  retryFromFailedStep(mode.program);
  return { kind: 'working', taskId: mode.taskId, subject: mode.subject, description: mode.description, program: mode.program, unscripted: false };
}
