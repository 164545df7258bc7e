import type { BoardEvent } from '../src/board/events.js';
import { describeEvent } from './describe-event.js';
import { formatOffset, pad } from './format.js';
import { seg, titleLine, type Line } from './lines.js';
import { TONE_COLOR } from './theme.js';

/** One feed line: offset from the run start, who, what (coloured by what kind of news it is). */
export function eventLine(event: BoardEvent, startedAt: number, whoWidth: number): Line {
  const { who, text, tone } = describeEvent(event);
  const color = TONE_COLOR[tone];
  return [
    seg(formatOffset(event.ts - startedAt), { dim: true }),
    seg(' '),
    seg(pad(who, whoWidth), { color: 'cyan' }),
    seg(' '),
    seg(text, color ? { color, ...(tone === 'say' ? { italic: true } : {}) } : {}),
  ];
}

export function feedLines(events: BoardEvent[], startedAt: number, width: number, height: number): Line[] {
  if (height <= 0) return [];
  const shown = height > 1 ? events.slice(-(height - 1)) : [];
  const whoWidth = Math.min(12, Math.max(6, ...shown.map((e) => describeEvent(e).who.length)));
  return [titleLine('Activity', width), ...shown.map((e) => eventLine(e, startedAt, whoWidth))];
}
