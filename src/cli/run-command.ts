import fs from 'node:fs';
import path from 'node:path';
import { coordinator } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { BoardError } from '../board/errors.js';
import { lastEventSeq, type BoardEvent } from '../board/events.js';
import { getQuestion, payloadOf } from '../board/questions.js';
import { getRun, requireRun, setRunStatus, type Run } from '../board/runs.js';
import type { Backend } from '../../db/schema.js';
import { loadTeam } from '../definitions/team-loader.js';
import type { Tape } from '../models/tape.js';
import { realClock, type Clock } from '../shared/clock.js';
import type { Answerer } from '../runtime/coordinator.js';
import { prepareRun } from '../runtime/prepare.js';
import { executeRun, type Outcome } from '../runtime/run.js';
import { RuntimeError } from '../runtime/errors.js';
import { createVirtualClock } from '../runtime/virtual-clock.js';
import { openBoardFor, parseRunId } from './board-access.js';
import { isCiEnv, type CommandIO } from './io.js';
import { formatEvent } from './progress.js';
import { printSummary, summaryJson } from './summary.js';
import { showLiveBoard } from './live-board.js';

export interface RunFlags {
  backend?: Backend;
  seed?: string;
  speed?: string;
  instant?: boolean;
  workspace?: string;
  budgetUsd?: string;
  headless?: boolean;
  autoAnswer?: boolean;
  json?: boolean;
  record?: string;
  tape?: string;
  failRate?: string;
}

function number(text: string | undefined, flag: string, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new BoardError('invalid', `${flag} must be a number${min > 0 ? ` >= ${min}` : ''}, got "${text}"`);
  return value;
}

export async function start(io: CommandIO, teamName: string, flags: RunFlags): Promise<number> {
  const env = io.env;
  const { createTape, loadTape } = await import('../models/tape.js');
  const backend = flags.backend ?? (env.ANTHROPIC_API_KEY ? 'anthropic' : 'sim');
  const seed = Math.floor(number(flags.seed, '--seed', 42));
  // Check every flag before a run exists, so a typo leaves nothing half-made behind.
  number(flags.speed, '--speed', 1, 0.001);
  if (flags.failRate !== undefined) number(flags.failRate, '--fail-rate', 0);
  const budgetUsd = flags.budgetUsd !== undefined ? number(flags.budgetUsd, '--budget-usd', 0, 0.000001) : undefined;
  const loaded = loadTeam(teamName, { cwd: io.cwd(), home: io.home(), env });
  if (backend === 'replay' && !flags.tape) throw new BoardError('invalid', '--backend replay needs --tape FILE');
  // Checked before the run is created, so a missing key leaves no half-made run behind.
  if (backend === 'anthropic' && !env.ANTHROPIC_API_KEY) {
    throw new BoardError('invalid', '--backend anthropic needs ANTHROPIC_API_KEY; set it, or use --backend sim for a free simulated run');
  }
  const replayTape = flags.tape ? loadTape(path.resolve(io.cwd(), flags.tape)) : undefined;
  const board = openBoardFor(io);
  try {
    const run = prepareRun({
      board,
      loaded,
      backend,
      seed,
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      env,
      cwd: io.cwd(),
    });
    const recordTape = flags.record ? createTape({ team: loaded.team.name, seed, backend }, { file: path.resolve(io.cwd(), flags.record) }) : undefined;
    if (!flags.json) io.stderr(backendLine(backend, seed, env, run));
    return await drive(io, board, run, flags, { backend, seed, ...(replayTape ? { replayTape } : {}), ...(recordTape ? { recordTape } : {}) }, false);
  } finally {
    board.close();
  }
}

function backendLine(backend: Backend, seed: number, env: NodeJS.ProcessEnv, run: Run): string {
  const why =
    backend === 'anthropic'
      ? `Claude via ${env.ANTHROPIC_BASE_URL ?? 'the Anthropic API'}`
      : backend === 'sim'
        ? `simulated model, seed ${seed}${env.ANTHROPIC_API_KEY ? '' : ' (no ANTHROPIC_API_KEY set)'}`
        : 'replaying a tape';
  return `team: run ${run.id} of ${run.team} on ${backend} (${why}); workspace ${run.workspace}\n`;
}

export async function resume(io: CommandIO, runText: string, flags: RunFlags): Promise<number> {
  const board = openBoardFor(io);
  try {
    const run = requireRun(board, parseRunId(runText));
    if (run.status === 'completed') throw new BoardError('state', `run ${run.id} already completed; see \`team export ${run.id}\``);
    if (run.status === 'running' && run.pid !== null && run.pid !== process.pid && alive(run.pid)) {
      throw new BoardError('state', `run ${run.id} is still running in process ${run.pid}; stop it first with \`team stop ${run.id}\` or attach with \`team board ${run.id}\``);
    }
    if (run.backend === 'replay') throw new BoardError('state', 'a replayed run cannot be resumed; replay the tape again');
    if (!fs.existsSync(run.workspace)) throw new RuntimeError(`the workspace of run ${run.id} is gone (${run.workspace}); it cannot be resumed`);
    if (!flags.json) io.stderr(`team: resuming run ${run.id} of ${run.team} on ${run.backend}\n`);
    return await drive(io, board, run, flags, { backend: run.backend, seed: run.seed }, true);
  } finally {
    board.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface DriveChoice {
  backend: Backend;
  seed: number;
  replayTape?: Tape;
  recordTape?: Tape;
}

async function drive(io: CommandIO, board: Board, run: Run, flags: RunFlags, choice: DriveChoice, resumed: boolean): Promise<number> {
  const instant = flags.instant === true || choice.backend === 'replay';
  const clock: Clock = instant ? createVirtualClock() : realClock;
  const speed = number(flags.speed, '--speed', 1, 0.001);
  // Loaded here, not at start-up: the SDK and the runtime are not needed for `team --help`.
  const { createModel } = await import('./model-factory.js');
  const { questionKey } = await import('../models/tape.js');
  const model = createModel({
    backend: choice.backend,
    seed: choice.seed,
    clock,
    speed,
    instant,
    env: io.env,
    ...(flags.failRate ? { failRate: number(flags.failRate, '--fail-rate', 0) } : {}),
    ...(choice.replayTape ? { replayTape: choice.replayTape } : {}),
    ...(choice.recordTape ? { recordTape: choice.recordTape } : {}),
  });
  const tapeAnswerer: Answerer | undefined = choice.replayTape
    ? (q) => {
        const entry = choice.replayTape?.nextAnswerEntry(questionKey(q.askedBy, payloadOf(q)), lastEventSeq(board, run.id));
        return entry ? { answers: entry.answers, by: entry.by ?? 'auto' } : null;
      }
    : undefined;
  const started = Date.now();
  const startedVirtual = clock.now();
  const view = { plain: flags.headless === true || flags.json === true || !process.stdout.isTTY || isCiEnv(io.env) };
  const printer = (events: BoardEvent[]) => {
    for (const event of events) {
      recordAnswerEvent(board, run.id, event, choice.recordTape, questionKey);
      if (choice.replayTape) failOnTapeMiss(board, run.id, event);
      if (flags.json) io.stdout(`${JSON.stringify(event)}\n`);
      else {
        const line = formatEvent(event, run.id);
        if (line && view.plain) io.stdout(`${line}\n`);
      }
    }
  };
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr(`\nteam: stopping run ${run.id} (resume it with \`team resume ${run.id}\`)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let ended = false;
  const live = view.plain
    ? null
    : await showLiveBoard(board, run.id, abort, () => {
        view.plain = true;
        if (!ended) io.stdout(`team: detached; run ${run.id} goes on here. Attach again with \`team board ${run.id}\` from another terminal.\n`);
      });
  let outcome: Outcome;
  try {
    outcome = await executeRun({
      board,
      runId: run.id,
      model,
      clock,
      ordered: instant,
      autoAnswer: flags.autoAnswer === true,
      ...(tapeAnswerer ? { answerer: tapeAnswerer } : {}),
      onEvents: printer,
      signal: abort.signal,
      resumed,
    });
    ended = true;
    // The finished board stays up (every task done, or what is stuck) until the person leaves it.
    if (live?.showing && !abort.signal.aborted) await live.waitForExit();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await live?.close();
  }
  const final = getRun(board, run.id) ?? run;
  // Team time on the virtual clock means something only for the simulated model's latencies.
  const simulatedMs = instant && choice.backend === 'sim' ? clock.now() - startedVirtual : null;
  if (flags.json) io.stdout(`${JSON.stringify({ type: 'summary', ...summaryJson(board, final, Date.now() - started, simulatedMs) })}\n`);
  else printSummary(io, board, final, Date.now() - started, simulatedMs);
  return outcome.status === 'completed' ? 0 : outcome.status === 'stopped' ? 3 : 1;
}

function recordAnswerEvent(board: Board, runId: number, event: BoardEvent, tape: Tape | undefined, questionKey: (askedBy: string, payload: ReturnType<typeof payloadOf>) => string): void {
  if (!tape || event.type !== 'question.answered') return;
  const question = getQuestion(board, runId, Number(event.payload.question));
  if (question?.answers) tape.recordAnswer(questionKey(question.askedBy, payloadOf(question)), question.answers as Record<string, string | string[]>, event.seq, question.answeredBy ?? undefined);
}


/** A replay that has left its tape cannot go on meaningfully: the run fails at once, with the divergence as the reason. */
function failOnTapeMiss(board: Board, runId: number, event: BoardEvent): void {
  if (event.type !== 'member.removed') return;
  const reason = String(event.payload.reason);
  if (reason.startsWith('run diverged from tape') && getRun(board, runId)?.status === 'running') setRunStatus(board, runId, 'failed', reason, coordinator);
}
