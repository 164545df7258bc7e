import { human, type Actor } from '../board/actor.js';
import type { Board, BoardOps } from '../board/board.js';
import { BoardError } from '../board/errors.js';
import type { MemberConfig, RunConfig } from '../board/types.js';

/** A member a run expects to join over MCP (`team start TEAM --open-seats NAME:ROLE,...`). */
export interface OpenSeat {
  name: string;
  role: string;
}

/** Members that teamboard does not run show these as their agent and model. */
export const EXTERNAL_AGENT = 'mcp';
export const EXTERNAL_MODEL = 'external';

/** The board's rule for member names, checked here so a typo in the flag leaves no run behind. */
const MEMBER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `reviewer:reviewer,mle:ml-engineer` -> seats; one line saying what is wrong otherwise. */
export function parseOpenSeats(text: string): OpenSeat[] {
  const seats: OpenSeat[] = [];
  for (const piece of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name = '', role = '', ...rest] = piece.split(':').map((p) => p.trim());
    if (name === '' || role === '' || rest.length > 0) {
      throw new BoardError('invalid', `--open-seats takes NAME:ROLE pairs separated by commas (like reviewer:reviewer,mle:ml-engineer); "${piece}" is not one`);
    }
    if (!MEMBER_NAME.test(name)) throw new BoardError('invalid', `--open-seats: "${name}" is not a member name; use letters, digits, "-", "_" or "."`);
    if (seats.some((s) => s.name === name)) throw new BoardError('invalid', `--open-seats names ${name} twice`);
    seats.push({ name, role });
  }
  if (seats.length === 0) throw new BoardError('invalid', '--open-seats needs at least one NAME:ROLE (like reviewer:reviewer)');
  return seats;
}

/**
 * Parse `--open-seats` and check it against the team (before any run exists): a seat named like a
 * team member must have that member's role, since the team's tasks were written for it.
 */
export function parseSeatsFor(text: string, members: readonly { name: string; role: string }[]): OpenSeat[] {
  const seats = parseOpenSeats(text);
  checkSeats(seats, members);
  return seats;
}

function checkSeats(seats: readonly OpenSeat[], members: readonly { name: string; role: string }[]): void {
  for (const seat of seats) {
    const existing = members.find((m) => m.name === seat.name);
    if (existing && existing.role !== seat.role) {
      throw new BoardError('invalid', `--open-seats ${seat.name}:${seat.role}: ${seat.name} is the team's ${existing.role}; use ${seat.name}:${existing.role}, or another name for a new member`);
    }
  }
}

/**
 * The team's members with the open seats applied: a team member named by a seat is run from
 * outside instead, and a new name becomes a new member with that role. Pure.
 */
export function withOpenSeats(members: readonly MemberConfig[], seats: readonly OpenSeat[]): MemberConfig[] {
  const names = new Set(seats.map((s) => s.name));
  const result = members.map((m) => (names.has(m.name) ? { ...m, external: true } : m));
  for (const seat of seats) if (!members.some((m) => m.name === seat.name)) result.push(externalMember(seat.name, seat.role));
  return result;
}

/** The lines `team start` prints about its open seats: who, and the command that joins each. */
export function seatsLines(runId: number, seats: readonly OpenSeat[]): string {
  return seats.map((s) => `team: open seat ${s.name} (${s.role}) waits for an MCP client: ${joinCommand(runId, s.name)} (see docs/mcp.md)\n`).join('');
}

/** A member run by an MCP client: no instructions or tools of teamboard's (the client brings its own). */
export function externalMember(name: string, role: string): MemberConfig {
  return { name, agent: EXTERNAL_AGENT, role, model: EXTERNAL_MODEL, instructions: '', tools: [], external: true };
}

/** How a person (or an MCP client) joins a seat of a run. */
export function joinCommand(runId: number, name: string): string {
  return `team mcp --run ${runId} --as ${name}`;
}

/** What the board shows for a seat nobody has taken yet. */
export function openSeatNote(runId: number, name: string): string {
  return `open seat: join over MCP with \`${joinCommand(runId, name)}\``;
}

/**
 * Open seats on a prepared run, before anything drives it: the run's configuration marks them
 * external (the runtime does not run them), new names become members, and each seat's last
 * action says how to join it. One transaction.
 */
export async function openSeats(board: Board, runId: number, seats: readonly OpenSeat[], actor: Actor = human): Promise<void> {
  await board.transaction(async (tx) => {
    const run = await tx.requireRun(runId);
    checkSeats(seats, run.config.members);
    const members = withOpenSeats(run.config.members, seats);
    const config: RunConfig = { ...run.config, members };
    await tx.updateRun(runId, { config });
    for (const seat of seats) {
      if (!(await tx.getMember(runId, seat.name))) await tx.addMember(runId, { name: seat.name, agent: EXTERNAL_AGENT, role: seat.role, model: EXTERNAL_MODEL }, actor);
      await tx.noteLastAction(runId, seat.name, openSeatNote(runId, seat.name));
    }
  });
}

/** Mark a member external in the run's configuration (adding it when it is new); returns the new configuration. */
export async function markExternal(tx: BoardOps, runId: number, name: string, role: string): Promise<RunConfig> {
  const run = await tx.requireRun(runId);
  const members = run.config.members.some((m) => m.name === name)
    ? run.config.members.map((m) => (m.name === name ? { ...m, external: true } : m))
    : [...run.config.members, externalMember(name, role)];
  const config: RunConfig = { ...run.config, members };
  await tx.updateRun(runId, { config });
  return config;
}
