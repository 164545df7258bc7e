import os from 'node:os';
import path from 'node:path';
import { isTerminal } from '../board/liveness.js';
import { BoardError } from '../board/errors.js';
import type { BoardEvent } from '../board/events.js';
import type { RunStatus } from '../board/types.js';
import { realClock } from '../shared/clock.js';
import { teamHome } from '../shared/paths.js';
import { RuntimeError } from '../runtime/errors.js';
import { WORKER_LEASE_MS } from '../runtime/coordinator/leases.js';
import { chooseSandbox, runUsesBash } from '../runtime/sandbox-choice.js';
import { executeWorker, pickMembers } from '../runtime/worker.js';
import { checkWorkspaceMarker } from '../runtime/workspace-marker.js';
import { openBoardFor, parseRunId } from './board-access.js';
import type { CommandIO } from './io.js';
import { progressLine } from './progress.js';
import { safeJson } from './safe-text.js';

export interface WorkerFlags {
  run: string;
  members?: string;
  role?: string;
  speed?: string;
  instant?: boolean;
  json?: boolean;
  /** false with --no-sandbox. */
  sandbox?: boolean;
}

/** This process as the board records it: a person (or another machine) can tell which worker runs a member. */
const WORKER = `worker pid ${process.pid} on ${os.hostname()}`;

/**
 * How long a worker may stay silent before the coordinator takes its members back:
 * TEAM_WORKER_LEASE_MS (milliseconds), else WORKER_LEASE_MS. The run's driver and its workers must agree.
 */
export function workerLeaseMs(env: NodeJS.ProcessEnv): number {
  const text = env.TEAM_WORKER_LEASE_MS;
  if (text === undefined || text === '') return WORKER_LEASE_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 100) throw new BoardError('invalid', `TEAM_WORKER_LEASE_MS must be a whole number of milliseconds >= 100, got "${text}"`);
  return value;
}

function speedOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.001) throw new BoardError('invalid', `--speed must be a number >= 0.001, got "${text}"`);
  return value;
}

/** The exit code for how the run (or this worker) ended: 0 completed, 1 failed, 3 stopped. */
function exitCode(status: RunStatus): number {
  return status === 'completed' ? 0 : status === 'failed' ? 1 : 3;
}

/** `team worker --run N [--members a,b | --role R]`: run some of a run's members here until the run ends. */
export async function worker(io: CommandIO, flags: WorkerFlags, boardOption?: string): Promise<number> {
  const runId = parseRunId(flags.run);
  if (flags.members !== undefined && flags.role !== undefined) throw new BoardError('invalid', 'give --members or --role, not both');
  const names = flags.members
    ?.split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  const leaseMs = workerLeaseMs(io.env);
  const speed = speedOf(flags.speed);
  const board = await openBoardFor(io, { board: boardOption, mustExist: true });
  try {
    const run = await board.requireRun(runId);
    if (isTerminal(run.status)) {
      io.stderr(`team: run ${run.id} already ${run.status}; nothing to run\n`);
      return exitCode(run.status);
    }
    if (run.backend === 'replay') throw new RuntimeError('a replayed run is played by one process; workers cannot run its members');
    const members = pickMembers(run.id, run.config.members, names, flags.role);
    checkWorkspaceMarker(run);
    const sandbox = await chooseSandbox({ backend: run.backend, noSandbox: flags.sandbox === false, usesBash: runUsesBash(run.config) });
    if (sandbox.notice) io.stderr(`${sandbox.notice}\n`);
    const { createModel } = await import('./model-factory.js');
    const model = createModel({ backend: run.backend, seed: run.seed, clock: realClock, speed, instant: flags.instant === true, env: io.env });
    const abort = new AbortController();
    const onSignal = () => {
      if (abort.signal.aborted) process.exit(130);
      io.stderr(`\nteam: worker leaving run ${run.id}; its members wait for the next worker to run them\n`);
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let printed: Promise<void> = Promise.resolve();
    const print = (events: BoardEvent[]): Promise<void> => {
      printed = printed.then(() => {
        for (const event of events) {
          if (flags.json) io.stdout(`${safeJson(event)}\n`);
          else {
            const line = progressLine(event);
            if (line) io.stdout(`${line}\n`);
          }
        }
      });
      return printed;
    };
    try {
      // Each worker keeps its own record of the commands it started (a replacement for the same members kills what a killed one left).
      const stateHome = path.join(teamHome(io.env, io.cwd()), 'workers', `run-${run.id}-${members.join('-')}`);
      const outcome = await executeWorker({
        board,
        runId: run.id,
        members,
        worker: WORKER,
        model,
        clock: realClock,
        leaseMs,
        onEvents: print,
        signal: abort.signal,
        sandbox: { mode: sandbox.mode, teamHome: stateHome },
        onClaimed: () => {
          if (!flags.json) io.stderr(`team: ${WORKER} runs ${members.join(', ')} of run ${run.id} (${run.team}) on ${board.location}; workspace ${run.workspace}\n`);
        },
      });
      await printed;
      const final = (await board.getRun(run.id)) ?? run;
      const status = isTerminal(final.status) ? final.status : outcome.status;
      if (!flags.json) io.stderr(`team: run ${run.id} ${isTerminal(final.status) ? `${final.status}${final.statusReason ? `: ${final.statusReason}` : ''}` : 'goes on without this worker'}\n`);
      return exitCode(status);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    await board.close().catch(() => undefined);
  }
}
