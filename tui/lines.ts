/** A board line as styled segments: panels build lines, the Lines component draws them. */
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  italic?: boolean;
}

export type Line = Segment[];

export const seg = (text: string, style: Omit<Segment, 'text'> = {}): Segment => ({ text, ...style });

export const blank: Line = [];

export function lineLength(line: Line): number {
  return line.reduce((n, s) => n + s.text.length, 0);
}

/** Cut a line to width cells, marking the cut with …; newlines and tabs become spaces. */
export function fitLine(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  const total = line.reduce((n, s) => n + s.text.replace(/[\r\n\t]+/g, ' ').length, 0);
  const cut = total > width;
  const room = cut ? Math.max(0, width - 1) : width;
  for (const segment of line) {
    const text = segment.text.replace(/[\r\n\t]+/g, ' ');
    if (used >= room) break;
    const take = text.slice(0, room - used);
    out.push({ ...segment, text: take });
    used += take.length;
  }
  if (cut && width > 0) {
    const last = out[out.length - 1];
    out.push({ text: '…', ...(last?.dim ? { dim: true } : {}), ...(last?.color ? { color: last.color } : {}) });
  }
  return out;
}

/** Pad a line with spaces to exactly width cells (after fitting it). */
export function padLine(line: Line, width: number, style: Omit<Segment, 'text'> = {}): Line {
  const fitted = fitLine(line, width);
  const rest = width - lineLength(fitted);
  return rest > 0 ? [...fitted, { text: ' '.repeat(rest), ...style }] : fitted;
}

/** A section title followed by a dim rule to the edge, and optionally a note at the end of the rule. */
export function titleLine(title: string, width: number, style: Omit<Segment, 'text'> = { bold: true }, note = ''): Line {
  const tail = note === '' || width - title.length < note.length + 6 ? '' : ` ${note}`;
  const rule = Math.max(0, width - title.length - 1 - tail.length);
  if (rule <= 0) return [seg(title, style)];
  return tail === '' ? [seg(title, style), seg(` ${'─'.repeat(rule)}`, { dim: true })] : [seg(title, style), seg(` ${'─'.repeat(rule)}`, { dim: true }), seg(tail, { dim: true })];
}
