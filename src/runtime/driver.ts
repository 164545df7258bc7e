import { coordinator as coordinatorActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { listEvents, lastEventSeq, type BoardEvent } from '../board/events.js';
import { heartbeat } from '../board/members.js';
import { hasUnread } from '../board/messages.js';
import { getRun, isTerminal, setRunStatus, updateRun, type Run } from '../board/runs.js';
import { listTasks } from '../board/views.js';
import type { RunStatus } from '../../db/schema.js';
import { ModelError } from '../models/model.js';
import type { Clock } from '../shared/clock.js';
import type { Coordinator } from './coordinator.js';
import { act, canThink, deliverAnswer, runPendingCalls, setStatus, stopMember, think, wake, type MemberRuntime } from './member.js';
import { isVirtual } from './virtual-clock.js';

export interface DriveOptions {
  board: Board;
  runId: number;
  members: MemberRuntime[];
  coordinator: Coordinator;
  clock: Clock;
  onEvents?: (events: BoardEvent[]) => void;
  signal?: AbortSignal;
  /** How often to look for changes made by other processes (answers, stop, pause). */
  pollMs?: number;
  /** A member busy for longer than this without finishing a step is declared dead. */
  leaseMs?: number;
  /** Read events from this sequence number on (resume re-reads nothing already handled). */
  fromSeq?: number;
}

export interface Outcome {
  status: RunStatus;
  reason: string | null;
}

const WAKE_EVENTS = new Set(['task.completed', 'task.created', 'task.released', 'task.updated', 'task.deleted', 'gate.passed', 'gate.overridden', 'message.sent', 'run.running']);

/** Reads new board events, lets the coordinator act on them, delivers answers and wakes idle members. */
export function createPump(opts: DriveOptions) {
  const { board, runId, members, coordinator } = opts;
  let lastSeq = opts.fromSeq ?? lastEventSeq(board, runId);
  return function pump(): void {
    for (let round = 0; round < 50; round++) {
      const events = listEvents(board, runId, lastSeq);
      if (events.length === 0) return;
      lastSeq = (events[events.length - 1] as BoardEvent).seq;
      opts.onEvents?.(events);
      coordinator.handle(events);
      updateRun(board, runId, { eventCursor: lastSeq });
      let wakeNeeded = false;
      for (const event of events) {
        if (event.type === 'question.answered' || event.type === 'question.cancelled') {
          const id = Number(event.payload.question);
          for (const m of members) if (m.state === 'waiting') deliverAnswer(m, id);
        }
        if (WAKE_EVENTS.has(event.type)) wakeNeeded = true;
      }
      if (wakeNeeded) wakeIdle(board, runId, members);
    }
  };
}

/** Wake idle members who now have something to do; at most one member per claimable task. */
export function wakeIdle(board: Board, runId: number, members: MemberRuntime[]): void {
  const idle = members.filter((m) => m.state === 'idle');
  if (idle.length === 0) return;
  const open = listTasks(board, runId).filter((t) => t.status === 'pending' && t.blockedBy.length === 0 && !t.gate);
  const promised = new Set<number>();
  for (const m of idle) {
    const task = open.find((t) => !promised.has(t.id) && !m.offered.has(t.id) && (!t.owner || t.owner === m.cfg.name) && (!t.role || t.role === m.cfg.role));
    if (task) {
      promised.add(task.id);
      m.offered.add(task.id);
      wake(m, `The board changed: task #${task.id} "${task.subject}" is ready and you may take it.`);
    } else if (hasUnread(board, runId, m.cfg.name)) {
      wake(m, 'You have new messages from your team.');
    }
  }
}

function liveView(members: MemberRuntime[]) {
  return members.map((m) => ({ name: m.cfg.name, role: m.cfg.role, state: m.state }));
}

function outcomeOf(board: Board, runId: number): Outcome | null {
  return outcomeOfRun(getRun(board, runId));
}

function outcomeOfRun(run: Run | undefined): Outcome | null {
  if (!run) return { status: 'failed', reason: 'the run disappeared from the board' };
  return isTerminal(run.status) ? { status: run.status, reason: run.statusReason } : null;
}

const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function failMember(member: MemberRuntime, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const fatal = error instanceof ModelError && !error.retryable;
  stopMember(member, message, fatal ? 'stopped' : 'dead');
}

/**
 * One member step at a time, in order of (virtual time, member order): the same seed and the
 * same answers give the same run, event for event. Used for --instant and benchmarks.
 */
export async function driveInOrder(opts: DriveOptions): Promise<Outcome> {
  const { board, runId, members, coordinator, clock } = opts;
  const pump = createPump(opts);
  const pollMs = opts.pollMs ?? 100;
  const order = new Map(members.map((m, i) => [m.cfg.name, i]));
  wakeIdle(board, runId, members);
  for (;;) {
    pump();
    const run = getRun(board, runId);
    const done = outcomeOfRun(run);
    if (done) return done;
    if (opts.signal?.aborted) return finish(stopRun(board, runId, 'stopped from the terminal'));
    if (run?.status === 'paused') {
      await realSleep(pollMs);
      continue;
    }
    coordinator.check();
    pump();
    const ready = members
      .filter((m) => m.state === 'active')
      .sort((a, b) => a.nextAt - b.nextAt || (order.get(a.cfg.name) ?? 0) - (order.get(b.cfg.name) ?? 0));
    const member = ready[0];
    if (member) {
      if (isVirtual(clock)) clock.advanceTo(member.nextAt);
      await stepInOrder(member, clock);
      continue;
    }
    if (members.some((m) => m.state === 'waiting')) {
      await realSleep(pollMs);
      continue;
    }
    const settled = coordinator.settle(liveView(members));
    if (settled) return finish(outcomeOf(board, runId) ?? { status: settled, reason: null });
    await realSleep(pollMs);
  }

  /** The run's last events (run.completed, run.failed, run.stopped) reach onEvents too. */
  function finish(outcome: Outcome): Outcome {
    pump();
    return outcome;
  }
}

async function stepInOrder(member: MemberRuntime, clock: Clock): Promise<void> {
  try {
    if (member.pending) {
      const response = member.pending;
      member.pending = null;
      await act(member, response);
      member.nextAt = clock.now();
      // The board may have changed while it was thinking: a wake sent then would have been lost.
      if (member.state === 'idle') wakeIdle(member.env.board, member.env.runId, [member]);
      return;
    }
    if (member.partial) {
      await runPendingCalls(member);
      return;
    }
    if (!canThink(member)) {
      setStatus(member, 'idle');
      return;
    }
    const response = await think(member);
    member.pending = response;
    member.nextAt = clock.now() + (response.latencyMs ?? 0);
  } catch (error) {
    failMember(member, error);
  }
}

/**
 * Every member runs at once in real time (real models, or the simulated one at --speed). A
 * coordinator loop watches the board, answers, stop/pause requests and leases.
 */
export async function driveConcurrently(opts: DriveOptions): Promise<Outcome> {
  const { board, runId, members, coordinator } = opts;
  const pump = createPump(opts);
  const pollMs = opts.pollMs ?? 100;
  const leaseMs = opts.leaseMs ?? 15 * 60_000;
  const busy = new Map<string, { since: number; abort: AbortController }>();
  /** Members whose lease ran out: a model call that never settles must not keep the run open. */
  const expired = new Set<string>();
  let finished = false;

  const loops = members.map(async (member) => {
    while (!finished) {
      const run = getRun(board, runId);
      const runnable = run?.status === 'running' && (member.partial ? member.state === 'active' : canThink(member));
      if (!runnable) {
        if (member.state === 'active' && !member.partial && !canThink(member)) setStatus(member, 'idle');
        await realSleep(pollMs);
        continue;
      }
      const abort = new AbortController();
      busy.set(member.cfg.name, { since: Date.now(), abort });
      const beat = setInterval(() => heartbeat(board, runId, [member.cfg.name]), 5_000);
      try {
        if (member.partial) await runPendingCalls(member);
        else {
          const response = await think(member, abort.signal);
          // A reply that comes after the lease expired (or the run ended) is dropped: the member is out.
          if (!abort.signal.aborted) await act(member, response);
        }
        if (member.state === 'idle') wakeIdle(board, runId, [member]);
      } catch (error) {
        if (!finished && !abort.signal.aborted) failMember(member, error);
      } finally {
        clearInterval(beat);
        if (busy.get(member.cfg.name)?.abort === abort) busy.delete(member.cfg.name);
      }
    }
  });

  wakeIdle(board, runId, members);
  let outcome: Outcome | null = null;
  while (!outcome) {
    pump();
    outcome = outcomeOf(board, runId);
    if (outcome) break;
    if (opts.signal?.aborted) {
      outcome = stopRun(board, runId, 'stopped from the terminal');
      break;
    }
    if (getRun(board, runId)?.status === 'running') {
      coordinator.check();
      pump();
      for (const [name, info] of busy) {
        if (Date.now() - info.since <= leaseMs) continue;
        info.abort.abort();
        busy.delete(name);
        expired.add(name);
        const member = members.find((m) => m.cfg.name === name);
        const lease = leaseMs < 1000 ? `${leaseMs} ms` : `${Math.round(leaseMs / 1000)} s`;
        if (member) stopMember(member, `no progress for ${lease}: lease expired`, 'dead');
      }
      // Wake whoever can take a released task before deciding that nobody can make progress.
      if (expired.size > 0) pump();
      const quiet = busy.size === 0 && members.every((m) => m.state !== 'active' && m.state !== 'waiting');
      if (quiet) {
        const settled = coordinator.settle(liveView(members));
        if (settled) outcome = outcomeOf(board, runId) ?? { status: settled, reason: null };
      }
    }
    if (!outcome) await realSleep(pollMs);
  }
  finished = true;
  for (const info of busy.values()) info.abort.abort();
  await Promise.allSettled(loops.filter((_, i) => !expired.has(members[i]?.cfg.name ?? '')));
  pump();
  return outcome;
}

function stopRun(board: Board, runId: number, reason: string): Outcome {
  setRunStatus(board, runId, 'stopped', reason, coordinatorActor);
  return { status: 'stopped', reason };
}
