import fs from 'node:fs';
import { coordinator as coordinatorActor } from '../board/actor.js';
import { reopenOnResume } from './coordinator/reopen.js';
import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { HEARTBEAT_MS } from '../board/liveness.js';
import type { Run } from '../board/types.js';
import type { Model } from '../models/model.js';
import type { Clock } from '../shared/clock.js';
import { killBashProcessGroups } from '../tools/bash.js';
import { createCoordinator, type Answerer } from './coordinator.js';
import { autoStuckAnswers } from './coordinator/stuck.js';
import { driveConcurrently, driveInOrder, type Outcome } from './driver.js';
import { DriveLostError, RuntimeError } from './errors.js';
import { WORKER_LEASE_MS } from './coordinator/leases.js';
import { createMember, type MemberEnv, type MemberRuntime } from './member.js';
import { autoAnswers } from './permissions.js';
import { RESUMED } from './prompt.js';
import { prepareRunSandbox, type RunSandboxOptions } from './run-sandbox.js';
import { persist } from './transcript.js';

export interface ExecuteOptions {
  board: Board;
  runId: number;
  model: Model;
  clock: Clock;
  /** One step at a time in a fixed order (deterministic); otherwise every member runs at once. */
  ordered: boolean;
  autoAnswer?: boolean;
  /** Answers from a replay tape, tried before auto-answer. */
  answerer?: Answerer;
  /** Sees every event of the run in order; the driver waits for what it returns before reading on. */
  onEvents?: (events: BoardEvent[]) => void | Promise<void>;
  signal?: AbortSignal;
  resumed?: boolean;
  maxTurns?: number;
  compactAfter?: number;
  maxTokens?: number;
  pollMs?: number;
  leaseMs?: number;
  /** The lease of members run from outside teamboard (MCP clients); see EXTERNAL_LEASE_MS. */
  externalLeaseMs?: number;
  /** The ordered driver's lease on the wall clock (default: leaseMs); see DriveOptions. */
  wallLeaseMs?: number;
  /** Who drives the run, as the board records it (default: this process). */
  driver?: string;
  /** How Bash commands run (default: in the bubblewrap sandbox); see src/runtime/run-sandbox.ts. */
  sandbox?: RunSandboxOptions;
  /** Run no member here: `team worker` processes run them all (`team start --workers-only`). */
  workersOnly?: boolean;
  /** How long a `team worker` may stay silent before its members are taken back (default WORKER_LEASE_MS). */
  workerLeaseMs?: number;
}

/**
 * Run (or resume) a prepared run until it completes, fails or is stopped. Driving is exclusive:
 * the run is claimed on the board, its heartbeat written while it runs, and released at the end.
 */
export async function executeRun(opts: ExecuteOptions): Promise<Outcome> {
  const { board, runId, clock } = opts;
  board.setClock(() => clock.now());
  const driver = opts.driver ?? `pid ${process.pid}`;
  const claim = await board.claimRun(runId, driver, process.pid, coordinatorActor);
  if (!claim.ok) {
    throw new RuntimeError(`run ${runId} is driven by ${claim.driver}${claim.pid !== null ? ` (process ${claim.pid})` : ''}; stop it first with \`team stop ${runId}\`, or wait until it ends`);
  }
  const drive = new AbortController();
  // The caller's reason goes with it: a StopRequest's message is the reason the run records.
  const forward = () => drive.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', forward, { once: true });
  if (opts.signal?.aborted) drive.abort(opts.signal.reason);
  // The driver's heartbeat is wall-clock time (other processes compare it with theirs), whatever
  // clock the run uses; it beats for the members it runs too, so no `team worker` takes them.
  const beat = setInterval(() => {
    void board.beatRun(runId, driver).then(
      async (still) => {
        if (!still) drive.abort(new DriveLostError(`another process took run ${runId} over`));
        else if (!opts.workersOnly) await board.beatWorker(runId, driver);
      },
      () => undefined,
    );
  }, HEARTBEAT_MS);
  try {
    return await driveRun({ ...opts, driver }, drive.signal);
  } finally {
    clearInterval(beat);
    opts.signal?.removeEventListener('abort', forward);
    killBashProcessGroups();
    await board.releaseWorker(runId, driver).catch(() => undefined);
    await board.releaseRun(runId, driver);
  }
}

export interface MemberLimits {
  maxTurns?: number;
  compactAfter?: number;
  maxTokens?: number;
}

/** What every member of a run shares in this process: the board, the model, the clock, the workspace and its sandbox. */
export async function memberEnvFor(board: Board, run: Run, model: Model, clock: Clock, sandbox: RunSandboxOptions | undefined, limits: MemberLimits): Promise<MemberEnv> {
  return {
    board,
    runId: run.id,
    model,
    clock,
    workspace: fs.realpathSync(run.workspace),
    config: run.config,
    backend: run.backend,
    maxTurns: limits.maxTurns ?? 200,
    compactAfter: limits.compactAfter ?? 40,
    maxTokens: limits.maxTokens ?? 8192,
    sandbox: await prepareRunSandbox(board, run, sandbox),
  };
}

async function driveRun(opts: ExecuteOptions & { driver: string }, signal: AbortSignal): Promise<Outcome> {
  const { board, runId, clock } = opts;
  const run = await board.requireRun(runId);
  const config = run.config;
  const env = await memberEnvFor(board, run, opts.model, clock, opts.sandbox, opts);
  const fromSeq = opts.resumed ? run.eventCursor : 0;
  if (opts.resumed) await reopenOnResume(board, run);
  if (opts.resumed && run.status !== 'running') await board.setRunStatus(runId, 'running', 'resumed', coordinatorActor);

  // External members (open seats, MCP clients) are run by their own clients, and with
  // --workers-only every member is run by `team worker` processes: none of those here.
  const local = opts.workersOnly ? [] : config.members.filter((cfg) => !cfg.external);
  if (local.length > 0) await board.claimMembers(runId, opts.driver, local.map((cfg) => cfg.name), opts.workerLeaseMs ?? WORKER_LEASE_MS);
  const members: MemberRuntime[] = [];
  for (const cfg of local) members.push(await createMember(env, cfg));
  if (opts.resumed) {
    await board.appendEvent(runId, coordinatorActor, { type: 'run.resumed', payload: { members: members.map((m) => `${m.cfg.name}:${m.state}`), driver: opts.driver ?? `pid ${process.pid}` } });
    for (const m of members) {
      if (m.state === 'idle' || m.state === 'active') await noteResume(m);
    }
  }
  const answerer = answererFor(opts);
  const coordinator = createCoordinator({
    board,
    runId,
    ...(answerer ? { answerer } : {}),
    ...(opts.externalLeaseMs !== undefined ? { externalLeaseMs: opts.externalLeaseMs } : {}),
    ...(opts.workerLeaseMs !== undefined ? { workerLeaseMs: opts.workerLeaseMs } : {}),
  });

  const drive = opts.ordered && !opts.workersOnly ? driveInOrder : driveConcurrently;
  return drive({
    board,
    runId,
    members,
    coordinator,
    clock,
    fromSeq,
    signal,
    ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.wallLeaseMs !== undefined ? { wallLeaseMs: opts.wallLeaseMs } : {}),
  });
}

/** The tape's recorded answer when it has one, else the recommended options with --auto-answer. */
function answererFor(opts: ExecuteOptions): Answerer | undefined {
  const { answerer: tape, autoAnswer } = opts;
  if (!tape && !autoAnswer) return undefined;
  return async (question) => {
    const recorded = tape ? await tape(question) : null;
    if (recorded) return recorded;
    if (!autoAnswer) return null;
    if (question.kind === 'stuck') return { answers: await autoStuckAnswers(opts.board, opts.runId, question), by: 'auto' };
    return { answers: autoAnswers(question), by: 'auto' };
  };
}

/** A resumed member that had gone idle, or whose turn ended cleanly, is told what happened. */
async function noteResume(member: MemberRuntime): Promise<void> {
  const last = member.messages[member.messages.length - 1];
  if (member.partial) return;
  if (last?.role === 'assistant') {
    member.messages.push({ role: 'user', content: RESUMED });
    member.state = 'active';
    await persist(member);
  }
}

export type { Outcome, Run };
