import { coordinator, memberActor, type MemberActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import { HEARTBEAT_MS } from '../board/liveness.js';
import type { MemberStatus, Run } from '../board/types.js';
import { decideJoin, type JoinDecision } from './join.js';
import { EXTERNAL_AGENT, EXTERNAL_MODEL, markExternal } from './open-seats.js';

export interface JoinOptions {
  board: Board;
  runId: number;
  name: string;
  /** Required for a new member; must match an existing member's role. */
  role?: string;
  /** How often the heartbeat is written while the client is connected (default HEARTBEAT_MS). */
  heartbeatMs?: number;
}

/**
 * A member of a run worked by an MCP client: its presence on the board (status, current task,
 * what it is doing, a heartbeat while the client is connected) and its exit.
 */
export interface Seat {
  readonly runId: number;
  readonly name: string;
  readonly role: string;
  readonly actor: MemberActor;
  readonly joined: JoinDecision;
  /** The task it works on now (the lowest id it holds in progress), as last read. */
  currentTask(): number | null;
  /** The run as read at join (its workspace and team do not change). */
  readonly run: Run;
  /** Show what the member is doing right now (a tool call), or nothing between calls. */
  step(text: string | null): Promise<void>;
  /** Waiting for the person (an AskUserQuestion call is open). */
  waiting(): Promise<void>;
  /** After a call: status working (it holds a task) or idle, and its current task. */
  settle(): Promise<void>;
  /**
   * When the run took the member out (its lease ran out while the client was still there), bring
   * it back and say what happened; null when it was never out.
   */
  rejoinIfOut(): Promise<string | null>;
  /** The client went away: its in-progress tasks go back to the pool with a note, the member is stopped. */
  leave(reason: string): Promise<void>;
}

const OUT: readonly MemberStatus[] = ['stopped', 'dead'];

/** Join run `runId` as `name` (see decideJoin for who may), start the heartbeat, and return the seat. */
export async function joinSeat(opts: JoinOptions): Promise<Seat> {
  const { board, runId, name } = opts;
  const { decision, run } = await board.transaction(async (tx) => {
    const found = await tx.requireRun(runId);
    const decision = decideJoin(found, await tx.getMember(runId, name), name, opts.role, board.now());
    if (decision.kind === 'add') await tx.addMember(runId, { name, agent: EXTERNAL_AGENT, role: decision.role, model: EXTERNAL_MODEL }, memberActor(name, decision.role));
    const config = await markExternal(tx, runId, name, decision.role);
    const held = await tx.tasksOwnedBy(runId, name);
    const actor = memberActor(name, decision.role);
    await tx.updateMember(runId, name, { status: held.length > 0 ? 'working' : 'idle', currentTask: held[0]?.id ?? null, step: null, lastAction: joinedLine(decision) }, actor);
    await tx.appendEvent(runId, actor, { type: 'member.said', payload: { member: name, text: joinedLine(decision) } });
    return { decision, run: { ...found, config } };
  });
  const role = decision.role;
  const actor = memberActor(name, role);
  let current: number | null = null;
  let left = false;
  const beat = setInterval(() => {
    void board.heartbeat(runId, [name]).catch(() => undefined);
  }, opts.heartbeatMs ?? HEARTBEAT_MS);

  async function status(): Promise<MemberStatus | undefined> {
    return (await board.getMember(runId, name))?.status;
  }

  const seat: Seat = {
    runId,
    name,
    role,
    actor,
    joined: decision,
    run,
    currentTask: () => current,
    async step(text) {
      if (left) return;
      await board.updateMember(runId, name, { step: text }, actor);
    },
    async waiting() {
      if (left) return;
      await board.updateMember(runId, name, { status: 'waiting' }, actor);
    },
    async settle() {
      if (left) return;
      const held = await board.tasksOwnedBy(runId, name);
      current = held[0]?.id ?? null;
      // The client may have gone while this call ran: a member that left stays stopped.
      if (left || OUT.includes((await status()) ?? 'idle')) return;
      await board.updateMember(runId, name, { status: current === null ? 'idle' : 'working', currentTask: current, step: null }, actor);
    },
    async rejoinIfOut() {
      if (left) return null;
      const was = await status();
      if (!was || !OUT.includes(was)) return null;
      await board.transaction(async (tx) => {
        await tx.updateMember(runId, name, { status: 'idle', currentTask: null, step: null, lastAction: 'rejoined over MCP' }, actor);
        await tx.appendEvent(runId, actor, { type: 'member.said', payload: { member: name, text: 'Back on the board over MCP.' } });
      });
      current = null;
      return `you were taken out of the run (${was}: no heartbeat from this MCP server for longer than the lease, or the run stopped you) and any task you held went back to the pool; you are back now: check TaskList before going on`;
    },
    async leave(reason) {
      if (left) return;
      left = true;
      clearInterval(beat);
      await board.transaction(async (tx) => {
        const member = await tx.getMember(runId, name);
        if (!member || OUT.includes(member.status)) return;
        for (const task of await tx.tasksOwnedBy(runId, name)) await tx.releaseTask(runId, task.id, `${name} left: ${reason}`, coordinator);
        await tx.appendEvent(runId, coordinator, { type: 'member.removed', payload: { member: name, state: 'stopped', reason } });
        await tx.updateMember(runId, name, { status: 'stopped', currentTask: null, step: null }, coordinator);
      });
    },
  };
  current = (await board.tasksOwnedBy(runId, name))[0]?.id ?? null;
  return seat;
}

function joinedLine(decision: JoinDecision): string {
  if (decision.kind === 'add') return 'Joined the run over MCP.';
  return decision.from === 'seat' ? 'Took my seat over MCP.' : 'Took over this seat over MCP; teamboard no longer runs it.';
}
