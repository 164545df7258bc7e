import { hardWrap, textCells, wordWrap } from './cells.js';
import { seg, type Line, type Segment } from './lines.js';

/**
 * Markdown as a terminal shows it plainly: headings bold and coloured, lists with bullets and a
 * hanging indent, code blocks and inline code in colour, tables aligned, prose wrapped to the width.
 * Not a full CommonMark renderer: what a model card, a runbook or a report needs to be readable.
 */
export function markdownLines(text: string, width: number): Line[] {
  const w = Math.max(10, width);
  const source = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Line[] = [];
  let fence: string | null = null;
  // Prose lines are joined into a paragraph (or onto the list item they continue) and wrapped once.
  let paragraph: string[] = [];
  let item: { lead: string; marker: string; text: string[] } | null = null;
  const flush = () => {
    if (paragraph.length > 0) out.push(...wrapSegments(inline(paragraph.join(' ')), w, [], []));
    paragraph = [];
    if (item) {
      const first = [seg(item.lead), seg(item.marker, { color: 'yellow' })];
      const hang = [seg(' '.repeat(item.lead.length + item.marker.length))];
      out.push(...wrapSegments(inline(item.text.join(' ')), w, first, hang));
    }
    item = null;
  };
  for (let i = 0; i < source.length; i++) {
    const raw = (source[i] ?? '').replace(/\t/g, '    ');
    if (fence !== null) {
      if (raw.trim().startsWith(fence)) {
        fence = null;
        continue;
      }
      for (const row of hardWrap(raw, w - 2)) out.push([seg('│ ', { dim: true }), seg(row, { color: 'cyan' })]);
      continue;
    }
    const opening = /^\s*(```|~~~)/.exec(raw);
    if (opening?.[1]) {
      flush();
      fence = opening[1];
      continue;
    }
    if (isTableRow(raw)) {
      flush();
      const rows: string[] = [];
      while (i < source.length && isTableRow(source[i] ?? '')) rows.push(source[i++] ?? '');
      i--;
      out.push(...tableLines(rows, w));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading?.[1] && heading[2] !== undefined) {
      flush();
      const level = heading[1].length;
      const style = level === 1 ? { bold: true, color: 'magenta' } : level === 2 ? { bold: true, color: 'cyan' } : { bold: true };
      for (const row of wordWrap(stripInline(heading[2]), w)) out.push([seg(row, style)]);
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      flush();
      out.push([seg('─'.repeat(w), { dim: true })]);
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(raw);
    if (quote) {
      flush();
      out.push(...wrapSegments(inline(quote[1] ?? '', { italic: true }), w, [seg('│ ', { dim: true })], [seg('│ ', { dim: true })]));
      continue;
    }
    const listed = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(raw);
    if (listed) {
      flush();
      const depth = Math.min(6, Math.floor((listed[1] ?? '').length / 2));
      item = { lead: '  '.repeat(depth), marker: /^\d/.test(listed[2] ?? '') ? `${listed[2]} ` : '• ', text: [listed[3] ?? ''] };
      continue;
    }
    if (raw.trim() === '') {
      flush();
      out.push([]);
      continue;
    }
    const indent = /^ */.exec(raw)?.[0].length ?? 0;
    if (item && indent > 0) {
      item.text.push(raw.trim());
      continue;
    }
    if (indent >= 2) {
      // An indented line in prose is a command or an example: kept as its own line, as written.
      flush();
      for (const row of hardWrap(raw, w)) out.push([seg(row, { color: 'cyan' })]);
      continue;
    }
    if (item) flush();
    paragraph.push(raw.trim());
  }
  flush();
  return out;
}

function isTableRow(line: string): boolean {
  const t = line.trim();
  return t.startsWith('|') && t.endsWith('|') && t.length > 1;
}

function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => stripInline(c.trim()));
}

/** A table with aligned columns; one too wide for the screen is shown row by row as it is written. */
function tableLines(rows: string[], width: number): Line[] {
  const parsed = rows.map(cellsOf);
  const isRule = (cells: string[]) => cells.every((c) => /^:?-+:?$/.test(c));
  const columns = Math.max(...parsed.map((c) => c.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...parsed.filter((r) => !isRule(r)).map((r) => textCells(r[c] ?? ''))));
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (columns - 1);
  if (total > width) return rows.flatMap((r) => hardWrap(r.trim(), width).map((t) => [seg(t)]));
  return parsed.map((cells, r): Line => {
    if (isRule(cells)) return [seg(widths.map((n) => '─'.repeat(n)).join('─┼─'), { dim: true })];
    const header = r === 0 && parsed[1] !== undefined && isRule(parsed[1]);
    const line: Line = [];
    cells.forEach((cell, c) => {
      if (c > 0) line.push(seg(' │ ', { dim: true }));
      const pad = ' '.repeat(Math.max(0, (widths[c] ?? 0) - textCells(cell)));
      line.push(seg(cell + (c < cells.length - 1 ? pad : ''), header ? { bold: true } : {}));
    });
    return line;
  });
}

/** Inline markup removed, for headings and table cells. */
function stripInline(text: string): string {
  return inline(text)
    .map((s) => s.text)
    .join('');
}

/** **bold**, `code`, *emphasis*, [links](url) as styled segments. */
function inline(text: string, base: Omit<Segment, 'text'> = {}): Segment[] {
  const out: Segment[] = [];
  const pattern = /(\*\*|__)(.+?)\1|`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    if (at > last) out.push(seg(text.slice(last, at), base));
    if (m[2] !== undefined) out.push(seg(m[2], { ...base, bold: true }));
    else if (m[3] !== undefined) out.push(seg(m[3], { ...base, color: 'cyan' }));
    else if (m[4] !== undefined) out.push(seg(m[4], { ...base, bold: true }), seg(` (${m[5] ?? ''})`, { ...base, dim: true }));
    else if (m[6] !== undefined) out.push(seg(m[6], { ...base, italic: true }));
    last = at + m[0].length;
  }
  if (last < text.length) out.push(seg(text.slice(last), base));
  return out;
}

/**
 * Styled text word-wrapped to `width` cells: the first row starts with `first`, the rest with
 * `hang` (a hanging indent for list items, a bar for quotes).
 */
export function wrapSegments(segments: Segment[], width: number, first: Segment[], hang: Segment[]): Line[] {
  const lead = (line: number) => (line === 0 ? first : hang);
  const leadCells = (line: number) => lead(line).reduce((n, s) => n + textCells(s.text), 0);
  // Words keep their style; a space between words takes the style of the word before it.
  const words: Segment[] = [];
  for (const s of segments) {
    const parts = s.text.split(/( +)/);
    for (const part of parts) if (part !== '') words.push({ ...s, text: part });
  }
  const lines: Line[] = [];
  let current: Segment[] = [...lead(0)];
  let used = leadCells(0);
  const room = () => Math.max(1, width - leadCells(lines.length));
  const flush = () => {
    while (current.length > 0 && /^ +$/.test(current[current.length - 1]?.text ?? '')) current.pop();
    lines.push(current);
    current = [...lead(lines.length)];
    used = leadCells(lines.length);
  };
  for (const word of words) {
    const cells = textCells(word.text);
    if (/^ +$/.test(word.text)) {
      if (used > leadCells(lines.length)) {
        current.push(word);
        used += cells;
      }
      continue;
    }
    if (used + cells > width && used > leadCells(lines.length)) flush();
    if (cells <= room()) {
      current.push(word);
      used += cells;
      continue;
    }
    for (const piece of hardWrap(word.text, room())) {
      if (used > leadCells(lines.length)) flush();
      current.push({ ...word, text: piece });
      used += textCells(piece);
    }
  }
  flush();
  return lines;
}
