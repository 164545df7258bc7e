import path from 'node:path';
import { formatBytes, pad, truncateStart } from './format.js';
import { fitWindow } from './layout.js';
import { padLine, seg, type Line } from './lines.js';
import type { DirListing } from './workspace-files.js';

/** The file list: files the question or task names first, then the folder being browsed. */
export interface BrowserState {
  /** Folder shown, relative to the workspace ('' is the workspace itself). */
  dir: string;
  cursor: number;
  /** Files named by what it was opened from (a question, a task); existing ones only. */
  named: string[];
}

export type BrowserItem = { kind: 'named'; path: string } | { kind: 'up'; path: string } | { kind: 'dir'; path: string; name: string } | { kind: 'file'; path: string; name: string; bytes: number | null };

export function browserItems(state: BrowserState, listing: DirListing | null): BrowserItem[] {
  const items: BrowserItem[] = state.named.map((p) => ({ kind: 'named', path: p }));
  if (state.dir !== '') items.push({ kind: 'up', path: parentDir(state.dir) });
  if (listing?.ok) {
    for (const e of listing.entries) items.push(e.dir ? { kind: 'dir', path: e.path, name: e.name } : { kind: 'file', path: e.path, name: e.name, bytes: e.bytes });
  }
  return items;
}

export function parentDir(dir: string): string {
  const parent = path.posix.dirname(dir);
  return parent === '.' ? '' : parent;
}

export function browserViewport(height: number): number {
  // Title, where, hint; one heading per section shown.
  return Math.max(1, height - 5);
}

export function browserLines(state: BrowserState, listing: DirListing | null, workspace: string, width: number, height: number): Line[] {
  const items = browserItems(state, listing);
  const title = padLine([seg(' Files ', { bold: true }), seg(`workspace ${truncateStart(workspace, Math.max(10, width - 18))}`)], width).map((s) => ({ ...s, inverse: true, color: 'cyan' }));
  const rows: Line[] = [];
  const cursorRow: number[] = [];
  const heading = (text: string) => rows.push([seg(text, { bold: true })]);
  const nameWidth = Math.max(10, Math.min(60, width - 14));
  if (state.named.length > 0) heading('Named here');
  items.forEach((item, i) => {
    if (i === state.named.length && item.kind !== 'named') heading(state.dir === '' ? 'Workspace' : `${state.dir}/`);
    const here = i === state.cursor;
    const mark = seg(here ? '❯ ' : '  ', { color: 'yellow', bold: true });
    const style = here ? { bold: true, color: 'yellow' } : {};
    cursorRow[i] = rows.length;
    if (item.kind === 'named') rows.push([mark, seg(item.path, style)]);
    else if (item.kind === 'up') rows.push([mark, seg('../', { ...style, color: here ? 'yellow' : 'blue' })]);
    else if (item.kind === 'dir') rows.push([mark, seg(`${item.name}/`, { ...style, color: here ? 'yellow' : 'blue' })]);
    else rows.push([mark, seg(pad(item.name, nameWidth), style), seg(item.bytes === null ? '' : formatBytes(item.bytes), { dim: true })]);
  });
  if (state.named.length === items.length) heading(state.dir === '' ? 'Workspace' : `${state.dir}/`);
  if (listing && !listing.ok) rows.push([seg(listing.message, { color: 'yellow' })]);
  else if (!listing) rows.push([seg('reading…', { dim: true })]);
  else if (listing.entries.length === 0) rows.push([seg('(empty folder)', { dim: true })]);

  const viewport = Math.max(1, height - 2);
  const selectedRow = cursorRow[state.cursor] ?? 0;
  const window = fitWindow(rows.length, () => 1, viewport, selectedRow);
  const shown = rows.slice(window.start, window.start + window.count);
  if (window.hidden > 0) shown.push([seg(`${window.hidden} more rows (↑↓)`, { dim: true })]);
  const lines: Line[] = [title, ...shown];
  while (lines.length < height - 1) lines.push([]);
  lines.push([seg('↑↓ move · ⏎ open · ← or Backspace: up a folder · Esc back', { dim: true })]);
  return lines.slice(0, height);
}
