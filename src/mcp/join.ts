import { BoardError } from '../board/errors.js';
import { CRASH_AFTER_MS, driverLapsed, isTerminal } from '../board/liveness.js';
import type { Member, Run } from '../board/types.js';

/** What `team mcp --as NAME` does with run N: add a new member, take a seat over, or refuse. */
export type JoinDecision = { kind: 'add'; role: string } | { kind: 'take'; role: string; from: 'seat' | 'teamboard' };

const OUT: readonly string[] = ['stopped', 'dead'];

/**
 * Decide how a client joins (pure). A new name needs a role. An existing member is taken over
 * only when nobody else is working it: an external member (an open seat, or a client that joined
 * before) whose client has gone (no heartbeat for CRASH_AFTER_MS, or taken out), or a member
 * teamboard runs that is out of the run (stopped, dead) or whose run nobody drives. A live one is
 * refused, saying who has it, so two processes never act as one member.
 */
export function decideJoin(run: Run, member: Member | undefined, name: string, role: string | undefined, now: number): JoinDecision {
  if (isTerminal(run.status)) {
    const next = run.status === 'completed' ? `see \`team export ${run.id}\`` : `resume it with \`team resume ${run.id}\` first`;
    throw new BoardError('state', `run ${run.id} is ${run.status}; there is no work to join (${next})`);
  }
  if (!member) {
    if (role === undefined) {
      const roles = [...new Set(run.config.members.map((m) => m.role))].join(', ') || 'none yet';
      throw new BoardError('invalid', `${name} is not a member of run ${run.id}; give --role ROLE to join as a new member (roles in this run: ${roles})`);
    }
    return { kind: 'add', role };
  }
  if (role !== undefined && role !== member.role) {
    throw new BoardError('invalid', `${name} is the run's ${member.role}; join with --role ${member.role} (or leave --role out), or pick another name for a new member`);
  }
  const config = run.config.members.find((m) => m.name === name);
  const external = config === undefined || config.external === true;
  if (external) {
    const connected = !OUT.includes(member.status) && member.status !== 'starting';
    const beat = member.heartbeatAt === null ? null : now - member.heartbeatAt;
    if (connected && beat !== null && beat <= CRASH_AFTER_MS) {
      throw new BoardError('state', `${name} is already connected to run ${run.id} over MCP (last heartbeat ${Math.max(0, Math.round(beat / 1000))}s ago); join under another name with --as, or close that client first`);
    }
    return { kind: 'take', role: member.role, from: 'seat' };
  }
  if (OUT.includes(member.status) || driverLapsed(run, now)) return { kind: 'take', role: member.role, from: 'teamboard' };
  throw new BoardError(
    'state',
    `${name} is run by teamboard in run ${run.id}${run.driver ? ` (${run.driver})` : ''}; join as a new member with another --as name and --role, or start the run with --open-seats ${name}:${member.role}`,
  );
}
