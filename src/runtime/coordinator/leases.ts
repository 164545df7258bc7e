import type { BoardReads } from '../../board/board.js';

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
