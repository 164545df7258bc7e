import type { RunState } from './snapshot.js';
import type { Member, Run } from './types.js';

/** How often the process driving a run (and each worker) writes its heartbeat (TEAM_HEARTBEAT_MS overrides it). */
export const HEARTBEAT_MS = fromEnv('TEAM_HEARTBEAT_MS', 3_000);
/** A driver silent for this long is gone: its run shows as crashed and another process may take it over (TEAM_CRASH_AFTER_MS overrides it). */
export const CRASH_AFTER_MS = fromEnv('TEAM_CRASH_AFTER_MS', 12_000);

/**
 * The two overrides let a test see a killed run crashed in seconds rather than wait out the real
 * threshold. Every process that drives or reads the run must get the same values, and the crash
 * threshold must stay several heartbeats long. Anything but whole milliseconds >= 100 is ignored.
 */
function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] || undefined);
  return Number.isInteger(value) && value >= 100 ? value : fallback;
}

/** The run's status as a person should see it: a live status whose driver stopped beating is `crashed`. */
export function runState(run: Pick<Run, 'status' | 'heartbeatAt' | 'driver'>, now: number): RunState {
  if (run.status !== 'running' && run.status !== 'paused') return run.status;
  // A run nobody ever drove (an ad-hoc board made by `team tasks create`) is just its status.
  if (run.driver === null && run.heartbeatAt === null) return run.status;
  if (run.driver === null) return 'crashed';
  return run.heartbeatAt === null || now - run.heartbeatAt > CRASH_AFTER_MS ? 'crashed' : run.status;
}

/** Whether a driver's claim on a run has lapsed (nobody beats for it). */
export function driverLapsed(run: Pick<Run, 'driver' | 'heartbeatAt'>, now: number): boolean {
  return run.driver === null || run.heartbeatAt === null || now - run.heartbeatAt > CRASH_AFTER_MS;
}

/** Whether the process running a member (a `team worker`) stopped beating for longer than the lease, or none runs it. */
export function workerLapsed(member: Pick<Member, 'worker' | 'workerBeatAt'>, now: number, leaseMs: number): boolean {
  return member.worker === null || member.workerBeatAt === null || now - member.workerBeatAt > leaseMs;
}

/**
 * The `team worker` processes (not the run's own driver) still beating for the run's members, when
 * they run every one of `local` (the members a driver would run itself); empty otherwise, since a
 * driver resumed with --workers-only would then leave the others unrun.
 */
export function liveWorkers(run: Pick<Run, 'driver'>, members: readonly Pick<Member, 'name' | 'worker' | 'workerBeatAt'>[], local: ReadonlySet<string>, now: number): string[] {
  const held = members.filter((m) => m.worker !== null && m.worker !== run.driver && !workerLapsed(m, now, CRASH_AFTER_MS));
  if (local.size === 0 || [...local].some((name) => !held.some((m) => m.name === name))) return [];
  return [...new Set(held.flatMap((m) => (m.worker !== null ? [m.worker] : [])))];
}

const TERMINAL: readonly string[] = ['completed', 'failed', 'stopped'];

/** Completed, failed and stopped runs are over; running and paused ones are not. */
export function isTerminal(status: Run['status']): boolean {
  return TERMINAL.includes(status);
}
