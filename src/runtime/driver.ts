import { coordinator as coordinatorActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import type { BoardEvent, EventType } from '../board/events.js';
import { HEARTBEAT_MS, isTerminal } from '../board/liveness.js';
import type { Run, RunStatus } from '../board/types.js';
import { ModelError } from '../models/model.js';
import type { Clock } from '../shared/clock.js';
import { readTaskView } from '../tools/task-view.js';
import type { Coordinator, LiveMember } from './coordinator.js';
import { createLeaseWatch, describeLease, type BusyMember } from './coordinator/leases.js';
import { act, canThink, deliverAnswer, runPendingCalls, setStatus, stopMember, think, wake, type MemberRuntime } from './member.js';
import { DriveLostError, RuntimeError, StopRequest } from './errors.js';
import { checkHolding, wakeForDecision } from './stuck-members.js';
import { isVirtual } from './virtual-clock.js';

export interface DriveOptions {
  board: Board;
  runId: number;
  members: MemberRuntime[];
  /**
   * The run's referee; null in a `team worker`, which only runs its members: it never decides,
   * never moves the run's event cursor and never changes the run's status (the driver does).
   */
  coordinator: Coordinator | null;
  clock: Clock;
  /** Sees every event of the run in order; the driver waits for what it returns before reading on. */
  onEvents?: (events: BoardEvent[]) => void | Promise<void>;
  signal?: AbortSignal;
  /** How long to wait for changes made by other processes (answers, stop, pause) before looking anyway. */
  pollMs?: number;
  /** A busy member whose heartbeat is older than this (on the run's clock) is declared dead. */
  leaseMs?: number;
  /**
   * The ordered driver's lease on the wall clock (default: leaseMs): its run clock may be virtual
   * and stands still while a step hangs for real, so a member stuck in a model call or a command
   * is caught by the time that really passed since its last heartbeat.
   */
  wallLeaseMs?: number;
  /** Read events after this sequence number (a resume re-reads nothing already handled); default: from now on. */
  fromSeq?: number;
}

export interface Outcome {
  status: RunStatus;
  reason: string | null;
}

export const DEFAULT_LEASE_MS = 15 * 60_000;

const WAKE_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'task.completed',
  'task.created',
  'task.released',
  'task.updated',
  'task.deleted',
  'gate.passed',
  'gate.overridden',
  'message.sent',
  'run.running',
]);

/**
 * Events that change nothing the coordinator's checks and its settling read (commands run, what a
 * member said, messages, retries): a look that saw only these leaves them out. Most of a run's
 * events are these.
 */
const CHATTER: ReadonlySet<EventType> = new Set<EventType>(['tool.called', 'member.said', 'model.retrying', 'message.sent']);

export interface Pump {
  /** Read and handle the run's new events; returns how many there were, not counting CHATTER. */
  (): Promise<number>;
  /** Write the coordinator's event cursor if a throttled write is still owed. */
  flush(): Promise<void>;
}

export interface PumpOptions {
  /** Called after an event that changes the run's row (its status, its budget). */
  onRunChange?: () => void;
  /**
   * Write the coordinator's event cursor at most this often (real time; default: after every read).
   * It only saves a resume from re-reading events: every decision checks the state it expects
   * first (ADR 0003), so a cursor a second behind costs a resume a second of events read again.
   */
  cursorEveryMs?: number;
}

/** Reads new board events, lets the coordinator act on them, delivers answers and wakes idle members. */
export function createPump(opts: DriveOptions, pumpOptions: PumpOptions = {}): Pump {
  const { board, runId, members, coordinator } = opts;
  const { onRunChange, cursorEveryMs = 0 } = pumpOptions;
  let lastSeq = opts.fromSeq;
  let cursor = { seq: opts.fromSeq ?? -1, at: Number.NEGATIVE_INFINITY };
  async function writeCursor(): Promise<void> {
    if (lastSeq === undefined || lastSeq === cursor.seq) return;
    cursor = { seq: lastSeq, at: performance.now() };
    await board.saveEventCursor(runId, lastSeq);
  }
  /**
   * The board's version just before the events were last read: while it holds, nothing was
   * committed since and there is nothing to read (on PostgreSQL asking costs no query). Every
   * pump used to end with a read that came back empty.
   */
  let readAt: string | undefined;
  async function pump(): Promise<number> {
    lastSeq ??= await board.lastEventSeq(runId);
    let handled = 0;
    for (let round = 0; round < 50; round++) {
      const version = await board.version(runId);
      if (version === readAt) break;
      const events = await board.listEvents(runId, lastSeq);
      readAt = version;
      const last = events.at(-1);
      if (!last) break;
      lastSeq = last.seq;
      handled += events.filter((e) => !CHATTER.has(e.type)).length;
      await opts.onEvents?.(events);
      await coordinator?.handle(events);
      let wakeNeeded = false;
      for (const event of events) {
        if (event.type.startsWith('run.') || event.type === 'budget.raised') onRunChange?.();
        if (event.type === 'question.answered' || event.type === 'question.cancelled') {
          for (const m of members) if (m.state === 'waiting') await deliverAnswer(m, event.payload.question);
        }
        if (event.type === 'question.answered' && event.payload.kind === 'stuck') await wakeForDecision(board, runId, members, event.payload.question);
        if (WAKE_EVENTS.has(event.type)) wakeNeeded = true;
      }
      if (wakeNeeded) await wakeIdle(board, runId, members);
    }
    if (coordinator && performance.now() - cursor.at >= cursorEveryMs) await writeCursor();
    return handled;
  }
  pump.flush = async () => {
    if (coordinator) await writeCursor();
  };
  return pump;
}

/** Wake idle members who now have something to do; at most one member per claimable task. */
export async function wakeIdle(board: Board, runId: number, members: readonly MemberRuntime[]): Promise<void> {
  if (!members.some((m) => m.state === 'idle')) return;
  // The view kept from the run's events (src/tools/task-view.ts): reading every task here cost O(board) per wake.
  const view = await readTaskView(board, runId);
  const open = view.readyTasks();
  const promised = new Set<number>();
  for (const m of members) {
    // Checked again at each member: another wake-up may have run while this one read the board.
    if (m.state !== 'idle') continue;
    const task = open.find((t) => !promised.has(t.id) && !m.offered.has(t.id) && (!t.owner || t.owner === m.cfg.name) && (!t.role || t.role === m.cfg.role));
    if (task) {
      promised.add(task.id);
      m.offered.add(task.id);
      await wake(m, `The board changed: task #${task.id} "${task.subject}" is ready and you may take it.`);
      continue;
    }
    if ((await board.hasUnread(runId, m.cfg.name)) && m.state === 'idle') await wake(m, 'You have new messages from your team.');
  }
}

function liveView(members: readonly MemberRuntime[]): LiveMember[] {
  return members.map((m) => ({ name: m.cfg.name, role: m.cfg.role, state: m.state, ...(m.fatal ? { fatal: true } : {}) }));
}

/** After a turn that ended idle: remind a member still holding a task, else offer it new work. */
async function afterIdle(board: Board, runId: number, member: MemberRuntime): Promise<void> {
  if (member.state !== 'idle') return;
  await checkHolding(member);
  // The board may have changed while it was thinking: a wake sent then would have been lost.
  if (member.state === 'idle') await wakeIdle(board, runId, [member]);
}

function outcomeOfRun(run: Run | undefined): Outcome | null {
  if (!run) return { status: 'failed', reason: 'the run disappeared from the board' };
  return isTerminal(run.status) ? { status: run.status, reason: run.statusReason } : null;
}

async function failMember(member: MemberRuntime, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const fatal = error instanceof ModelError && !error.retryable;
  member.fatal = fatal;
  await stopMember(member, message, fatal ? 'stopped' : 'dead');
}

function leaseReason(leaseMs: number): string {
  return `no progress for ${describeLease(leaseMs)}: lease expired`;
}

/**
 * One member step at a time, in order of (virtual time, member order): the same seed and the
 * same answers give the same run, event for event. Used for --instant and benchmarks. A member
 * whose reply is due after its lease ran out is declared dead at that time, as in real time.
 */
export async function driveInOrder(opts: DriveOptions): Promise<Outcome> {
  const { board, runId, members, clock, signal } = opts;
  const coordinator = opts.coordinator;
  if (!coordinator) throw new RuntimeError('the ordered driver drives a whole run: it needs the coordinator');
  /**
   * The run as last read. Its status changes only with a run.* event (setRunStatus writes one in
   * the same transaction) and its budget with budget.raised, so it is read again after the pump
   * saw one, or after a wait; reading it (its config names every member) on every step cost as
   * much as a claim on a large team.
   */
  let run: Run | undefined;
  let runKnown = false;
  const pump = createPump(opts, { onRunChange: () => (runKnown = false) });
  const waitForChange = async () => {
    await board.waitForChange(runId, pollMs, signal);
    runKnown = false;
  };
  const pollMs = opts.pollMs ?? 100;
  const leases = createLeaseWatch(board, runId, opts.leaseMs ?? DEFAULT_LEASE_MS);
  const wallLeaseMs = opts.wallLeaseMs ?? opts.leaseMs ?? DEFAULT_LEASE_MS;
  /** When each member holding a reply started thinking: it is busy until it acts. */
  const thinkingSince = new Map<MemberRuntime, number>();
  const order = new Map(members.map((m, i) => [m.cfg.name, i]));

  /** The run's last events (run.completed, run.failed, run.stopped) reach onEvents too. */
  async function finish(outcome: Outcome): Promise<Outcome> {
    await pump();
    return outcome;
  }

  /** Expire the leases that run out before `target` (the next step's time); true when some did. */
  async function expireLeases(target: number): Promise<boolean> {
    const busy: BusyMember[] = [...thinkingSince].map(([m, since]) => ({ name: m.cfg.name, since }));
    const due = await leases.deadlines(busy, target);
    const first = due[0];
    if (!first || first.at >= target) return false;
    if (isVirtual(clock)) clock.advanceTo(first.at + 1);
    const now = clock.now();
    const expired = due.filter((d) => d.at < now);
    for (const { name } of expired) {
      const member = members.find((m) => m.cfg.name === name);
      if (!member) continue;
      thinkingSince.delete(member);
      // The reply that would have come after the lease ran out is dropped: the member is out.
      member.reply = null;
      await stopMember(member, leaseReason(leases.leaseMs), 'dead');
    }
    return expired.length > 0;
  }

  async function step(member: MemberRuntime, stepSignal: AbortSignal): Promise<void> {
    try {
      if (member.reply) {
        const reply = member.reply;
        member.reply = null;
        thinkingSince.delete(member);
        await act(member, reply, stepSignal);
        member.nextAt = clock.now();
        await afterIdle(board, runId, member);
        return;
      }
      if (member.partial) {
        await runPendingCalls(member, stepSignal);
        return;
      }
      if (!canThink(member)) {
        await setStatus(member, 'idle');
        return;
      }
      thinkingSince.set(member, clock.now());
      const reply = await think(member, stepSignal);
      member.reply = reply;
      member.nextAt = clock.now() + (reply.latencyMs ?? 0);
    } catch (error) {
      thinkingSince.delete(member);
      if (!stepSignal.aborted) await failMember(member, error);
    }
  }

  /**
   * A step, watched on the wall clock: when the member has not beaten for wallLeaseMs of real
   * time (a model call or a command that hangs), the step is aborted and the member is out, as a
   * lapsed lease is in real time; the run goes on without waiting for the step.
   */
  async function watchedStep(member: MemberRuntime): Promise<void> {
    const abort = new AbortController();
    const forward = () => abort.abort(signal?.reason);
    signal?.addEventListener('abort', forward, { once: true });
    member.beatAt = Date.now();
    let watch: ReturnType<typeof setInterval> | undefined;
    const lapsed = new Promise<'lapsed'>((resolve) => {
      watch = setInterval(() => {
        if (Date.now() - member.beatAt > wallLeaseMs) resolve('lapsed');
      }, Math.max(10, Math.min(HEARTBEAT_MS, Math.floor(wallLeaseMs / 3))));
    });
    member.inStep = true;
    const stepped = step(member, abort.signal).finally(() => (member.inStep = false));
    try {
      const outcome = await Promise.race([stepped.then(() => 'done' as const), lapsed]);
      if (outcome === 'lapsed') {
        abort.abort();
        thinkingSince.delete(member);
        member.reply = null;
        await stopMember(member, `no progress for ${describeLease(wallLeaseMs)} of real time: lease expired`, 'dead');
      }
    } finally {
      clearInterval(watch);
      signal?.removeEventListener('abort', forward);
    }
  }

  await wakeIdle(board, runId, members);
  for (;;) {
    await pump();
    if (!runKnown) {
      runKnown = true;
      run = await board.getRun(runId);
    }
    const done = outcomeOfRun(run);
    if (done) return done;
    if (signal?.aborted) return finish(await stopRun(board, runId, signal));
    if (run?.status === 'paused') {
      await waitForChange();
      continue;
    }
    await coordinator.check(run);
    await pump();
    const ready = members
      .filter((m) => m.state === 'active')
      .sort((a, b) => a.nextAt - b.nextAt || (order.get(a.cfg.name) ?? 0) - (order.get(b.cfg.name) ?? 0));
    const member = ready[0];
    if (member) {
      if (await expireLeases(member.nextAt)) continue;
      if (isVirtual(clock)) clock.advanceTo(member.nextAt);
      await watchedStep(member);
      continue;
    }
    if (members.some((m) => m.state === 'waiting')) {
      await waitForChange();
      continue;
    }
    const settled = await coordinator.settle(liveView(members));
    if (settled) return finish(outcomeOfRun(await board.getRun(runId)) ?? { status: settled, reason: null });
    await waitForChange();
  }
}

/** Member loops wait on this between steps; the coordinator loop wakes them after each look at the board. */
function createNotifier() {
  let waiters: (() => void)[] = [];
  return {
    notify(): void {
      const woken = waiters;
      waiters = [];
      for (const resolve of woken) resolve();
    },
    wait(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        waiters.push(done);
      });
    },
  };
}

/** The coordinator loop looks at the board at most this often, however many commits wake it. */
const MIN_LOOK_GAP_MS = 10;

/**
 * On a board whose waits wake for other processes' commits (PostgreSQL's notifications, ADR 0011),
 * the loop looks without a wake-up only this often (or as often as leases need): what it acts on
 * comes with an event. Polling every pollMs cost an idle `team worker` ten reads of the run a second.
 */
const LOOK_ANYWAY_MS = 1000;

/** The concurrent driver writes its event cursor at most this often: it was a quarter of a --workers-only coordinator's statements. */
const CURSOR_EVERY_MS = 1000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long the loop waits for a change before looking anyway. */
function lookAnywayMs(board: Board, pollMs: number, coordinator: Coordinator | null, memberLeaseMs: number): number {
  // SQLite's store is woken by this process's commits only: other processes' are seen by polling.
  if (board.kind !== 'postgres') return pollMs;
  return Math.max(pollMs, Math.min(LOOK_ANYWAY_MS, coordinator?.lookEveryMs ?? LOOK_ANYWAY_MS, Math.floor(memberLeaseMs / 4)));
}

/**
 * Every member runs at once in real time (real models, or the simulated one at --speed). A
 * coordinator loop watches the board, answers, stop/pause requests and leases; a stop or an
 * expired lease aborts the member's step, which kills its running command.
 */
export async function driveConcurrently(opts: DriveOptions): Promise<Outcome> {
  const { board, runId, members, coordinator, clock } = opts;
  const stop = coordinator ? stopRun : leaveRun;
  /**
   * The run as last read: as in driveInOrder, read again only after a run.* or budget.raised
   * event (its status and budget change only with one), not on every look.
   */
  let run = await board.getRun(runId);
  let runKnown = true;
  const pump = createPump(opts, { onRunChange: () => (runKnown = false), cursorEveryMs: CURSOR_EVERY_MS });
  const leases = createLeaseWatch(board, runId, opts.leaseMs ?? DEFAULT_LEASE_MS);
  const waitMs = lookAnywayMs(board, opts.pollMs ?? 100, coordinator, leases.leaseMs);
  const busy = new Map<string, { since: number; abort: AbortController }>();
  /** Members whose lease ran out: a model call that never settles must not keep the run open. */
  const expired = new Set<string>();
  const looked = createNotifier();
  let running = run?.status === 'running';
  let finished = false;

  const loops = members.map(async (member) => {
    const name = member.cfg.name;
    while (!finished) {
      const runnable = running && (member.partial ? member.state === 'active' : canThink(member));
      if (!runnable) {
        if (member.state === 'active' && !member.partial && !canThink(member)) await setStatus(member, 'idle');
        await looked.wait(waitMs);
        continue;
      }
      const abort = new AbortController();
      busy.set(name, { since: clock.now(), abort });
      member.inStep = true;
      try {
        if (member.partial) await runPendingCalls(member, abort.signal);
        else {
          const reply = await think(member, abort.signal);
          // A reply that comes after the lease expired (or the run ended) is dropped: the member is out.
          if (!abort.signal.aborted) await act(member, reply, abort.signal);
        }
        await afterIdle(board, runId, member);
      } catch (error) {
        if (!finished && !abort.signal.aborted) await failMember(member, error);
      } finally {
        member.inStep = false;
        if (busy.get(name)?.abort === abort) busy.delete(name);
      }
    }
  });

  async function expireLeases(): Promise<void> {
    const now = clock.now();
    const due = await leases.deadlines(
      [...busy].map(([name, info]) => ({ name, since: info.since })),
      now,
    );
    for (const { name, at } of due) {
      if (at >= now) break;
      const info = busy.get(name);
      if (!info) continue;
      info.abort.abort();
      busy.delete(name);
      expired.add(name);
      const member = members.find((m) => m.cfg.name === name);
      if (member) await stopMember(member, leaseReason(leases.leaseMs), 'dead');
    }
  }

  /**
   * The coordinator's checks and its look at whether the run is settled read the run's gates,
   * questions, tasks and members: they run when events came since they last ran, when the members
   * here changed state, or when waitMs passed (leases, and quiet writes such as usage).
   */
  let events = 0;
  let refereed = { events: -1, members: '', at: Number.NEGATIVE_INFINITY };
  const refereeDue = (): boolean => events !== refereed.events || liveKey(members) !== refereed.members || performance.now() - refereed.at >= waitMs;

  await wakeIdle(board, runId, members);
  let outcome: Outcome | null = null;
  while (!outcome) {
    const lookedAt = performance.now();
    // Waiting starts before the look: a commit with events during it (this process's too) makes the next look start at once.
    const changed = board.waitForChange(runId, waitMs, opts.signal);
    events += await pump();
    if (!runKnown) {
      runKnown = true;
      run = await board.getRun(runId);
    }
    outcome = outcomeOfRun(run);
    if (outcome) break;
    if (opts.signal?.aborted) {
      outcome = await stop(board, runId, opts.signal);
      break;
    }
    running = run?.status === 'running';
    if (running) {
      const referee = coordinator && refereeDue();
      // Events the checks themselves append (an auto-answer, a gate asked) are news for the next look.
      const checked = { events, members: liveKey(members), at: lookedAt };
      if (referee) {
        await coordinator.check(run);
        events += await pump();
      }
      const before = expired.size;
      await expireLeases();
      // Wake whoever can take a released task before deciding that nobody can make progress.
      if (expired.size > before) events += await pump();
      const quiet = busy.size === 0 && members.every((m) => m.state !== 'active' && m.state !== 'waiting');
      if (quiet && referee) {
        const settled = await coordinator.settle(liveView(members));
        if (settled) outcome = outcomeOfRun(await board.getRun(runId)) ?? { status: settled, reason: null };
      }
      if (referee) refereed = checked;
    }
    looked.notify();
    if (outcome) break;
    await changed;
    const gap = performance.now() - lookedAt;
    if (gap < MIN_LOOK_GAP_MS) await delay(MIN_LOOK_GAP_MS - gap);
  }
  finished = true;
  looked.notify();
  for (const info of busy.values()) info.abort.abort();
  await Promise.allSettled(loops.filter((_, i) => !expired.has(members[i]?.cfg.name ?? '')));
  await pump();
  await pump.flush();
  return outcome;
}

/** The members' states as one string, to tell whether any changed. */
function liveKey(members: readonly MemberRuntime[]): string {
  return members.map((m) => `${m.cfg.name}:${m.state}`).join(',');
}

/** A worker was stopped (Ctrl-C, or it lost its members): the run goes on without it. */
function leaveRun(_board: Board, runId: number, signal: AbortSignal): Promise<Outcome> {
  const reason = signal.reason instanceof Error ? signal.reason.message : `stopped running members of run ${runId}`;
  return Promise.resolve({ status: 'stopped', reason });
}

/** The drive was aborted: a stop from the terminal stops the run; a run another process took over is left to it. */
async function stopRun(board: Board, runId: number, signal: AbortSignal): Promise<Outcome> {
  if (signal.reason instanceof DriveLostError) return { status: 'stopped', reason: signal.reason.message };
  const reason = signal.reason instanceof StopRequest ? signal.reason.message : 'stopped from the terminal';
  await board.setRunStatus(runId, 'stopped', reason, coordinatorActor);
  return { status: 'stopped', reason };
}
