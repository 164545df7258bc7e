import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { HEARTBEAT_MS, isTerminal } from '../board/liveness.js';
import type { MemberConfig } from '../board/types.js';
import type { Model } from '../models/model.js';
import type { Clock } from '../shared/clock.js';
import { killBashProcessGroups } from '../tools/bash.js';
import { WORKER_LEASE_MS } from './coordinator/leases.js';
import { driveConcurrently, type Outcome } from './driver.js';
import { RuntimeError } from './errors.js';
import { createMember, type MemberRuntime } from './member.js';
import { memberEnvFor, type MemberLimits } from './run.js';
import type { RunSandboxOptions } from './run-sandbox.js';

export interface WorkerOptions extends MemberLimits {
  board: Board;
  runId: number;
  /** The members to run here (names in the run's team). */
  members: readonly string[];
  /** This process as the board records it (`worker pid 12 on gpu-box`). */
  worker: string;
  model: Model;
  clock: Clock;
  /** How long this worker may stay silent before the coordinator takes its members back; it beats at a third of it. */
  leaseMs?: number;
  onEvents?: (events: BoardEvent[]) => void | Promise<void>;
  signal?: AbortSignal;
  pollMs?: number;
  /** A member of this worker whose step makes no progress for this long is out (as in `team start`). */
  memberLeaseMs?: number;
  sandbox?: RunSandboxOptions;
  /** Called once the members are this worker's. */
  onClaimed?: () => void;
}

/** The worker lost members it ran: the coordinator took them back after its beats stopped reaching the board. */
export class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}

/** The run's members a worker should run: named ones, or every member of a role; one line naming what exists when none match. */
export function pickMembers(runId: number, members: readonly MemberConfig[], names: readonly string[] | undefined, role: string | undefined): string[] {
  const own = members.filter((m) => !m.external);
  const listing = own.map((m) => `${m.name} (${m.role})`).join(', ');
  if (names && names.length > 0) {
    for (const name of names) {
      const member = members.find((m) => m.name === name);
      if (!member) throw new RuntimeError(`run ${runId} has no member named ${name}; its members: ${listing}`);
      if (member.external) throw new RuntimeError(`${name} is an open seat of run ${runId}, joined over MCP (team mcp --run ${runId} --as ${name}), not run by a worker`);
    }
    return [...new Set(names)];
  }
  if (role !== undefined) {
    const ofRole = own.filter((m) => m.role === role).map((m) => m.name);
    if (ofRole.length === 0) throw new RuntimeError(`run ${runId} has no member with role ${role}; its members: ${listing}`);
    return ofRole;
  }
  return own.map((m) => m.name);
}

/**
 * Run some of a run's members in this process, with no coordinator of its own: the process that
 * drives the run decides (gates, approvals, budget, completion) and this one only runs members
 * until the run ends. The members are claimed on the board (refused while a live process runs one)
 * and this process beats for them; when the beats stop for the lease, the coordinator takes the
 * members back and their in-progress tasks go back to the pool for another worker.
 */
export async function executeWorker(opts: WorkerOptions): Promise<Outcome> {
  const { board, runId, worker } = opts;
  board.setClock(() => opts.clock.now());
  const run = await board.requireRun(runId);
  if (isTerminal(run.status)) return { status: run.status, reason: run.statusReason };
  const leaseMs = opts.leaseMs ?? WORKER_LEASE_MS;
  const claim = await board.claimMembers(runId, worker, opts.members, leaseMs);
  if (!claim.ok) {
    const ago = claim.beatAt !== null ? Math.max(0, Date.now() - claim.beatAt) : null;
    const beat = ago !== null ? `, heartbeat ${Math.round(ago / 1000)}s ago` : '';
    // A worker killed a moment ago still holds its members until its lease runs out.
    const wait = ago !== null ? `, or if it is gone, try again in ${Math.max(1, Math.ceil((leaseMs - ago) / 1000))}s when its lease runs out` : '';
    throw new RuntimeError(`${claim.member} of run ${runId} is already run by ${claim.worker}${beat}; pick other members, stop that worker first${wait}`);
  }
  opts.onClaimed?.();
  const stop = new AbortController();
  const forward = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', forward, { once: true });
  const beat = setInterval(
    () => {
      void board.beatWorker(runId, worker).then(
        (held) => {
          const lost = opts.members.filter((name) => !held.includes(name));
          if (lost.length > 0) stop.abort(new WorkerLostError(`lost ${lost.join(', ')} of run ${runId}: this worker's heartbeat lapsed and the coordinator gave their tasks to others; start it again`));
        },
        () => undefined,
      );
    },
    Math.max(50, Math.min(HEARTBEAT_MS, Math.floor(leaseMs / 3))),
  );
  try {
    const env = await memberEnvFor(board, run, opts.model, opts.clock, opts.sandbox, opts);
    const config = run.config;
    const members: MemberRuntime[] = [];
    for (const name of opts.members) {
      const cfg = config.members.find((m) => m.name === name);
      if (cfg) members.push(await createMember(env, cfg));
    }
    const outcome = await driveConcurrently({
      board,
      runId,
      members,
      coordinator: null,
      clock: opts.clock,
      signal: stop.signal,
      ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.memberLeaseMs !== undefined ? { leaseMs: opts.memberLeaseMs } : {}),
    });
    // One line for the person, like every other reason a command stops.
    if (stop.signal.reason instanceof WorkerLostError) throw new RuntimeError(stop.signal.reason.message);
    return outcome;
  } finally {
    clearInterval(beat);
    opts.signal?.removeEventListener('abort', forward);
    killBashProcessGroups();
    await board.releaseWorker(runId, worker).catch(() => undefined);
  }
}
