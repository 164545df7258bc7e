import type { BoardSnapshot, SnapshotMember } from '../src/board/snapshot.js';
import { formatClock, formatCost, formatTokens, pad, padStart } from './format.js';
import type { LayoutMode } from './layout.js';
import { seg, titleLine, type Line, type Segment } from './lines.js';
import { MEMBER_STATUS_COLOR } from './theme.js';
import { memberWaitText } from './waits.js';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Whether any member is in the middle of a step (a model call, a command): the spinner turns then. */
export function anyStepRunning(members: readonly SnapshotMember[]): boolean {
  return members.some((m) => m.step !== null && m.status === 'working');
}

export function memberStatusText(member: SnapshotMember): string {
  if (member.status === 'waiting') return member.waitingOn !== null ? `waiting on q${member.waitingOn}` : 'waiting';
  return member.status;
}

/** What the member is doing now, in a few words: its step with the time on it, what it waits for when idle. */
export function memberDoing(member: SnapshotMember, snapshot: Pick<BoardSnapshot, 'run' | 'stages' | 'tasks'>, now: number, spin: number): Segment[] {
  if (!member.external) return ownDoing(member, snapshot, now, spin);
  // A member working over MCP from another client: a seat nobody took yet says how to take it.
  if (member.status === 'starting') return [seg('open seat', { color: 'cyan', bold: true }), seg(` · join with team mcp --run ${snapshot.run.id} --as ${member.name}`, { dim: true })];
  return [seg('MCP ', { color: 'cyan', bold: true }), ...ownDoing(member, snapshot, now, spin)];
}

function ownDoing(member: SnapshotMember, snapshot: Pick<BoardSnapshot, 'run' | 'stages' | 'tasks'>, now: number, spin: number): Segment[] {
  const color = MEMBER_STATUS_COLOR[member.status];
  if (member.status === 'working' && member.step !== null) {
    const on = member.stepAt === null ? '' : `${formatClock(now - member.stepAt)} `;
    const live = snapshot.run.state === 'running';
    return [seg(`${live ? (SPINNER[spin % SPINNER.length] ?? '') : '·'} `, { color }), seg(on, { color, bold: true }), seg(member.step)];
  }
  if (member.status === 'waiting') return [seg(member.waitingOn !== null ? `waits on you: q${member.waitingOn}` : 'waiting', { color, bold: true })];
  if (member.status === 'idle') return [seg('idle', { color }), seg(` · ${memberWaitText(member, snapshot)}`, { dim: true })];
  if (member.status === 'dead') return [seg('dead (stopped answering)', { color, bold: true })];
  if (member.status === 'stopped' && snapshot.run.state === 'crashed') return [seg('stopped (run crashed)', { color })];
  return [seg(member.status, { color })];
}

function taskText(member: SnapshotMember): string {
  if (member.currentTask === null) return '—';
  return member.currentTaskSubject ? `#${member.currentTask} ${member.currentTaskSubject}` : `#${member.currentTask}`;
}

const URGENCY: Record<SnapshotMember['status'], number> = { waiting: 0, working: 1, dead: 2, starting: 3, idle: 4, stopped: 5 };

/** When not every member fits, show the ones a person needs to see first (keeping name order within a status). */
function byUrgency(members: SnapshotMember[]): SnapshotMember[] {
  return [...members].sort((a, b) => URGENCY[a.status] - URGENCY[b.status] || a.name.localeCompare(b.name));
}

export interface MembersContext {
  snapshot: Pick<BoardSnapshot, 'run' | 'stages' | 'tasks'>;
  now: number;
  /** Spinner frame. */
  spin: number;
}

export function membersLines(members: SnapshotMember[], width: number, height: number, mode: LayoutMode, ctx: MembersContext): Line[] {
  if (height <= 0) return [];
  const room = height - 1;
  // When not all fit, every row shows a member (the most urgent first) and the title says how many are left out.
  const shown = members.length > room ? byUrgency(members).slice(0, Math.max(0, room)) : members;
  const left = members.length - shown.length;
  const lines: Line[] = [titleLine(`Members (${members.length})`, width, { bold: true }, left > 0 ? `+${left} not shown` : '')];
  const nameWidth = Math.min(14, Math.max(4, ...members.map((m) => m.name.length)));
  const roleWidth = mode === 'wide' ? Math.min(18, Math.max(4, ...members.map((m) => m.role.length))) : 0;
  const numbers = 7 + 1 + 7;
  const fixed = 2 + nameWidth + 1 + (roleWidth > 0 ? roleWidth + 1 : 0) + numbers + 1;
  const free = Math.max(0, width - fixed);
  const taskWidth = free >= 40 ? Math.min(32, Math.floor(free * 0.4)) : 0;
  const doingWidth = Math.max(0, free - (taskWidth > 0 ? taskWidth + 1 : 0));
  for (const m of shown) {
    const color = MEMBER_STATUS_COLOR[m.status];
    const line: Line = [seg('● ', { color }), seg(pad(m.name, nameWidth), { bold: true }), seg(' ')];
    if (roleWidth > 0) line.push(seg(pad(m.role, roleWidth), { dim: true }), seg(' '));
    line.push(...fitted(memberDoing(m, ctx.snapshot, ctx.now, ctx.spin), doingWidth), seg(' '));
    if (taskWidth > 0) line.push(seg(pad(taskText(m), taskWidth), m.currentTask === null ? { dim: true } : {}), seg(' '));
    line.push(seg(padStart(formatTokens(m.tokens), 7)), seg(' '), seg(padStart(formatCost(m.costUsd), 7), { dim: true }));
    lines.push(line);
  }
  return lines;
}

/** Segments cut or padded to exactly `width` cells. */
function fitted(segments: Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  const total = segments.reduce((n, s) => n + s.text.length, 0);
  const room = total > width ? Math.max(0, width - 1) : width;
  for (const s of segments) {
    if (used >= room) break;
    const text = s.text.slice(0, room - used);
    out.push({ ...s, text });
    used += text.length;
  }
  if (total > width && width > 0) {
    out.push(seg('…', { dim: true }));
    used++;
  }
  if (used < width) out.push(seg(' '.repeat(width - used)));
  return out;
}
