import { hardWrap, wordWrap } from './cells.js';
import { jsonLines } from './json-lines.js';
import { padLine, seg, type Line } from './lines.js';
import { markdownLines } from './markdown.js';
import { formatBytes } from './format.js';
import type { FileView } from './workspace-files.js';
import { outputLines } from '../src/runtime/tool-event.js';

/** What the viewer shows: a workspace file, a command's output, or either still being read. */
export type Doc =
  | { kind: 'loading'; title: string }
  | { kind: 'file'; file: FileView }
  | { kind: 'output'; title: string; info: string; stdout: string; stderr: string; note: string | null };

export function docTitle(doc: Doc): string {
  if (doc.kind === 'file') return doc.file.path;
  return doc.title;
}

/** One line about the document under its title: size and kind, or where the output came from. */
export function docInfo(doc: Doc): string {
  if (doc.kind === 'loading') return 'reading…';
  if (doc.kind === 'output') return doc.info;
  const f = doc.file;
  if (!f.ok) return '';
  return [formatBytes(f.bytes), f.kind === 'markdown' ? 'Markdown' : f.kind === 'json' ? 'JSON' : 'text', f.abs].join(' · ');
}

/** The document's content as rows of the width, before scrolling. */
export function docBody(doc: Doc, width: number): Line[] {
  const w = Math.max(10, width);
  if (doc.kind === 'loading') return [[seg('reading…', { dim: true })]];
  if (doc.kind === 'output') {
    const lines: Line[] = [];
    if (doc.note) lines.push(...wordWrap(doc.note, w).map((t): Line => [seg(t, { color: 'yellow' })]), []);
    const section = (name: string, text: string) => {
      const rows = outputLines(text);
      if (rows.length === 0) return;
      lines.push([seg(name, { bold: true })]);
      for (const row of rows) for (const piece of hardWrap(row, w)) lines.push([seg(piece)]);
    };
    section('stdout', doc.stdout);
    if (doc.stdout !== '' && doc.stderr !== '') lines.push([]);
    section('stderr', doc.stderr);
    if (doc.stdout.trim() === '' && doc.stderr.trim() === '') lines.push([seg('(the command printed nothing)', { dim: true })]);
    return lines;
  }
  const f = doc.file;
  if (!f.ok) return wordWrap(f.message, w).map((t): Line => [seg(t, { color: 'yellow' })]);
  const note: Line[] = f.note ? [[seg(f.note, { color: 'yellow' })], []] : [];
  if (f.kind === 'markdown') return [...note, ...markdownLines(f.text, w)];
  if (f.kind === 'json' && f.json !== undefined) return [...note, ...jsonLines(f.json, w)];
  if (f.text === '') return [[seg('(empty file)', { dim: true })]];
  return [...note, ...outputLines(f.text).flatMap((row) => hardWrap(row, w).map((piece): Line => [seg(piece)]))];
}

/** Rows for the content: the title bar, the info line and the hint take one each. */
export function docViewport(height: number): number {
  return Math.max(1, height - 3);
}

export function clampScroll(scroll: number, total: number, viewport: number): number {
  return Math.max(0, Math.min(scroll, total - viewport));
}

/** The viewer in exactly `height` rows: title bar, info, a scrolled window of the body, the position and keys. */
export function docFrameLines(doc: Doc, body: Line[], width: number, height: number, scroll: number, keys: string): Line[] {
  const viewport = docViewport(height);
  const top = clampScroll(scroll, body.length, viewport);
  const shown = body.slice(top, top + viewport);
  const title = padLine([seg(` ${docTitle(doc)} `, { bold: true })], width).map((s) => ({ ...s, inverse: true, color: 'cyan' }));
  const info: Line = [seg(docInfo(doc), { dim: true })];
  const lines: Line[] = [title, info, ...shown];
  while (lines.length < height - 1) lines.push([]);
  const position = body.length > viewport ? `lines ${top + 1}-${top + shown.length} of ${body.length} · ` : '';
  lines.push([seg(`${position}${keys}`, { dim: true })]);
  return lines.slice(0, height);
}
