import type { SnapshotMember } from '../src/board/snapshot.js';
import { formatCost, formatTokens, pad, padStart } from './format.js';
import type { LayoutMode } from './layout.js';
import { seg, titleLine, type Line } from './lines.js';
import { MEMBER_STATUS_COLOR } from './theme.js';

export function memberStatusText(member: SnapshotMember): string {
  if (member.status === 'waiting') return member.waitingOn !== null ? `waiting on q${member.waitingOn}` : 'waiting';
  return member.status;
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

export function membersLines(members: SnapshotMember[], width: number, height: number, mode: LayoutMode): Line[] {
  if (height <= 0) return [];
  const lines: Line[] = [titleLine(`Members (${members.length})`, width)];
  const nameWidth = Math.min(14, Math.max(4, ...members.map((m) => m.name.length)));
  const roleWidth = mode === 'wide' ? Math.min(18, Math.max(4, ...members.map((m) => m.role.length))) : 0;
  const statusWidth = 15;
  const numbers = 7 + 1 + 7;
  const fixed = 2 + nameWidth + 1 + (roleWidth > 0 ? roleWidth + 1 : 0) + statusWidth + 1 + numbers + 1;
  const free = Math.max(0, width - fixed);
  const showAction = free >= 30;
  const taskWidth = showAction ? Math.min(30, Math.floor(free * 0.45)) : free;
  const room = height - 1;
  const shown = members.length > room ? byUrgency(members).slice(0, Math.max(0, room - 1)) : members;
  for (const m of shown) {
    const color = MEMBER_STATUS_COLOR[m.status];
    const line: Line = [seg('● ', { color }), seg(pad(m.name, nameWidth), { bold: true }), seg(' ')];
    if (roleWidth > 0) line.push(seg(pad(m.role, roleWidth), { dim: true }), seg(' '));
    line.push(seg(pad(memberStatusText(m), statusWidth), { color }), seg(' '));
    line.push(seg(pad(taskText(m), taskWidth), m.currentTask === null ? { dim: true } : {}), seg(' '));
    line.push(seg(padStart(formatTokens(m.tokens), 7)), seg(' '), seg(padStart(formatCost(m.costUsd), 7), { dim: true }));
    if (showAction) line.push(seg(' '), seg(m.lastAction ?? '', { dim: true }));
    lines.push(line);
  }
  if (shown.length < members.length) lines.push([seg(`+${members.length - shown.length} more`, { dim: true })]);
  return lines;
}
