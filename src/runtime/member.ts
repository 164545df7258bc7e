import { coordinator as coordinatorActor, memberActor } from '../board/actor.js';
import type { Board, BoardOps } from '../board/board.js';
import type { NewEvent } from '../board/events.js';
import type { Backend, MemberConfig, RunConfig } from '../board/types.js';
import type { AssistantBlock, Message, Model, ModelResponse, ToolResultBlock, ToolSpec, ToolUseBlock, UserBlock } from '../models/model.js';
import type { Clock } from '../shared/clock.js';
import type { SandboxSettings } from '../sandbox/config.js';
import { answerResult } from '../tools/ask-user-question.js';
import { toolSpec } from '../tools/json-schema.js';
import { toolsFor } from '../tools/registry.js';
import { runTool } from '../tools/run-tool.js';
import { readTaskView } from '../tools/task-view.js';
import type { Tool, ToolResult } from '../tools/tool.js';
import { reopenPermissionCalls } from './permissions.js';
import { KICKOFF, systemPrompt } from './prompt.js';
import { toolContextFor } from './tool-context.js';
import { toolCallDetails } from './tool-event.js';
import { screenToolCalls } from './tool-input.js';
import { summarizeCall } from './tool-summary.js';
import { persist, readTranscript, type PartialTurn } from './transcript.js';
import { createWriteQueue } from './write-queue.js';

export type { PartialTurn };

export interface MemberEnv {
  board: Board;
  runId: number;
  model: Model;
  clock: Clock;
  workspace: string;
  config: RunConfig;
  /** The run's model backend (tools show a task's sim script to the simulated model only). */
  backend: Backend;
  /** Consecutive turns without going idle before a member is stopped. */
  maxTurns: number;
  /** Conversation length after which finished work is summarised away. */
  compactAfter: number;
  maxTokens: number;
  /** How the run's Bash commands run (src/runtime/run-sandbox.ts); absent: in the sandbox with its defaults. */
  sandbox?: SandboxSettings;
}

export type MemberState = 'active' | 'idle' | 'waiting' | 'stopped' | 'dead';

export interface MemberRuntime {
  env: MemberEnv;
  cfg: MemberConfig;
  tools: Tool[];
  specs: ToolSpec[];
  system: string;
  messages: Message[];
  /** The messages as last saved on the board (a save writes only what follows their common prefix). */
  stored: Message[];
  partial: PartialTurn | null;
  state: MemberState;
  /** What the board shows the member doing now (null between steps), as last written. */
  step: string | null;
  nextAt: number;
  turnsSinceIdle: number;
  completed: number[];
  currentTask: number | null;
  /** A model reply received but not yet acted on (the ordered driver acts on it at its virtual time). */
  reply: ModelResponse | null;
  /** Tasks this member was woken for since it last claimed one: never offered twice. */
  offered: Set<number>;
  /** Taken out by a model failure no retry can fix (a refused key): never revived. */
  fatal: boolean;
  /** It ended a turn holding an unfinished task and was reminded (src/runtime/stuck-members.ts); `at`: its conversation length then. */
  holding: { taskId: number; at: number } | null;
  /** Wall-clock time of its last step or heartbeat: the ordered driver's lease reads it (its run clock may be virtual). */
  beatAt: number;
  /** A driver step of this member has started and not returned (one that hangs after its lease ran out stays so). */
  inStep: boolean;
}

const INTERRUPTED_LINE = 'interrupted: this tool call was running when the run stopped (crash, kill or stop), so it may or may not have taken effect.';
const INTERRUPTED = `${INTERRUPTED_LINE} Check its effects (files, task status) before doing it again.`;

/** A member of the run, with its conversation read back from the board when it has one (a resume). */
export async function createMember(env: MemberEnv, cfg: MemberConfig): Promise<MemberRuntime> {
  const tools = toolsFor(cfg.tools);
  const member: MemberRuntime = {
    env,
    cfg,
    tools,
    specs: tools.map(toolSpec),
    system: systemPrompt(cfg, env.config),
    messages: [{ role: 'user', content: KICKOFF }],
    stored: [],
    partial: null,
    state: 'active',
    step: null,
    nextAt: env.clock.now(),
    turnsSinceIdle: 0,
    completed: [],
    currentTask: null,
    reply: null,
    offered: new Set(),
    fatal: false,
    holding: null,
    beatAt: Date.now(),
    inStep: false,
  };
  member.currentTask = (await env.board.tasksOwnedBy(env.runId, cfg.name))[0]?.id ?? null;
  const stored = await env.board.loadTranscript(env.runId, cfg.name);
  if (stored) await restore(member, readTranscript(stored, cfg.name, env.runId));
  else await persist(member);
  return member;
}

/** Resume from a stored transcript: calls that were running are reported as interrupted, never re-run. */
async function restore(member: MemberRuntime, saved: { messages: Message[]; partial: PartialTurn | null }): Promise<void> {
  const { board, runId } = member.env;
  member.stored = saved.messages;
  member.messages = [...saved.messages];
  member.partial = saved.partial;
  // A step the previous process was in when it stopped is over.
  await board.updateMember(runId, member.cfg.name, { step: null }, actor(member));
  const last = saved.messages[saved.messages.length - 1];
  member.state = last?.role === 'assistant' ? 'idle' : 'active';
  const partial = saved.partial;
  if (!partial) return;
  const questions = (await board.listQuestions(runId)).filter((q) => q.askedBy === member.cfg.name);
  reopenPermissionCalls(partial, questions, true);
  const interrupted: ToolUseBlock[] = [];
  for (const use of toolUses(partial.assistant)) {
    if (partial.results[use.id]) continue;
    if (use.name === 'AskUserQuestion') {
      const question = questions.find((q) => q.toolUseId === use.id);
      if (question?.status === 'open') {
        partial.question = { useId: use.id, questionId: question.id };
        continue;
      }
      if (question) {
        partial.results[use.id] = answerResult(question);
        // Answered while the process was down: the stored turn may still say it is waiting.
        if (partial.question?.useId === use.id) partial.question = null;
        continue;
      }
    }
    if (!partial.started.includes(use.id)) continue;
    partial.results[use.id] = { content: JSON.stringify({ error: INTERRUPTED }), isError: true };
    interrupted.push(use);
  }
  member.state = partial.question ? 'waiting' : 'active';
  // The board's log shows the cut-off call too: transcripts are trimmed in long runs, events are not.
  await board.transaction(async (tx) => {
    await persist(member, tx);
    for (const use of interrupted) {
      const payload = { member: member.cfg.name, tool: use.name, summary: summarizeCall(use.name, use.input), ok: false, error: INTERRUPTED_LINE };
      await tx.appendEvent(runId, actor(member), { type: 'tool.called', payload: member.currentTask === null ? payload : { ...payload, taskId: member.currentTask } });
    }
  });
}

function toolUses(message: { content: AssistantBlock[] }): ToolUseBlock[] {
  return message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
}

function actor(member: MemberRuntime) {
  return memberActor(member.cfg.name, member.cfg.role);
}

function isOut(state: MemberState): boolean {
  return state === 'stopped' || state === 'dead';
}

export async function setStatus(member: MemberRuntime, state: MemberState, ops: BoardOps = member.env.board): Promise<void> {
  // A member taken out of the run (lease, stop) stays out, whatever its own loop was about to say.
  if (isOut(member.state) && !isOut(state)) return;
  member.state = state;
  const status = state === 'active' ? 'working' : state;
  await ops.updateMember(member.env.runId, member.cfg.name, { status, currentTask: member.currentTask }, actor(member));
}

/**
 * What the member is doing now ("thinking", "Bash node scripts/train.js"), for the board's spinner;
 * null between steps. Written only when it changes; a repeated step still counts as a heartbeat,
 * which is what leases read.
 */
export async function setStep(member: MemberRuntime, step: string | null, ops: BoardOps = member.env.board): Promise<void> {
  const { runId } = member.env;
  member.beatAt = Date.now();
  if (step === member.step) {
    if (step !== null) await ops.heartbeat(runId, [member.cfg.name]);
    return;
  }
  member.step = step;
  await ops.updateMember(runId, member.cfg.name, { step }, actor(member));
}

/** Messages from teammates arrive between turns, added to the next user message. */
async function deliverInbox(member: MemberRuntime, ops: BoardOps): Promise<void> {
  const inbox = await ops.takeInbox(member.env.runId, member.cfg.name);
  if (inbox.length === 0) return;
  const text = inbox.map((m) => `Message from ${m.from}${m.summary ? ` (${m.summary})` : ''}: ${m.body}`).join('\n');
  const last = member.messages[member.messages.length - 1];
  if (last?.role === 'user') {
    const blocks: UserBlock[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content];
    blocks.push({ type: 'text', text });
    member.messages[member.messages.length - 1] = { role: 'user', content: blocks };
  } else {
    member.messages.push({ role: 'user', content: text });
  }
  await persist(member, ops);
}

/** Whether the member has something to respond to (a user turn is last, nothing half-done). */
export function canThink(member: MemberRuntime): boolean {
  return member.state === 'active' && member.partial === null && member.messages[member.messages.length - 1]?.role === 'user';
}

/** Ask the model for the member's next turn and account for its usage. */
export async function think(member: MemberRuntime, signal?: AbortSignal): Promise<ModelResponse> {
  const { env } = member;
  const { board, runId } = env;
  const name = member.cfg.name;
  await board.transaction(async (tx) => {
    await deliverInbox(member, tx);
    await setStep(member, 'thinking', tx);
  });
  // The model reports progress through a synchronous callback; its board writes are queued and awaited here.
  const writes = createWriteQueue<BoardOps>(board);
  let response: ModelResponse;
  try {
    response = await env.model.send(
      {
        member: name,
        role: member.cfg.role,
        model: member.cfg.model,
        system: member.system,
        tools: member.specs,
        messages: member.messages,
        maxTokens: env.maxTokens,
        ...(signal ? { signal } : {}),
      },
      (event) => {
        if (event.type === 'text_delta') {
          const lastAction = event.text.slice(-120);
          writes.latest('last-action', (ops) => ops.noteLastAction(runId, name, lastAction));
          return;
        }
        const { status, attempt, of, waitMs, reason } = event;
        writes.push(() => board.appendEvent(runId, actor(member), { type: 'model.retrying', payload: { member: name, status, attempt, of, waitMs, reason } }));
      },
    );
  } catch (error) {
    // The model's failure is what the member dies of; a progress write failing as well adds nothing.
    await writes.drain().catch(() => undefined);
    throw error;
  }
  // The last streamed text not written yet is written with the call's usage.
  const lastAction = writes.take('last-action');
  await writes.drain();
  await board.transaction(async (tx) => {
    await lastAction?.(tx);
    await tx.recordUsage(runId, name, {
      model: response.model,
      taskId: member.currentTask,
      inputTokens: response.usage.input_tokens,
      outputTokens: response.usage.output_tokens,
      cacheReadTokens: response.usage.cache_read_input_tokens,
      cacheWriteTokens: response.usage.cache_creation_input_tokens,
      costUsd: response.costUsd,
    });
  });
  return response;
}

/** Board writes held back to be committed with the member's next transaction. */
type Pending = (ops: BoardOps) => Promise<void>;

/**
 * Carry out a model turn: speak, run its tool calls, persist after every step. Writes go in one
 * transaction per step: before each call (what the member said, the last call's event, the
 * transcript marking this call started, the step) and at the end of the turn.
 */
export async function act(member: MemberRuntime, response: ModelResponse, signal?: AbortSignal): Promise<void> {
  const { board, runId } = member.env;
  const name = member.cfg.name;
  const text = response.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n')
    .trim();
  const said: Pending = async (ops) => {
    if (!text) return;
    await ops.appendEvent(runId, actor(member), { type: 'member.said', payload: { member: name, text } });
    await ops.noteLastAction(runId, name, text.slice(0, 160));
  };
  // A call cut off by max_tokens, or nested too deep to handle, is answered with an error and never run.
  const { content, refused } = screenToolCalls(response, member.env.maxTokens);
  const assistant: PartialTurn['assistant'] = { role: 'assistant', content };
  if (toolUses(assistant).length === 0) {
    member.messages.push(assistant);
    member.turnsSinceIdle = 0;
    await board.transaction(async (tx) => {
      await said(tx);
      await persist(member, tx);
      await setStep(member, null, tx);
      await setStatus(member, 'idle', tx);
    });
    return;
  }
  const partial: PartialTurn = { assistant, results: {}, started: [], question: null };
  member.partial = partial;
  for (const call of refused) partial.results[call.id] = { content: JSON.stringify({ error: call.error }), isError: true };
  // No persist here: runPendingCalls marks the first call started and persists before anything runs.
  await runPendingCalls(member, signal, async (ops) => {
    await said(ops);
    for (const call of refused) {
      await ops.appendEvent(runId, actor(member), {
        type: 'tool.called',
        payload: { member: name, tool: call.name, summary: '', ok: false, error: call.error.slice(0, 200), ...(member.currentTask !== null ? { taskId: member.currentTask } : {}) },
      });
    }
  });
}

/**
 * Run the calls of the half-done turn that have not started; finish the turn when all have
 * results. An aborted step (the run stopped, the lease expired) starts no further call.
 *
 * A call's event and result are committed with the transaction that marks the next call started
 * (or ends the turn): nothing runs between the two, so a crash loses nothing a separate commit
 * would have kept. `first`: writes of the turn's start, committed with the first of them.
 */
export async function runPendingCalls(member: MemberRuntime, signal?: AbortSignal, first?: Pending): Promise<void> {
  const partial = member.partial;
  if (!partial) return;
  const { board, runId } = member.env;
  let pending = first;
  for (const use of toolUses(partial.assistant)) {
    if (partial.results[use.id] || partial.started.includes(use.id) || partial.question?.useId === use.id) continue;
    if (signal?.aborted) {
      const held = pending;
      if (!held) return;
      await board.transaction(async (tx) => {
        await held(tx);
        await persist(member, tx);
      });
      return;
    }
    partial.started.push(use.id);
    const summary = summarizeCall(use.name, use.input);
    const held = pending;
    pending = undefined;
    await board.transaction(async (tx) => {
      await held?.(tx);
      await persist(member, tx);
      await setStep(member, summary ? `${use.name} ${summary}` : use.name, tx);
    });
    const result = await runCall(member, use, signal);
    if (result.awaitsQuestion !== undefined) partial.question = { useId: use.id, questionId: result.awaitsQuestion };
    else partial.results[use.id] = { content: result.content, isError: result.isError };
    const details = { ...toolCallDetails(use.name, use.input, result.content, result.isError), ...(member.currentTask !== null ? { taskId: member.currentTask } : {}) };
    const called: NewEvent = {
      type: 'tool.called',
      payload: { member: member.cfg.name, tool: use.name, summary, ok: !result.isError, ...(result.isError ? { error: errorLine(result.content) } : {}), ...details },
    };
    pending = (ops) => ops.appendEvent(runId, actor(member), called);
  }
  // Read before the turn's last transaction: a read cannot run inside it.
  const current = await currentTaskOf(board, runId, member.cfg.name);
  const held = pending;
  const tooLong = await board.transaction(async (tx) => {
    await held?.(tx);
    await setStep(member, null, tx);
    await noteCurrentTask(member, current, tx);
    if (!partial.question) return finishTurn(member, tx);
    await persist(member, tx);
    await setStatus(member, 'waiting', tx);
    return false;
  });
  if (tooLong) await stopTooLong(member);
  if (partial.question) {
    // Answered already (by a coordinator in another process, before this member was waiting): the
    // answer's event was read while it was not, and would never be delivered.
    await deliverAnswer(member, partial.question.questionId);
  }
}

async function runCall(member: MemberRuntime, use: ToolUseBlock, signal: AbortSignal | undefined): Promise<ToolResult> {
  const tool = member.tools.find((t) => t.name === use.name);
  if (!tool) {
    const names = member.tools.map((t) => t.name).join(', ');
    return { content: JSON.stringify({ error: `unknown tool "${use.name}"; you can use: ${names}` }), isError: true };
  }
  return runTool(tool, use.input, await toolContextFor(member, use, signal));
}

/** The person answered the member's question: deliver it and let the member go on. */
export async function deliverAnswer(member: MemberRuntime, questionId: number): Promise<boolean> {
  const partial = member.partial;
  if (!partial?.question || partial.question.questionId !== questionId) return false;
  const question = await member.env.board.getQuestion(member.env.runId, questionId);
  if (!question || question.status === 'open') return false;
  // Delivered meanwhile (the event's reader and the member going to wait may both try).
  if (member.partial !== partial || partial.question?.questionId !== questionId) return false;
  const { board } = member.env;
  if (question.kind === 'permission') {
    // The Bash call runs again and acts on the decision (src/runtime/permissions.ts).
    const asked = (await board.listQuestions(member.env.runId)).filter((q) => q.askedBy === member.cfg.name);
    reopenPermissionCalls(partial, asked, false);
    await board.transaction(async (tx) => {
      await persist(member, tx);
      await setStatus(member, 'active', tx);
    });
    return true;
  }
  partial.results[partial.question.useId] = answerResult(question);
  partial.question = null;
  if (await board.transaction((tx) => finishTurn(member, tx))) await stopTooLong(member);
  return true;
}

/**
 * Every call of the turn has its result: the turn joins the conversation, which is saved, and the
 * member is active again. True when it has now run more turns without pausing than it may: the
 * caller stops it, after this transaction (a stop is a transaction of its own).
 */
async function finishTurn(member: MemberRuntime, ops: BoardOps): Promise<boolean> {
  const partial = member.partial;
  if (!partial) return false;
  const results: ToolResultBlock[] = toolUses(partial.assistant).map((use) => {
    const result = partial.results[use.id] ?? { content: JSON.stringify({ error: 'no result' }), isError: true };
    return { type: 'tool_result', tool_use_id: use.id, content: result.content, ...(result.isError ? { is_error: true } : {}) };
  });
  member.messages.push(partial.assistant, { role: 'user', content: results });
  member.partial = null;
  member.turnsSinceIdle++;
  noteCompletions(member, partial);
  compact(member);
  await persist(member, ops);
  if (member.turnsSinceIdle > member.env.maxTurns) return true;
  if (member.state !== 'active') await setStatus(member, 'active', ops);
  return false;
}

function stopTooLong(member: MemberRuntime): Promise<void> {
  return stopMember(member, `stopped after ${member.env.maxTurns} turns without pausing; check its transcript`);
}

function noteCompletions(member: MemberRuntime, partial: PartialTurn): void {
  for (const use of toolUses(partial.assistant)) {
    if (use.name !== 'TaskUpdate' || partial.results[use.id]?.isError) continue;
    const id = completedTaskId(use.input);
    if (id !== null && !member.completed.includes(id)) member.completed.push(id);
  }
}

/** The task a TaskUpdate call completed ({taskId: "3" or 3 or "#3", status: "completed"}), if it did. */
function completedTaskId(input: unknown): number | null {
  if (input === null || typeof input !== 'object' || !('status' in input) || input.status !== 'completed' || !('taskId' in input)) return null;
  const id = Number(String(input.taskId).replace(/^#/, ''));
  return Number.isInteger(id) ? id : null;
}

/** Long conversations are cut back to a summary at a task boundary; the board holds the details. */
function compact(member: MemberRuntime): void {
  if (member.messages.length <= member.env.compactAfter || member.currentTask !== null) return;
  const done = member.completed.map((id) => `#${id}`).join(', ') || 'none yet';
  member.messages = [
    {
      role: 'user',
      content: `Earlier turns were summarised to keep this conversation short. Tasks you have completed so far: ${done}. Their results are recorded on the board. Check TaskList for more work.`,
    },
  ];
}

/** The member's task in progress, as just read from the board: written when it changed. */
async function noteCurrentTask(member: MemberRuntime, current: number | null, ops: BoardOps): Promise<void> {
  if (current === member.currentTask) return;
  member.currentTask = current;
  if (current !== null) member.offered.clear();
  await ops.updateMember(member.env.runId, member.cfg.name, { currentTask: current }, actor(member));
}

/**
 * The lowest-id task the member has in progress, from the board's view kept from the run's events
 * (src/tools/task-view.ts), which every TaskList reads too: looking it up in the board after each
 * turn cost a walk over the run's tasks.
 */
export async function currentTaskOf(board: Board, runId: number, name: string): Promise<number | null> {
  const view = await readTaskView(board, runId);
  return view.owned(name).find((t) => t.status === 'in_progress')?.id ?? null;
}

/** Wake an idle member with a short note about what changed. */
export async function wake(member: MemberRuntime, note: string): Promise<void> {
  if (member.state !== 'idle') return;
  member.messages.push({ role: 'user', content: note });
  member.turnsSinceIdle = 0;
  member.nextAt = member.env.clock.now();
  member.state = 'active';
  await member.env.board.transaction(async (tx) => {
    await persist(member, tx);
    await setStatus(member, 'active', tx);
  });
}

/** Take a member out of the run: its in-progress tasks go back to the pool with a note, in one transaction. */
export async function stopMember(member: MemberRuntime, reason: string, state: 'stopped' | 'dead' = 'stopped'): Promise<void> {
  const { board, runId } = member.env;
  const name = member.cfg.name;
  member.state = state;
  member.currentTask = null;
  await board.transaction(async (tx) => {
    for (const task of await tx.tasksOwnedBy(runId, name)) {
      await tx.releaseTask(runId, task.id, `${name} ${state === 'dead' ? 'died' : 'was stopped'}: ${reason}`, coordinatorActor);
    }
    await tx.appendEvent(runId, coordinatorActor, { type: 'member.removed', payload: { member: name, state, reason } });
    await setStep(member, null, tx);
    await setStatus(member, state, tx);
  });
}

function errorLine(content: string): string {
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') return parsed.error.slice(0, 200);
  } catch {
    // not JSON: fall through
  }
  return content.slice(0, 200);
}
