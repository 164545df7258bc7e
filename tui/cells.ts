/**
 * Terminal cells of text that comes from outside the board (workspace files, command output): such
 * text may hold wide characters (CJK, emoji) that take two cells, and combining marks that take
 * none. Board text (subjects, names) is assumed one cell a character, as everywhere else.
 */

/** Code point ranges of wide characters (East Asian wide and fullwidth, emoji presentation). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231a],
  [0x231b, 0x231b],
  [0x2329, 0x2329],
  [0x232a, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fd],
  [0x25fe, 0x25fe],
  [0x2614, 0x2614],
  [0x2615, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26aa],
  [0x26ab, 0x26ab],
  [0x26bd, 0x26bd],
  [0x26be, 0x26be],
  [0x26c4, 0x26c4],
  [0x26c5, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f2],
  [0x26f3, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270a],
  [0x270b, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1b],
  [0x2b1c, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

/** Code point ranges that take no cell (combining marks, zero-width and direction marks, variation selectors). */
const ZERO: readonly (readonly [number, number])[] = [
  [0x300, 0x36f],
  [0x483, 0x489],
  [0x591, 0x5bd],
  [0x610, 0x61a],
  [0x64b, 0x65f],
  [0xe31, 0xe31],
  [0xe34, 0xe3a],
  [0xe47, 0xe4e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xe0100, 0xe01ef],
];

function inRanges(cp: number, table: readonly (readonly [number, number])[]): boolean {
  for (const [lo, hi] of table) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

const PLAIN = /^[\u0020-\u007E]*$/;

export function charCells(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (inRanges(cp, ZERO)) return 0;
  return inRanges(cp, WIDE) ? 2 : 1;
}

export function textCells(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let n = 0;
  for (const ch of text) n += charCells(ch);
  return n;
}

/** The longest start of `text` that fits in `width` cells, and the rest. */
export function splitAtCells(text: string, width: number): [string, string] {
  if (PLAIN.test(text)) return [text.slice(0, width), text.slice(width)];
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const w = charCells(ch);
    if (used + w > width) break;
    used += w;
    end += ch.length;
  }
  return [text.slice(0, end), text.slice(end)];
}

/** Cut into rows of at most `width` cells (no word wrapping: code, tables, output). */
export function hardWrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  if (textCells(text) <= width) return [text];
  const rows: string[] = [];
  let rest = text;
  while (rest !== '') {
    let [head, tail] = splitAtCells(rest, width);
    // A wide character wider than the whole row still has to go somewhere.
    if (head === '') [head, tail] = [Array.from(rest)[0] ?? '', rest.slice((Array.from(rest)[0] ?? ' ').length)];
    rows.push(head);
    rest = tail;
  }
  return rows;
}

/** Word-wrap to rows of at most `width` cells; words longer than a row are cut. */
export function wordWrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  if (textCells(text) <= width) return [text];
  const rows: string[] = [];
  let line = '';
  let lineCells = 0;
  for (const word of text.split(' ')) {
    const cells = textCells(word);
    if (line !== '' && lineCells + 1 + cells <= width) {
      line += ` ${word}`;
      lineCells += 1 + cells;
      continue;
    }
    if (line !== '') rows.push(line);
    if (cells <= width) {
      line = word;
      lineCells = cells;
      continue;
    }
    const pieces = hardWrap(word, width);
    rows.push(...pieces.slice(0, -1));
    line = pieces[pieces.length - 1] ?? '';
    lineCells = textCells(line);
  }
  if (line !== '') rows.push(line);
  return rows.length > 0 ? rows : [''];
}
