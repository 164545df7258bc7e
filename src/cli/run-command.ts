import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coordinator } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { BoardError } from '../board/errors.js';
import type { BoardEvent } from '../board/events.js';
import type { Backend, Question, Run } from '../board/types.js';
import { loadTeam } from '../definitions/team-loader.js';
import type { Tape } from '../models/tape.js';
import { realClock, type Clock } from '../shared/clock.js';
import type { Answerer } from '../runtime/coordinator.js';
import { prepareRun } from '../runtime/prepare.js';
import { executeRun, type Outcome } from '../runtime/run.js';
import { chooseSandbox, runUsesBash, teamUsesBash, type SandboxChoice } from '../runtime/sandbox-choice.js';
import { teamHome } from '../shared/paths.js';
import { RuntimeError, StopRequest } from '../runtime/errors.js';
import { createVirtualClock } from '../runtime/virtual-clock.js';
import { openSeats, parseSeatsFor, seatsLines } from '../mcp/open-seats.js';
import { openBoardFor, parseRunId } from './board-access.js';
import { OUTPUT_CLOSED, isCiEnv, type CommandIO } from './io.js';
import { safeJson } from './safe-text.js';
import { progressLine } from './progress.js';
import { printSummary, summaryJson } from './summary.js';
import { showLiveBoard } from './live-board.js';
import { workerLeaseMs } from './worker-command.js';

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
  /** `--open-seats NAME:ROLE,...`: members an MCP client plays (docs/mcp.md). */
  openSeats?: string;
  /** false with --no-sandbox: commands run without the OS sandbox. */
  sandbox?: boolean;
  /** Drive the run (its coordinator) without running members here: `team worker` processes run them. */
  workersOnly?: boolean;
}

function number(text: string | undefined, flag: string, fallback: number, min = 0, max = Infinity): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = max < Infinity ? ` from ${min} to ${max}` : min > 0 ? ` >= ${min}` : '';
    throw new BoardError('invalid', `${flag} must be a number${range}, got "${text}"`);
  }
  return value;
}

/** A chance per turn: from 0 to 1. */
function failRate(text: string | undefined): number {
  return number(text, '--fail-rate', 0, 0, 1);
}

export async function start(io: CommandIO, teamName: string, flags: RunFlags, boardOption?: string): Promise<number> {
  const env = io.env;
  const { createTape, loadTape } = await import('../models/tape.js');
  const backend = flags.backend ?? (env.ANTHROPIC_API_KEY ? 'anthropic' : 'sim');
  const seed = Math.floor(number(flags.seed, '--seed', 42));
  // Check every flag before a run exists, so a typo leaves nothing half-made behind.
  number(flags.speed, '--speed', 1, 0.001);
  if (flags.failRate !== undefined) failRate(flags.failRate);
  const budgetUsd = flags.budgetUsd !== undefined ? number(flags.budgetUsd, '--budget-usd', 0, 0.000001) : undefined;
  const loaded = loadTeam(teamName, { cwd: io.cwd(), home: io.home(), env });
  const seats = flags.openSeats !== undefined ? parseSeatsFor(flags.openSeats, loaded.members) : [];
  if (backend === 'replay' && !flags.tape) throw new BoardError('invalid', '--backend replay needs --tape FILE');
  // Checked before the run is created, so a missing key leaves no half-made run behind.
  if (backend === 'anthropic' && !env.ANTHROPIC_API_KEY) {
    throw new BoardError('invalid', '--backend anthropic needs ANTHROPIC_API_KEY; set it, or use --backend sim for a free simulated run');
  }
  // With --workers-only no command runs here: the workers choose their own sandbox.
  const sandbox = await chooseSandbox({ backend, noSandbox: flags.sandbox === false, usesBash: flags.workersOnly !== true && teamUsesBash(loaded) });
  if (sandbox.notice) io.stderr(`${sandbox.notice}\n`);
  const replayTape = flags.tape ? loadTape(path.resolve(io.cwd(), flags.tape)) : undefined;
  const board = await openBoardFor(io, { board: boardOption, mustExist: false });
  let claimed: number | undefined;
  try {
    const run = await prepareRun({
      board,
      loaded,
      backend,
      seed,
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      env,
      cwd: io.cwd(),
      unsandboxed: sandbox.mode === 'none',
    });
    if (seats.length > 0) await openSeats(board, run.id, seats);
    await claimToDrive(board, run);
    claimed = run.id;
    if (flags.workersOnly) await readyForWorkers(io, board, run.id, boardOption, backend);
    const recordTape = flags.record ? createTape({ team: loaded.team.name, seed, backend }, { file: path.resolve(io.cwd(), flags.record) }) : undefined;
    if (!flags.json) io.stderr(backendLine(backend, seed, env, run) + seatsLines(run.id, seats));
    return await drive(io, board, run, flags, { backend, seed, sandbox, ...(replayTape ? { replayTape } : {}), ...(recordTape ? { recordTape } : {}) }, false);
  } finally {
    await letGo(board, claimed);
  }
}

/**
 * A run driven with --workers-only: its workspace gets the marker workers check (the run's one
 * shared folder, docs/decisions/0012-files-across-machines.md), and the person is told how to start them.
 */
async function readyForWorkers(io: CommandIO, board: Board, runId: number, boardOption: string | undefined, backend: Backend): Promise<void> {
  if (backend === 'replay') throw new BoardError('invalid', 'a replayed run is played by one process; --workers-only does not apply');
  const { writeWorkspaceMarker } = await import('../runtime/workspace-marker.js');
  // Read back from the board: the marker must match what a worker will read there.
  const run = await board.requireRun(runId);
  writeWorkspaceMarker(run);
  const where = boardOption ? ` --board ${board.location}` : '';
  io.stderr(`team: run ${run.id} runs no members here; start them with \`team worker${where} --run ${run.id} [--members NAME,... | --role ROLE]\` on machines that see ${run.workspace}\n`);
}

function backendLine(backend: Backend, seed: number, env: NodeJS.ProcessEnv, run: Run): string {
  const why =
    backend === 'anthropic'
      ? `Claude via ${env.ANTHROPIC_BASE_URL ?? 'the Anthropic API'}`
      : backend === 'sim'
        ? `simulated model, seed ${seed}${env.ANTHROPIC_API_KEY ? '' : ', no ANTHROPIC_API_KEY set'}`
        : 'replaying a tape';
  return `team: run ${run.id} of ${run.team} on ${backend} (${why}); workspace ${run.workspace}\n`;
}

export async function resume(io: CommandIO, runText: string, flags: RunFlags, boardOption?: string): Promise<number> {
  const board = await openBoardFor(io, { board: boardOption, mustExist: true });
  let claimed: number | undefined;
  try {
    const run = await board.requireRun(parseRunId(runText));
    if (run.status === 'completed') throw new BoardError('state', `run ${run.id} already completed; see \`team export ${run.id}\``);
    if (run.backend === 'replay') throw new BoardError('state', 'a replayed run cannot be resumed; replay the tape again');
    if (!fs.existsSync(run.workspace)) throw new RuntimeError(`the workspace of run ${run.id} is gone (${run.workspace}); it cannot be resumed`);
    const sandbox = await chooseSandbox({ backend: run.backend, noSandbox: flags.sandbox === false, usesBash: flags.workersOnly !== true && runUsesBash(run.config) });
    if (sandbox.notice) io.stderr(`${sandbox.notice}\n`);
    // Only one process drives a run, decided by the board: a second `team resume` stops here.
    await claimToDrive(board, run);
    claimed = run.id;
    if (flags.workersOnly) await readyForWorkers(io, board, run.id, boardOption, run.backend);
    if (!flags.json) io.stderr(`team: resuming run ${run.id} of ${run.team} on ${run.backend}\n`);
    return await drive(io, board, run, flags, { backend: run.backend, seed: run.seed, sandbox }, true);
  } finally {
    await letGo(board, claimed);
  }
}

/** This process as the board records a run's driver: another process (or host) can tell whether it still lives. */
const DRIVER = `pid ${process.pid} on ${os.hostname()}`;

/**
 * Become the run's one driver, or fail with one line naming the process that drives it. A driver
 * on this machine whose process is gone (killed with -9, its terminal closed) is let go of at once
 * rather than after its heartbeat lapses; elsewhere the board's heartbeat rule decides.
 */
async function claimToDrive(board: Board, run: Run): Promise<void> {
  const dead = run.driver !== null && run.driver !== DRIVER && run.pid !== null && deadHere(run.driver, run.pid) ? run.driver : undefined;
  const claim = await board.claimRun(run.id, DRIVER, process.pid, coordinator, dead);
  if (claim.ok) return;
  const beat = claim.heartbeatAt !== null ? ` (heartbeat ${Math.max(0, Math.round((Date.now() - claim.heartbeatAt) / 1000))}s ago)` : '';
  throw new BoardError('state', `run ${run.id} is already driven by ${claim.driver}${beat}; watch it with \`team board ${run.id}\`, or stop it with \`team stop ${run.id}\` first`);
}

/**
 * Let go of the run (executeRun does when it ends, but not when something failed before it began)
 * and close the board. Nothing to add when the board cannot be written any more: the run then
 * shows as crashed once its heartbeat lapses.
 */
async function letGo(board: Board, runId: number | undefined): Promise<void> {
  if (runId !== undefined) await board.releaseRun(runId, DRIVER).catch(() => undefined);
  await board.close().catch(() => undefined);
}

/** Whether a driver recorded as running on this machine has no process any more. */
function deadHere(driver: string, pid: number): boolean {
  if (!driver.endsWith(` on ${os.hostname()}`)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ESRCH';
  }
}

interface DriveChoice {
  backend: Backend;
  seed: number;
  sandbox: SandboxChoice;
  replayTape?: Tape;
  recordTape?: Tape;
}

async function drive(io: CommandIO, board: Board, run: Run, flags: RunFlags, choice: DriveChoice, resumed: boolean): Promise<number> {
  const instant = flags.instant === true || choice.backend === 'replay';
  // With --workers-only the members' pace is the workers' own: the coordinator keeps real time, as they do.
  const virtual = instant && flags.workersOnly !== true;
  const clock: Clock = virtual ? createVirtualClock() : realClock;
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
    ...(flags.failRate ? { failRate: failRate(flags.failRate) } : {}),
    ...(choice.replayTape ? { replayTape: choice.replayTape } : {}),
    ...(choice.recordTape ? { recordTape: choice.recordTape } : {}),
  });
  const tape = choice.replayTape;
  const tapeAnswerer: Answerer | undefined = tape
    ? async (q) => {
        const entry = tape.nextAnswerEntry(questionKey(q.askedBy, q.payload), await board.lastEventSeq(run.id));
        return entry ? { answers: entry.answers, by: entry.by ?? 'auto' } : null;
      }
    : undefined;
  const started = Date.now();
  const view = { plain: flags.headless === true || flags.json === true || !process.stdout.isTTY || isCiEnv(io.env) };
  const print = async (events: BoardEvent[]): Promise<void> => {
    for (const event of events) {
      await recordAnswerEvent(board, run.id, event, choice.recordTape, questionKey);
      if (choice.replayTape) await failOnTapeMiss(board, run.id, event);
      if (outputClosed) continue;
      if (flags.json) io.stdout(`${safeJson(event)}\n`);
      else {
        const line = progressLine(event);
        if (line && view.plain) io.stdout(`${line}\n`);
      }
    }
  };
  // Batches are handled one after another, in order, whether or not the runtime waits for each.
  let printed: Promise<void> = Promise.resolve();
  const printer = (events: BoardEvent[]): Promise<void> => {
    printed = printed.then(() => print(events));
    return printed;
  };
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr(`\nteam: stopping run ${run.id} (resume it with \`team resume ${run.id}\`)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // The reading end of our output went away (`team start ... | head`): the run stops cleanly, as
  // stopped and resumable, instead of dying as a crash halfway through a step.
  let outputClosed = false;
  const onOutputClosed = () => {
    if (outputClosed) return;
    outputClosed = true;
    io.stderr(`team: the output of run ${run.id} was closed; stopping it (resume it with \`team resume ${run.id}\`)\n`);
    abort.abort(new StopRequest('stopped because its output was closed (the reading end of a pipe went away)'));
  };
  process.on(OUTPUT_CLOSED, onOutputClosed);
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
      driver: DRIVER,
      sandbox: { mode: choice.sandbox.mode, teamHome: teamHome(io.env, io.cwd()) },
      model,
      clock,
      ordered: virtual,
      autoAnswer: flags.autoAnswer === true,
      ...(tapeAnswerer ? { answerer: tapeAnswerer } : {}),
      onEvents: printer,
      signal: abort.signal,
      resumed,
      workerLeaseMs: workerLeaseMs(io.env),
      ...(flags.workersOnly ? { workersOnly: true } : {}),
    });
    await printed;
    ended = true;
    // The finished board stays up (every task done, or what is stuck) until the person leaves it.
    if (live?.showing && !abort.signal.aborted) await live.waitForExit();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.off(OUTPUT_CLOSED, onOutputClosed);
    await live?.close();
  }
  const final = (await board.getRun(run.id)) ?? run;
  if (outputClosed) return 3;
  // An instant run's events are stamped by the virtual clock, so its duration is simulated team time.
  if (flags.json) io.stdout(`${safeJson({ type: 'summary', ...(await summaryJson(board, final, Date.now() - started, virtual)) })}\n`);
  else await printSummary(io, board, final, Date.now() - started, virtual);
  return outcome.status === 'completed' ? 0 : outcome.status === 'stopped' ? 3 : 1;
}

async function recordAnswerEvent(board: Board, runId: number, event: BoardEvent, tape: Tape | undefined, questionKey: (askedBy: string, payload: Question['payload']) => string): Promise<void> {
  if (!tape || event.type !== 'question.answered') return;
  const question = await board.getQuestion(runId, event.payload.question);
  if (question?.answers) tape.recordAnswer(questionKey(question.askedBy, question.payload), question.answers, event.seq, question.answeredBy ?? undefined);
}

/** A replay that has left its tape cannot go on meaningfully: the run fails at once, with the divergence as the reason. */
async function failOnTapeMiss(board: Board, runId: number, event: BoardEvent): Promise<void> {
  if (event.type !== 'member.removed') return;
  const reason = event.payload.reason;
  if (!reason.startsWith('run diverged from tape')) return;
  if ((await board.getRun(runId))?.status === 'running') await board.setRunStatus(runId, 'failed', reason, coordinator);
}
