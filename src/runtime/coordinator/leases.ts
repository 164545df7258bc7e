import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board, BoardReads } from '../../board/board.js';
import { workerLapsed } from '../../board/liveness.js';
import type { Member, MemberPatch, Run } from '../../board/types.js';

/** A member in the middle of a step, and since when (the run's clock). */
export interface BusyMember {
  name: string;
  since: number;
}

/** When a busy member's lease runs out: its last heartbeat (never before it became busy) plus the lease. */
export interface LeaseDeadline {
  name: string;
  at: number;
}

export interface LeaseWatch {
  readonly leaseMs: number;
  /**
   * The deadlines of the busy members, earliest first, read from their heartbeats on the board; a
   * member whose deadline is before `now` has made no progress for longer than the lease. Returns
   * [] without reading while no lease can have run out yet.
   */
  deadlines(busy: readonly BusyMember[], now: number): Promise<LeaseDeadline[]>;
}

/**
 * Leases on the run's clock (a virtual one for instant runs): members write a heartbeat at every
 * step (a model call, a tool call), and one that has not for `leaseMs` is declared dead by the driver.
 */
export function createLeaseWatch(board: Pick<BoardReads, 'listMembers'>, runId: number, leaseMs: number): LeaseWatch {
  // Heartbeats only move forward and a member becomes busy after the last read, so no lease can
  // run out before the earliest deadline seen then: until that time the board need not be read.
  let nextCheck = Number.NEGATIVE_INFINITY;
  return {
    leaseMs,
    async deadlines(busy, now) {
      if (busy.length === 0) {
        nextCheck = now + leaseMs;
        return [];
      }
      if (now < nextCheck) return [];
      const beats = new Map((await board.listMembers(runId)).map((m) => [m.name, m.heartbeatAt]));
      const due = busy
        .map((b) => ({ name: b.name, at: Math.max(beats.get(b.name) ?? b.since, b.since) + leaseMs }))
        .sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
      nextCheck = due[0]?.at ?? now + leaseMs;
      return due;
    },
  };
}

/** `300 ms`, `15 s`: the lease as the member's removal reason says it. */
export function describeLease(leaseMs: number): string {
  return leaseMs < 1000 ? `${leaseMs} ms` : `${Math.round(leaseMs / 1000)} s`;
}

/**
 * Members run from outside teamboard (MCP clients, `team mcp`) beat every few seconds for as long
 * as their client is connected, whatever they are doing; one silent for this long has gone without
 * saying so (its process was killed, its machine lost).
 */
export const EXTERNAL_LEASE_MS = 30_000;

export interface ExternalLeases {
  /** Take out the external members whose heartbeat is older than the lease; returns their names. `known`: the run as the driver last read it. */
  expire(known?: Run): Promise<string[]>;
  /** How often `expire` reads the board: a driver that waits for changes looks at least this often. */
  readonly everyMs: number;
}

const LIVE: readonly string[] = ['idle', 'working', 'waiting'];

/**
 * Leases of external members, on the wall clock (their heartbeats are written by other processes,
 * whatever clock this run uses). An expired one is marked dead and its in-progress tasks go back
 * to the pool with a note, as for a member of the run's own; its seat stays open to join again.
 */
export function createExternalLeases(board: Board, runId: number, leaseMs: number = EXTERNAL_LEASE_MS, now: () => number = Date.now): ExternalLeases {
  return createRemoteLeases(board, runId, leaseMs, now, {
    possible: (run) => run.config.members.some((m) => m.external),
    watched: (run) => new Set(run.config.members.filter((m) => m.external).map((m) => m.name)),
    stale: (m, at) => LIVE.includes(m.status) && (m.heartbeatAt === null || at - m.heartbeatAt > leaseMs),
    reason: () => `no heartbeat from its MCP client for ${describeLease(leaseMs)}: lease expired`,
    patch: {},
  });
}

/** How long a `team worker` may stay silent before its members are taken back (TEAM_WORKER_LEASE_MS). */
export const WORKER_LEASE_MS = 15_000;

/**
 * Leases of the processes that run members (`team worker`), on the wall clock: a worker beats for
 * its members every few seconds; when it has not for `leaseMs` (killed, its machine lost), each of
 * its members is marked dead and let go of, and their in-progress tasks go back to the pool with
 * `attempt + 1` and a note, for another worker to take. Members run by the run's own driver are
 * not watched here: when the driver stops beating the run is crashed, and `team resume` takes over.
 */
export function createWorkerLeases(board: Board, runId: number, leaseMs: number = WORKER_LEASE_MS, now: () => number = Date.now): ExternalLeases {
  return createRemoteLeases(board, runId, leaseMs, now, {
    possible: (run) => run.config.members.some((m) => !m.external),
    watched: (run, members) => new Set(members.filter((m) => m.worker !== null && m.worker !== run.driver).map((m) => m.name)),
    stale: (m, at) => m.worker !== null && workerLapsed(m, at, leaseMs),
    reason: (m) => `its worker (${m.worker ?? 'gone'}) sent no heartbeat for ${describeLease(leaseMs)}: lease expired`,
    patch: { worker: null },
  });
}

interface RemoteKind {
  /** Whether the run's team can have a member this lease watches (else the members are not read). */
  possible(run: Run): boolean;
  /** The members this lease watches. */
  watched(run: Run, members: readonly Member[]): Set<string>;
  stale(member: Member, now: number): boolean;
  reason(member: Member): string;
  /** Set on the member with its death. */
  patch: MemberPatch;
}

/** Members beating from other processes: one that went silent is dead, its tasks back in the pool. Read at most every quarter lease (and once a second). */
function createRemoteLeases(board: Board, runId: number, leaseMs: number, now: () => number, kind: RemoteKind): ExternalLeases {
  const every = Math.min(1000, Math.max(1, Math.floor(leaseMs / 4)));
  let nextLook = Number.NEGATIVE_INFINITY;
  return {
    everyMs: every,
    async expire(known) {
      if (now() < nextLook) return [];
      nextLook = now() + every;
      const run = known ?? (await board.requireRun(runId));
      if (!kind.possible(run)) return [];
      const members = await board.listMembers(runId);
      const watched = kind.watched(run, members);
      if (watched.size === 0) return [];
      const candidates = members.filter((m) => watched.has(m.name) && kind.stale(m, now())).map((m) => m.name);
      const expired: string[] = [];
      for (const name of candidates) {
        const out = await board.transaction(async (tx) => {
          // Read again: it may have beaten since.
          const member = await tx.getMember(runId, name);
          if (!member || !kind.stale(member, now())) return false;
          const reason = kind.reason(member);
          for (const task of await tx.tasksOwnedBy(runId, name)) await tx.releaseTask(runId, task.id, `${name} died: ${reason}`, coordinatorActor);
          await tx.appendEvent(runId, coordinatorActor, { type: 'member.removed', payload: { member: name, state: 'dead', reason } });
          await tx.updateMember(runId, name, { status: 'dead', currentTask: null, step: null, ...kind.patch }, coordinatorActor);
          return true;
        });
        if (out) expired.push(name);
      }
      return expired;
    },
  };
}
