import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board, BoardReads } from '../../board/board.js';
import type { Member } from '../../board/types.js';

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
  /** Take out the external members whose heartbeat is older than the lease; returns their names. */
  expire(): Promise<string[]>;
}

const LIVE: readonly string[] = ['idle', 'working', 'waiting'];

/**
 * Leases of external members, on the wall clock (their heartbeats are written by other processes,
 * whatever clock this run uses). An expired one is marked dead and its in-progress tasks go back
 * to the pool with a note, as for a member of the run's own; its seat stays open to join again.
 * The board is read at most every quarter lease (and at most once a second).
 */
export function createExternalLeases(board: Board, runId: number, leaseMs: number = EXTERNAL_LEASE_MS, now: () => number = Date.now): ExternalLeases {
  const every = Math.min(1000, Math.max(1, Math.floor(leaseMs / 4)));
  let nextLook = Number.NEGATIVE_INFINITY;
  return {
    async expire() {
      if (now() < nextLook) return [];
      nextLook = now() + every;
      const run = await board.requireRun(runId);
      const external = new Set(run.config.members.filter((m) => m.external).map((m) => m.name));
      if (external.size === 0) return [];
      const stale = (m: Member) => external.has(m.name) && LIVE.includes(m.status) && (m.heartbeatAt === null || now() - m.heartbeatAt > leaseMs);
      const candidates = (await board.listMembers(runId)).filter(stale).map((m) => m.name);
      const expired: string[] = [];
      for (const name of candidates) {
        const reason = `no heartbeat from its MCP client for ${describeLease(leaseMs)}: lease expired`;
        const out = await board.transaction(async (tx) => {
          // Read again: the client may have beaten since.
          const member = await tx.getMember(runId, name);
          if (!member || !stale(member)) return false;
          for (const task of await tx.tasksOwnedBy(runId, name)) await tx.releaseTask(runId, task.id, `${name} died: ${reason}`, coordinatorActor);
          await tx.appendEvent(runId, coordinatorActor, { type: 'member.removed', payload: { member: name, state: 'dead', reason } });
          await tx.updateMember(runId, name, { status: 'dead', currentTask: null, step: null }, coordinatorActor);
          return true;
        });
        if (out) expired.push(name);
      }
      return expired;
    },
  };
}
