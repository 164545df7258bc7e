import { hardWrap, textCells } from './cells.js';
import { seg, type Line, type Segment } from './lines.js';

/** A JSON value pretty-printed (two-space indent) with keys, strings, numbers and literals in colour; long rows wrap. */
export function jsonLines(value: unknown, width: number): Line[] {
  const text = JSON.stringify(value, null, 2) ?? String(value);
  const w = Math.max(10, width);
  return text.split('\n').flatMap((row) => wrapRow(colour(row), w));
}

const KEY = /^(\s*)("(?:[^"\\]|\\.)*")(:\s)(.*)$/;

function colour(row: string): Segment[] {
  const keyed = KEY.exec(row);
  if (keyed) return [seg(keyed[1] ?? ''), seg(keyed[2] ?? '', { color: 'cyan' }), seg(keyed[3] ?? '', { dim: true }), ...scalar(keyed[4] ?? '')];
  const indent = /^\s*/.exec(row)?.[0] ?? '';
  return [seg(indent), ...scalar(row.slice(indent.length))];
}

function scalar(text: string): Segment[] {
  const comma = text.endsWith(',') ? ',' : '';
  const body = comma ? text.slice(0, -1) : text;
  const tail = comma ? [seg(',', { dim: true })] : [];
  if (body.startsWith('"')) return [seg(body, { color: 'green' }), ...tail];
  if (/^-?\d/.test(body)) return [seg(body, { color: 'yellow' }), ...tail];
  if (body === 'true' || body === 'false' || body === 'null') return [seg(body, { color: 'magenta' }), ...tail];
  return [seg(body, { dim: true }), ...tail];
}

/** A coloured row cut into rows of the width, continuation rows indented like the first. */
function wrapRow(segments: Segment[], width: number): Line[] {
  const indent = segments[0]?.text ?? '';
  const total = segments.reduce((n, s) => n + textCells(s.text), 0);
  if (total <= width) return [segments];
  const lines: Line[] = [];
  let current: Line = [];
  let used = 0;
  const room = Math.max(4, width - indent.length - 2);
  for (const s of segments) {
    let rest = s.text;
    while (rest !== '') {
      const free = (lines.length === 0 ? width : indent.length + 2 + room) - used;
      if (free <= 0) {
        lines.push(current);
        current = [seg(`${indent}  `)];
        used = indent.length + 2;
        continue;
      }
      const [piece] = hardWrap(rest, free);
      const take = piece ?? rest;
      current.push({ ...s, text: take });
      used += textCells(take);
      rest = rest.slice(take.length);
    }
  }
  lines.push(current);
  return lines;
}
