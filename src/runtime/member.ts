import { memberActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { appendEvent } from '../board/events.js';
import { transact } from '../board/board.js';
import { noteLastAction, recordUsage, updateMember } from '../board/members.js';
import { takeInbox } from '../board/messages.js';
import { listQuestions } from '../board/questions.js';
import { releaseTask, tasksOwnedBy } from '../board/tasks.js';
import { loadTranscript, saveInFlight, saveTranscript } from '../board/transcripts.js';
import type { AssistantBlock, Message, Model, ModelResponse, ToolResultBlock, ToolSpec, ToolUseBlock, UserBlock } from '../models/model.js';
import { answerResult } from '../tools/ask-user-question.js';
import { stripSecrets } from '../tools/bash.js';
import { listGates } from '../board/gates.js';
import { toolSpec } from '../tools/json-schema.js';
import { toolsFor } from '../tools/registry.js';
import type { Tool, ToolContext, ToolResult } from '../tools/tool.js';
import { runTool } from '../tools/validate-input.js';
import type { Clock } from '../shared/clock.js';
import { KICKOFF } from './prompt.js';
import { systemPrompt } from './prompt.js';
import type { MemberConfig, TeamRunConfig } from './run-config.js';
import { summarizeCall } from './tool-summary.js';

export interface MemberEnv {
  board: Board;
  runId: number;
  model: Model;
  clock: Clock;
  workspace: string;
  config: TeamRunConfig;
  /** Consecutive turns without going idle before a member is stopped. */
  maxTurns: number;
  /** Conversation length after which finished work is summarised away. */
  compactAfter: number;
  maxTokens: number;
}

export type MemberState = 'active' | 'idle' | 'waiting' | 'stopped' | 'dead';

export interface PartialTurn {
  assistant: { role: 'assistant'; content: AssistantBlock[] };
  results: Record<string, { content: string; isError: boolean }>;
  started: string[];
  question: { useId: string; questionId: number } | null;
}

export interface MemberRuntime {
  env: MemberEnv;
  cfg: MemberConfig;
  tools: Tool[];
  specs: ToolSpec[];
  system: string;
  messages: Message[];
  partial: PartialTurn | null;
  state: MemberState;
  nextAt: number;
  turnsSinceIdle: number;
  completed: number[];
  currentTask: number | null;
  /** A response received but not yet acted on (virtual-time driver). */
  pending: ModelResponse | null;
  /** Tasks this member was woken for since it last claimed one: never offered twice. */
  offered: Set<number>;
}

const INTERRUPTED =
  'interrupted: this tool call was running when the run stopped (crash, kill or stop), so it may or may not have taken effect. Check its effects (files, task status) before doing it again.';

export function createMember(env: MemberEnv, cfg: MemberConfig): MemberRuntime {
  const tools = toolsFor(cfg.tools);
  const member: MemberRuntime = {
    env,
    cfg,
    tools,
    specs: tools.map((t) => toolSpec(t) as ToolSpec),
    system: systemPrompt(cfg, env.config),
    messages: [{ role: 'user', content: KICKOFF }],
    partial: null,
    state: 'active',
    nextAt: env.clock.now(),
    turnsSinceIdle: 0,
    completed: [],
    currentTask: null,
    pending: null,
    offered: new Set(),
  };
  const stored = loadTranscript(env.board, env.runId, cfg.name);
  if (stored) restore(member, stored.messages as Message[], (stored.inFlight[0] as PartialTurn | undefined) ?? null);
  else persist(member);
  member.currentTask = tasksOwnedBy(env.board, env.runId, cfg.name)[0]?.id ?? null;
  return member;
}

/** Resume from a stored transcript: calls that were running are reported as interrupted, never re-run. */
function restore(member: MemberRuntime, messages: Message[], partial: PartialTurn | null): void {
  member.messages = messages;
  member.partial = partial;
  const last = messages[messages.length - 1];
  member.state = last?.role === 'assistant' ? 'idle' : 'active';
  if (!partial) return;
  const questions = listQuestions(member.env.board, member.env.runId).filter((q) => q.askedBy === member.cfg.name);
  for (const use of toolUses(partial.assistant)) {
    if (partial.results[use.id]) continue;
    if (use.name === 'AskUserQuestion') {
      const question = questions.find((q) => q.toolUseId === use.id);
      if (question?.status === 'pending') {
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
    if (partial.started.includes(use.id)) partial.results[use.id] = { content: JSON.stringify({ error: INTERRUPTED }), isError: true };
  }
  member.state = partial.question ? 'waiting' : 'active';
  persist(member);
}

/** The messages of each member as last written, so a step that changed only the turn in flight writes only that. */
const storedMessages = new WeakMap<MemberRuntime, Message[]>();

export function persist(member: MemberRuntime): void {
  const { board, runId } = member.env;
  const inFlight = member.partial ? [member.partial] : [];
  const stored = storedMessages.get(member);
  if (stored && sameMessages(stored, member.messages) && saveInFlight(board, runId, member.cfg.name, inFlight)) return;
  saveTranscript(board, runId, member.cfg.name, { messages: member.messages, inFlight });
  storedMessages.set(member, [...member.messages]);
}

/** Messages are never changed in place (only appended, replaced or cut back), so comparing identities is enough. */
function sameMessages(stored: Message[], current: Message[]): boolean {
  return stored.length === current.length && stored.every((m, i) => m === current[i]);
}

function toolUses(message: { content: AssistantBlock[] }): ToolUseBlock[] {
  return message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
}

function actor(member: MemberRuntime) {
  return memberActor(member.cfg.name, member.cfg.role);
}

export function setStatus(member: MemberRuntime, state: MemberState): void {
  member.state = state;
  const status = state === 'active' ? 'working' : state;
  updateMember(member.env.board, member.env.runId, member.cfg.name, { status, currentTask: member.currentTask }, actor(member));
}

/** Messages from teammates arrive between turns, added to the next user message. */
function deliverInbox(member: MemberRuntime): void {
  const inbox = takeInbox(member.env.board, member.env.runId, member.cfg.name);
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
  persist(member);
}

/** Whether the member has something to respond to (a user turn is last, nothing half-done). */
export function canThink(member: MemberRuntime): boolean {
  return member.state === 'active' && member.partial === null && member.messages[member.messages.length - 1]?.role === 'user';
}

/** Ask the model for the member's next turn and account for its usage. */
export async function think(member: MemberRuntime, signal?: AbortSignal): Promise<ModelResponse> {
  deliverInbox(member);
  const { env } = member;
  const response = await env.model.send(
    {
      member: member.cfg.name,
      role: member.cfg.role,
      model: member.cfg.model,
      system: member.system,
      tools: member.specs,
      messages: member.messages,
      maxTokens: env.maxTokens,
      ...(signal ? { signal } : {}),
    },
    (event) => {
      if (event.type === 'text_delta') noteLastAction(env.board, env.runId, member.cfg.name, event.text.slice(-120));
    },
  );
  recordUsage(env.board, env.runId, member.cfg.name, {
    model: response.model,
    taskId: member.currentTask,
    inputTokens: response.usage.input_tokens,
    outputTokens: response.usage.output_tokens,
    cacheReadTokens: response.usage.cache_read_input_tokens,
    cacheWriteTokens: response.usage.cache_creation_input_tokens,
    costUsd: response.costUsd,
  });
  return response;
}

/** Carry out a model turn: speak, run its tool calls, persist after every step. */
export async function act(member: MemberRuntime, response: ModelResponse): Promise<void> {
  const { env } = member;
  const text = response.content.filter((b) => b.type === 'text').map((b) => b.text).join('\n').trim();
  if (text) {
    transact(env.board, () => {
      appendEvent(env.board, env.runId, actor(member), 'member.said', { member: member.cfg.name, text });
    });
    noteLastAction(env.board, env.runId, member.cfg.name, text.slice(0, 160));
  }
  const assistant = { role: 'assistant' as const, content: response.content };
  if (toolUses(assistant).length === 0) {
    member.messages.push(assistant);
    persist(member);
    member.turnsSinceIdle = 0;
    setStatus(member, 'idle');
    return;
  }
  member.partial = { assistant, results: {}, started: [], question: null };
  // No persist here: runPendingCalls marks the first call started and persists before anything runs.
  await runPendingCalls(member);
}

/** Run the calls of the half-done turn that have not started; finish the turn when all have results. */
export async function runPendingCalls(member: MemberRuntime): Promise<void> {
  const partial = member.partial;
  if (!partial) return;
  const { env } = member;
  for (const use of toolUses(partial.assistant)) {
    if (partial.results[use.id] || partial.started.includes(use.id) || partial.question?.useId === use.id) continue;
    partial.started.push(use.id);
    persist(member);
    const result = await runCall(member, use);
    if (result.pendingQuestion !== undefined) {
      partial.question = { useId: use.id, questionId: result.pendingQuestion };
    } else {
      partial.results[use.id] = { content: result.content, isError: result.isError };
    }
    transact(env.board, () => {
      appendEvent(env.board, env.runId, actor(member), 'tool.called', {
        member: member.cfg.name,
        tool: use.name,
        summary: summarizeCall(use.name, use.input),
        ok: !result.isError,
        ...(result.isError ? { error: errorLine(result.content) } : {}),
      });
    });
    persist(member);
  }
  refreshCurrentTask(member);
  if (partial.question) {
    setStatus(member, 'waiting');
    return;
  }
  finishTurn(member);
}

async function runCall(member: MemberRuntime, use: ToolUseBlock): Promise<ToolResult> {
  const tool = member.tools.find((t) => t.name === use.name);
  if (!tool) {
    const names = member.tools.map((t) => t.name).join(', ');
    return { content: JSON.stringify({ error: `unknown tool "${use.name}"; you can use: ${names}` }), isError: true };
  }
  const ctx: ToolContext = {
    board: member.env.board,
    runId: member.env.runId,
    member: member.cfg.name,
    role: member.cfg.role,
    workspace: member.env.workspace,
    clock: member.env.clock,
    toolUseId: use.id,
    ...(use.name === 'Bash' ? { env: commandEnv(member) } : {}),
    ...(member.cfg.bashPatterns ? { bashPatterns: member.cfg.bashPatterns } : {}),
    runtime: { currentTask: () => member.currentTask },
  };
  return runTool(tool, use.input, ctx);
}

/**
 * The environment of the member's commands: no secrets, plus what scripts may want to know of the
 * board (the run, and which stages a person let through despite a failed metric gate).
 */
function commandEnv(member: MemberRuntime): Record<string, string> {
  const overridden = listGates(member.env.board, member.env.runId)
    .filter((g) => g.status === 'overridden')
    .map((g) => g.before);
  return {
    ...stripSecrets(process.env),
    TEAM_RUN_ID: String(member.env.runId),
    TEAM_MEMBER: member.cfg.name,
    TEAM_GATE_OVERRIDES: [...new Set(overridden)].join(','),
  };
}

/** The person answered the member's question: deliver it and let the member go on. */
export function deliverAnswer(member: MemberRuntime, questionId: number): boolean {
  const partial = member.partial;
  if (!partial?.question || partial.question.questionId !== questionId) return false;
  const question = listQuestions(member.env.board, member.env.runId).find((q) => q.id === questionId);
  if (!question || question.status === 'pending') return false;
  partial.results[partial.question.useId] = answerResult(question);
  partial.question = null;
  persist(member);
  finishTurn(member);
  return true;
}

function finishTurn(member: MemberRuntime): void {
  const partial = member.partial;
  if (!partial) return;
  const results: ToolResultBlock[] = toolUses(partial.assistant).map((use) => {
    const result = partial.results[use.id] ?? { content: JSON.stringify({ error: 'no result' }), isError: true };
    return { type: 'tool_result', tool_use_id: use.id, content: result.content, ...(result.isError ? { is_error: true } : {}) };
  });
  member.messages.push(partial.assistant, { role: 'user', content: results });
  member.partial = null;
  member.turnsSinceIdle++;
  noteCompletions(member, partial);
  compact(member);
  persist(member);
  if (member.turnsSinceIdle > member.env.maxTurns) {
    stopMember(member, `stopped after ${member.env.maxTurns} turns without pausing; check its transcript`);
    return;
  }
  // A member declared dead (lease) or stopped while its calls ran stays out of the run.
  if (member.state === 'dead' || member.state === 'stopped') return;
  if (member.state !== 'active') setStatus(member, 'active');
}

function noteCompletions(member: MemberRuntime, partial: PartialTurn): void {
  for (const use of toolUses(partial.assistant)) {
    const input = use.input as { status?: unknown; taskId?: unknown };
    if (use.name !== 'TaskUpdate' || input.status !== 'completed' || partial.results[use.id]?.isError) continue;
    const id = Number(String(input.taskId).replace(/^#/, ''));
    if (Number.isInteger(id) && !member.completed.includes(id)) member.completed.push(id);
  }
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

export function refreshCurrentTask(member: MemberRuntime): void {
  const current = tasksOwnedBy(member.env.board, member.env.runId, member.cfg.name)[0]?.id ?? null;
  if (current === member.currentTask) return;
  member.currentTask = current;
  if (current !== null) member.offered.clear();
  updateMember(member.env.board, member.env.runId, member.cfg.name, { currentTask: current }, actor(member));
}

/** Wake an idle member with a short note about what changed. */
export function wake(member: MemberRuntime, note: string): void {
  if (member.state !== 'idle') return;
  member.messages.push({ role: 'user', content: note });
  member.turnsSinceIdle = 0;
  member.nextAt = member.env.clock.now();
  persist(member);
  setStatus(member, 'active');
}

/** Take a member out of the run; its in-progress tasks go back to the pool with a note. */
export function stopMember(member: MemberRuntime, reason: string, state: 'stopped' | 'dead' = 'stopped'): void {
  const { env } = member;
  for (const task of tasksOwnedBy(env.board, env.runId, member.cfg.name)) {
    releaseTask(env.board, env.runId, task.id, `${member.cfg.name} ${state === 'dead' ? 'died' : 'was stopped'}: ${reason}`, { kind: 'coordinator' });
  }
  member.currentTask = null;
  transact(env.board, () => {
    appendEvent(env.board, env.runId, { kind: 'coordinator' }, 'member.removed', { member: member.cfg.name, state, reason });
  });
  setStatus(member, state);
}

function errorLine(content: string): string {
  try {
    const parsed = JSON.parse(content) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 200);
  } catch {
    // not JSON: fall through
  }
  return content.slice(0, 200);
}
