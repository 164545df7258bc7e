import { fitLine, type Line, type Segment } from './lines.js';

const COLOR_CODE: Record<string, number> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
};

function codes(s: Segment): string {
  const list: number[] = [];
  if (s.bold) list.push(1);
  if (s.dim) list.push(2);
  if (s.italic) list.push(3);
  if (s.inverse) list.push(7);
  const color = s.color === undefined ? undefined : COLOR_CODE[s.color];
  if (color !== undefined) list.push(color);
  return list.join(';');
}

/**
 * A line as one string, fitted to width, with SGR escapes when colour is on. Each row of the board
 * is one such string in one Ink Text: far cheaper to lay out than a Text per styled segment.
 */
export function toAnsi(line: Line, width: number, color: boolean): string {
  let out = '';
  for (const segment of fitLine(line, width)) {
    const sgr = color ? codes(segment) : '';
    out += sgr === '' ? segment.text : `\u001B[${sgr}m${segment.text}\u001B[0m`;
  }
  return out;
}

/** Colour unless the stream is not a terminal, NO_COLOR is set or TERM=dumb; FORCE_COLOR wins. */
export function supportsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if ('NO_COLOR' in env || env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
