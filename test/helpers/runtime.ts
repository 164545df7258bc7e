/**
 * Helpers for the runtime tests: small team projects in temp folders, prepared runs on a real
 * board file, scripted models, the simulated model driven without a board, and the built CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Board } from '../../src/board/board.js';
import { isEvent, type BoardEvent, type EventOf, type EventType } from '../../src/board/events.js';
import { openBoard } from '../../src/board/open.js';
import type { MemberConfig, Question, Run } from '../../src/board/types.js';
import { loadTeam, type LoadedTeam } from '../../src/definitions/team-loader.js';
import type { AssistantBlock, Message, Model, ModelRequest, ModelResponse, ToolResultBlock, ToolUseBlock, UserBlock } from '../../src/models/model.js';
import { createSimModel, type SimOptions } from '../../src/models/sim.js';
import type { Answerer } from '../../src/runtime/coordinator.js';
import { createMember, type MemberEnv, type MemberRuntime } from '../../src/runtime/member.js';
import { prepareRun } from '../../src/runtime/prepare.js';
import { executeRun, type Outcome } from '../../src/runtime/run.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import type { Clock } from '../../src/shared/clock.js';
// Not from ./board.js: that one loads the PostgreSQL client, which runtime tests never use.
import { tempDir } from './temp-dir.js';
import { REPO_ROOT } from './workers.js';

export { REPO_ROOT, tempDir };

/** A fixed start for virtual clocks, so event timestamps repeat too. It lies after any real time: event times never go back, so a run on a clock behind the board would be stamped with real time. */
export const T0 = Date.UTC(2100, 0, 1);

/* ------------------------------------------------------------------ projects and runs */

/** An agent definition file (Claude Code subagent format). */
export function agentFile(name: string, opts: { tools?: string; disallowedTools?: string; body?: string } = {}): string {
  const lines = ['---', `name: ${name}`, `description: Test agent ${name}.`];
  if (opts.tools !== undefined) lines.push(`tools: ${opts.tools}`);
  if (opts.disallowedTools !== undefined) lines.push(`disallowedTools: ${opts.disallowedTools}`);
  lines.push('---', '', opts.body ?? `You are ${name}. Work the board.`, '');
  return lines.join('\n');
}

export interface ProjectFiles {
  /** The team file (YAML text), written to teams/<name>.yaml. */
  team: string;
  name?: string;
  /** Agent files by agent name, written to agents/<name>.md. */
  agents?: Record<string, string>;
  /** Files of the workspace template, written under teams/<name>/ (add `workspace: ./<name>` to the team). */
  template?: Record<string, string>;
}

/** A project folder holding a team file, its agents and an optional workspace template. */
export function writeProject(files: ProjectFiles, dir = tempDir('teamboard-rt-')): string {
  const name = files.name ?? 'test-team';
  write(dir, `teams/${name}.yaml`, files.team);
  for (const [agent, text] of Object.entries(files.agents ?? {})) write(dir, `agents/${agent}.md`, text);
  for (const [rel, text] of Object.entries(files.template ?? {})) write(dir, `teams/${name}/${rel}`, text);
  return dir;
}

export function write(dir: string, rel: string, text: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export interface TestRun {
  dir: string;
  boardFile: string;
  board: Board;
  run: Run;
  runId: number;
  workspace: string;
  loaded: LoadedTeam;
  events(): Promise<BoardEvent[]>;
  /** Close the board and open the same file again (what a restarted process sees). */
  reopen(): Promise<Board>;
  cleanup(): Promise<void>;
}

export interface TestRunOptions {
  seed?: number;
  budgetUsd?: number;
  /** Where to put the project; a fresh temp folder by default. */
  dir?: string;
}

/** Write the project, load its team and prepare a run on a real board file in the project. */
export function prepareTestRun(files: ProjectFiles, opts: TestRunOptions = {}): Promise<TestRun> {
  const dir = writeProject(files, opts.dir);
  return prepareIn(dir, files.name ?? 'test-team', opts);
}

/** Prepare a run of a team by name (e.g. the built-in churn-project) in a project folder. */
export async function prepareIn(dir: string, teamName: string, opts: TestRunOptions = {}): Promise<TestRun> {
  const env = { ...process.env, TEAM_HOME: undefined };
  const loaded = loadTeam(teamName, { cwd: dir, home: dir, env });
  const boardFile = path.join(dir, '.team', 'board.db');
  let board = await openBoard(boardFile);
  const run = await prepareRun({
    board,
    loaded,
    backend: 'sim',
    seed: opts.seed ?? 42,
    env,
    cwd: dir,
    ...(opts.budgetUsd !== undefined ? { budgetUsd: opts.budgetUsd } : {}),
  });
  const result: TestRun = {
    dir,
    boardFile,
    get board() {
      return board;
    },
    run,
    runId: run.id,
    workspace: fs.realpathSync(run.workspace),
    loaded,
    events: () => board.listEvents(run.id),
    async reopen() {
      await board.close();
      board = await openBoard(boardFile);
      return board;
    },
    async cleanup() {
      await board.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return result;
}

export interface RunOptions {
  model?: Model;
  /** A virtual clock by default; pass realClock (with ordered: false) for a real-time run. */
  clock?: Clock;
  autoAnswer?: boolean;
  answerer?: Answerer;
  resumed?: boolean;
  maxTurns?: number;
  pollMs?: number;
  leaseMs?: number;
  /** The ordered driver's lease on the wall clock (default: leaseMs). */
  wallLeaseMs?: number;
  signal?: AbortSignal;
  ordered?: boolean;
  onEvents?: (events: BoardEvent[]) => void;
}

/** Drive the run one step at a time on a virtual clock with the instant simulated model. */
export function runOrdered(t: TestRun, opts: RunOptions = {}): Promise<Outcome> {
  const clock = opts.clock ?? createVirtualClock(T0);
  const model = opts.model ?? createSimModel({ seed: t.run.seed, clock, instant: true });
  return executeRun({
    board: t.board,
    runId: t.runId,
    model,
    clock,
    ordered: opts.ordered ?? true,
    pollMs: opts.pollMs ?? 20,
    ...(opts.autoAnswer !== undefined ? { autoAnswer: opts.autoAnswer } : {}),
    ...(opts.answerer ? { answerer: opts.answerer } : {}),
    ...(opts.resumed !== undefined ? { resumed: opts.resumed } : {}),
    ...(opts.maxTurns !== undefined ? { maxTurns: opts.maxTurns } : {}),
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.wallLeaseMs !== undefined ? { wallLeaseMs: opts.wallLeaseMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
  });
}

/** The member runtime environment of a prepared run, for driving the agent loop by hand. */
export function memberEnv(t: TestRun, model: Model, overrides: Partial<MemberEnv> = {}): MemberEnv {
  return {
    board: t.board,
    runId: t.runId,
    model,
    clock: createVirtualClock(T0),
    workspace: t.workspace,
    config: t.run.config,
    backend: t.run.backend,
    maxTurns: 200,
    compactAfter: 80,
    maxTokens: 1024,
    ...overrides,
  };
}

export function memberConfig(t: TestRun, name: string): MemberConfig {
  const cfg = t.run.config.members.find((m) => m.name === name);
  if (!cfg) throw new Error(`run ${t.runId} has no member ${name}`);
  return cfg;
}

export function startMember(t: TestRun, name: string, model: Model, overrides: Partial<MemberEnv> = {}): Promise<MemberRuntime> {
  return createMember(memberEnv(t, model, overrides), memberConfig(t, name));
}

/* ------------------------------------------------------------------ models */

export function toolUse(id: string, name: string, input: unknown = {}): ToolUseBlock {
  return { type: 'tool_use', id, name, input };
}

export function text(value: string): AssistantBlock {
  return { type: 'text', text: value };
}

export function reply(content: AssistantBlock[], extra: Partial<ModelResponse> = {}): ModelResponse {
  return {
    content,
    stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
    usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    model: 'scripted',
    costUsd: 0,
    latencyMs: 100,
    ...extra,
  };
}

export interface ScriptedModel extends Model {
  /** Every request, with a copy of its messages as they were sent. */
  requests: ModelRequest[];
}

/**
 * A model that answers from a function of (request, call number per member). Return blocks, a
 * full response, or a promise (e.g. one that never settles, to hang).
 */
export function scriptedModel(
  respond: (request: ModelRequest, call: number) => AssistantBlock[] | ModelResponse | Promise<AssistantBlock[] | ModelResponse>,
): ScriptedModel {
  const requests: ModelRequest[] = [];
  const calls = new Map<string, number>();
  return {
    backend: 'sim',
    requests,
    async send(request) {
      requests.push({ ...request, messages: structuredClone(request.messages) });
      const n = calls.get(request.member) ?? 0;
      calls.set(request.member, n + 1);
      const out = await respond(request, n);
      return Array.isArray(out) ? reply(out) : out;
    },
  };
}

/** The tool results of a user message (empty for a plain text message). */
export function resultsOf(message: Message | undefined): ToolResultBlock[] {
  if (!message || message.role !== 'user' || typeof message.content === 'string') return [];
  return message.content.filter((b): b is ToolResultBlock => b.type === 'tool_result');
}

export function textsOf(message: Message | undefined): string[] {
  if (!message || message.role !== 'user') return [];
  if (typeof message.content === 'string') return [message.content];
  return message.content.filter((b): b is Extract<UserBlock, { type: 'text' }> => b.type === 'text').map((b) => b.text);
}

/* ------------------------------------------------------------------ the simulated model, without a board */

export const SIM_SYSTEM = (member: string, role: string) => `Instructions.\n\nYou are "${member}", a member of team test-team with the role ${role}.`;

export interface SimTurnOptions {
  member?: string;
  role?: string;
  seed?: number;
  sim?: Partial<SimOptions>;
}

/** One turn of the simulated model for a conversation. */
export async function simTurn(messages: Message[], opts: SimTurnOptions = {}): Promise<ModelResponse> {
  const member = opts.member ?? 'ds';
  const role = opts.role ?? 'data-scientist';
  const clock = opts.sim?.clock ?? createVirtualClock(T0);
  const model = createSimModel({ seed: opts.seed ?? 7, clock, instant: true, ...opts.sim });
  return model.send({ member, role, model: 'sim', system: SIM_SYSTEM(member, role), tools: [], messages, maxTokens: 1024 });
}

export function callsOf(response: ModelResponse): { name: string; input: unknown }[] {
  return response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((b) => ({ name: b.name, input: b.input }));
}

export function saidOf(response: ModelResponse): string {
  return response.content
    .filter((b): b is Extract<AssistantBlock, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}

export type ToolAnswer = { content: string; isError?: boolean } | string | Record<string, unknown>;

/**
 * A conversation with the simulated model where the test plays the tools: each call is
 * answered by `answer`, until the model ends its turn or `maxTurns` pass. Returns every call
 * and the final conversation.
 */
export async function playSim(
  answer: (call: ToolUseBlock, index: number) => ToolAnswer,
  opts: SimTurnOptions & { start?: Message[]; maxTurns?: number } = {},
): Promise<{ calls: ToolUseBlock[]; texts: string[]; messages: Message[]; last: ModelResponse }> {
  const messages: Message[] = opts.start ? [...opts.start] : [{ role: 'user', content: 'The run has started.' }];
  const calls: ToolUseBlock[] = [];
  const texts: string[] = [];
  for (let turn = 0; turn < (opts.maxTurns ?? 60); turn++) {
    const response = await simTurn(messages, opts);
    texts.push(saidOf(response));
    messages.push({ role: 'assistant', content: response.content });
    const uses = response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (uses.length === 0) return { calls, texts, messages, last: response };
    const results: ToolResultBlock[] = uses.map((use) => {
      calls.push(use);
      const given = answer(use, calls.length - 1);
      const { content, isError } = typeof given === 'string' ? { content: given, isError: false } : 'content' in given && typeof given.content === 'string' ? (given as { content: string; isError?: boolean }) : { content: JSON.stringify(given), isError: false };
      return { type: 'tool_result', tool_use_id: use.id, content, ...(isError ? { is_error: true } : {}) };
    });
    messages.push({ role: 'user', content: results });
  }
  throw new Error(`the simulated model did not end its turn within ${opts.maxTurns ?? 60} turns`);
}

/* ------------------------------------------------------------------ events */

/** What identifies an event independently of ports, pids, paths and times. */
export function eventTuple(event: BoardEvent): (string | number | null)[] {
  const payload: Record<string, unknown> = event.payload;
  const pick = (key: string) => {
    const value = payload[key];
    return typeof value === 'string' || typeof value === 'number' ? value : null;
  };
  return [event.type, event.actor, pick('taskId'), pick('member'), pick('tool'), pick('question')];
}

export function ofType<K extends EventType>(events: BoardEvent[], type: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => isEvent(e, type));
}

/* ------------------------------------------------------------------ the built CLI */

export const BIN = path.join(REPO_ROOT, 'bin', 'team.js');
const BUILT = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/** The compiled CLI must exist: test/global-setup.ts builds it once before any test runs. */
export async function ensureBuilt(): Promise<void> {
  if (!fs.existsSync(BUILT)) throw new Error(`${BUILT} is missing; run the tests through vitest (its global setup builds it) or \`npm run build\``);
}

/** The environment the CLI runs in: no API key, no TEAM_HOME, HOME in the project (no user agents). */
export function cliEnv(cwd: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { TEAM_HOME: undefined, ANTHROPIC_API_KEY: undefined, CI: 'true', NO_COLOR: '1', HOME: cwd, ...extra };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

export async function team(cwd: string, args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], { cwd, reject: false, env: cliEnv(cwd, extra), extendEnv: true, timeout: 90_000 });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
}

/** Start the CLI in the background (the caller awaits or kills it). */
export function spawnTeam(cwd: string, args: string[], extra: Record<string, string | undefined> = {}): ResultPromise {
  return execa(process.execPath, [BIN, ...args], { cwd, reject: false, env: cliEnv(cwd, extra), extendEnv: true, timeout: 120_000 });
}

/**
 * Resolves once the child has written `text` to stdout. Wait for output before opening the board
 * file from the test: a process still creating the database may not be done migrating it.
 */
export function outputSeen(child: ResultPromise, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
    void child.then(() => resolve());
  });
}

/**
 * The questions a run started with `--json` asks, as its NDJSON says it asks them, until it exits:
 * a test answers each as it comes instead of polling the board. Call it before the run can ask.
 */
export async function* questionsAsked(child: ResultPromise): AsyncGenerator<{ id: string; header: string }> {
  const asked: { id: string; header: string }[] = [];
  let exited = false;
  let wake = (): void => undefined;
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"type":"question.asked"')) continue;
      const event = JSON.parse(line) as EventOf<'question.asked'>;
      asked.push({ id: `q${event.payload.question}`, header: event.payload.headers[0] ?? '' });
    }
    wake();
  });
  void child.then(
    () => ((exited = true), wake()),
    () => ((exited = true), wake()),
  );
  for (;;) {
    const next = asked.shift();
    if (next) {
      yield next;
      continue;
    }
    if (exited) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/**
 * Resolves true once the child has written `count` lines to stdout, or false when it exits
 * first. A point in a run named by its progress, not by the time it took to get there.
 */
export function outputLinesSeen(child: ResultPromise, count: number): Promise<boolean> {
  return new Promise((resolve) => {
    let lines = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) lines++;
      if (lines >= count) resolve(true);
    });
    void child.then(() => resolve(false));
  });
}

export async function statusJson(cwd: string, run = 1): Promise<StatusJson> {
  const result = await team(cwd, ['status', String(run), '--json']);
  if (result.exitCode !== 0) throw new Error(`team status ${run} --json exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson;
}

export interface StatusJson {
  run: { id: number; status: string; reason: string | null; workspace: string };
  tasks: { id: number; status: string; subject: string }[];
  questions: { id: string; askedBy: string; kind: string; questions: { header: string; question: string }[] }[];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until run `run` of the board in `cwd` has an open question that `match` accepts, reading the
 * board file from this process: a look costs a few milliseconds where `team status` costs a whole
 * CLI start. Tests then read the question once through the CLI. Until the process that runs the
 * team has created and migrated the board, a look finds nothing.
 */
export async function waitForOpenQuestion(cwd: string, what: string, match: (question: Question) => boolean, run = 1, timeoutMs = 30_000): Promise<Question> {
  const file = path.join(cwd, '.team', 'board.db');
  return waitFor(
    what,
    async () => {
      if (!fs.existsSync(file)) return undefined;
      const board = await openBoard(file, { mustExist: true }).catch(() => null);
      if (!board) return undefined;
      try {
        return (await board.listQuestions(run, 'open')).find(match);
      } catch {
        return undefined;
      } finally {
        await board.close();
      }
    },
    timeoutMs,
    50,
  );
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
