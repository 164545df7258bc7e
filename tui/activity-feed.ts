import type { BoardEvent } from '../src/board/events.js';
import { describeEvent, type EventLine } from './describe-event.js';
import { formatOffset, pad } from './format.js';
import { seg, titleLine, type Line } from './lines.js';
import { TONE_COLOR } from './theme.js';

/** What the feed shows: one member's steps or everyone's, following the newest or scrolled back. */
export interface FeedView {
  member: string | null;
  /** Events hidden below (newer than those shown) after scrolling back; 0 follows the newest. */
  back: number;
}

export const FEED_ALL: FeedView = { member: null, back: 0 };

function lineOf(event: BoardEvent, described: EventLine, startedAt: number, whoWidth: number): Line {
  const { who, text, tone } = described;
  const color = TONE_COLOR[tone];
  return [
    seg(formatOffset(event.ts - startedAt), { dim: true }),
    seg(' '),
    seg(pad(who, whoWidth), { color: 'cyan' }),
    seg(' '),
    seg(text, color ? { color, ...(tone === 'say' ? { italic: true } : {}) } : {}),
  ];
}

/** One feed line: offset from the run start, who, what (coloured by what kind of news it is). */
export function eventLine(event: BoardEvent, startedAt: number, whoWidth: number): Line {
  return lineOf(event, describeEvent(event), startedAt, whoWidth);
}

const NAMING = new Set(['member', 'owner', 'askedBy', 'from', 'to']);

/** Whether an event is about a member: done by it, or naming it as owner, asker or recipient. */
function involves(event: BoardEvent, described: EventLine, member: string): boolean {
  if (described.who === member || event.actor === member) return true;
  return Object.entries(event.payload).some(([key, value]) => NAMING.has(key) && value === member);
}

/** The feed's steps, oldest first, for one member or everyone. */
export function feedEntries(events: readonly BoardEvent[], member: string | null): { event: BoardEvent; line: EventLine }[] {
  const out: { event: BoardEvent; line: EventLine }[] = [];
  for (const event of events) {
    const line = describeEvent(event);
    if (!line.feed) continue;
    if (member !== null && !involves(event, line, member)) continue;
    out.push({ event, line });
  }
  return out;
}

/** The members the feed can be narrowed to, in the order `m` cycles through them (after everyone). */
export function nextFeedMember(current: string | null, members: readonly string[]): string | null {
  if (members.length === 0) return null;
  if (current === null) return members[0] ?? null;
  const i = members.indexOf(current);
  return i < 0 || i === members.length - 1 ? null : (members[i + 1] ?? null);
}

/** The largest useful `back` for a feed of this height: the oldest step at the top. */
export function maxFeedBack(entries: number, height: number): number {
  return Math.max(0, entries - Math.max(1, height - 1));
}

export function feedLines(events: readonly BoardEvent[], startedAt: number, width: number, height: number, view: FeedView = FEED_ALL): Line[] {
  if (height <= 0) return [];
  const entries = feedEntries(events, view.member);
  const room = Math.max(0, height - 1);
  const back = Math.min(view.back, maxFeedBack(entries.length, height));
  const end = entries.length - back;
  const shown = room > 0 ? entries.slice(Math.max(0, end - room), end) : [];
  const whoWidth = Math.min(12, Math.max(6, ...shown.map((e) => e.line.who.length)));
  const facts = [view.member === null ? 'everyone' : `${view.member} only`];
  if (back > 0) facts.push(`${back} newer below`);
  const title = titleLine('Activity', width, { bold: true }, facts.join(' · '));
  const lines = [title, ...shown.map((e) => lineOf(e.event, e.line, startedAt, whoWidth))];
  if (entries.length === 0 && room > 0) lines.push([seg(view.member === null ? 'nothing has happened yet' : `nothing from ${view.member} in the last ${events.length} events`, { dim: true })]);
  return lines;
}
