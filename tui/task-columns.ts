import type { BoardSnapshot, TaskColumns as Columns } from '../src/board/snapshot.js';
import type { TaskSummary } from '../src/board/types.js';
import { stageTag } from './format.js';
import { cellsPerRow, fitWindow, type LayoutMode } from './layout.js';
import { fitLine, padLine, seg, titleLine, type Line, type Segment } from './lines.js';
import { COLUMN_COLOR } from './theme.js';
import { blockedText } from './waits.js';

export type ColumnKey = keyof Columns;

export const COLUMN_ORDER: ColumnKey[] = ['ready', 'blocked', 'in_progress', 'done'];

export const COLUMN_TITLE: Record<ColumnKey, string> = {
  ready: 'Ready',
  blocked: 'Blocked',
  in_progress: 'In progress',
  done: 'Done',
};

const STAGE_COLORS = ['blue', 'magenta', 'cyan', 'yellow', 'green', 'red'];

/** What a card needs besides the task: the stages (for "after data") and the pipeline (stage colours). */
export type CardContext = Pick<BoardSnapshot, 'run' | 'stages'>;

/** Rows one task takes in a column: in-progress tasks show their owner and activity below, blocked ones what they wait for. */
export function itemCost(column: ColumnKey): number {
  return column === 'in_progress' || column === 'blocked' ? 2 : 1;
}

function stageSegment(task: TaskSummary, pipeline: string[]): Segment[] {
  const tag = stageTag(task.stage);
  if (tag === '') return [];
  const index = task.stage === null ? -1 : pipeline.indexOf(task.stage);
  const color = index >= 0 ? STAGE_COLORS[index % STAGE_COLORS.length] : 'gray';
  return [seg(tag, color ? { color } : { dim: true }), seg(' ')];
}

function itemLines(column: ColumnKey, task: TaskSummary, ctx: CardContext, width: number, selected: boolean): Line[] {
  const id = seg(`#${task.id}`, { bold: true });
  const stage = stageSegment(task, ctx.run.pipeline);
  let first: Line;
  if (column === 'done') {
    if (task.replacedBy !== undefined) first = [seg('↻ ', { color: 'yellow' }), seg(`#${task.id}`, { dim: true }), seg(' '), ...stage, seg(task.subject, { dim: true }), seg(` → #${task.replacedBy}`, { color: 'yellow' })];
    else first = [seg('✓ ', { color: 'green' }), id, seg(' '), ...stage, seg(task.subject, { dim: true })];
    if (task.simulated === true) first.push(seg(' (sim)', { color: 'magenta' }));
  } else {
    const retry = task.attempt > 1 ? [seg(`↻${task.attempt} `, { color: 'yellow' })] : [];
    first = [id, seg(' '), ...retry, ...stage, seg(task.subject)];
  }
  if (selected) first = padLine(first, width).map((s) => ({ ...s, inverse: true }));
  if (column === 'blocked') return [first, [seg('  ← ', { dim: true }), seg(blockedText(task, ctx), { color: 'yellow' })]];
  if (column !== 'in_progress') return [first];
  const second: Line = [seg('  '), seg(task.owner ?? 'unowned', { color: 'cyan', bold: true })];
  second.push(seg(`: ${task.activeForm ?? 'working'}`, { dim: true }));
  return [first, second];
}

export function columnLines(column: ColumnKey, tasks: TaskSummary[], ctx: CardContext, width: number, height: number, selectedId: number | null): Line[] {
  const title = `${COLUMN_TITLE[column]} (${tasks.length})`;
  const lines: Line[] = [titleLine(title, width, { bold: true, color: COLUMN_COLOR[column] })];
  const selectedIndex = selectedId === null ? -1 : tasks.findIndex((t) => t.id === selectedId);
  const window = fitWindow(tasks.length, () => itemCost(column), height - 1, selectedIndex >= 0 ? selectedIndex : null);
  for (const task of tasks.slice(window.start, window.start + window.count)) {
    lines.push(...itemLines(column, task, ctx, width, task.id === selectedId));
  }
  if (window.hidden > 0) lines.push([seg(`+${window.hidden} more`, { dim: true })]);
  if (tasks.length === 0 && height > 1) lines.push([seg(column === 'in_progress' ? 'nobody working' : '—', { dim: true })]);
  return lines.slice(0, height);
}

function gridRows(mode: LayoutMode): ColumnKey[][] {
  const perRow = cellsPerRow(mode);
  const rows: ColumnKey[][] = [];
  for (let i = 0; i < COLUMN_ORDER.length; i += perRow) rows.push(COLUMN_ORDER.slice(i, i + perRow));
  return rows;
}

/** Rows each grid row would need to show every task (title, items, or the empty placeholder). */
export function gridRowNeeds(columns: Columns, mode: LayoutMode): number[] {
  return gridRows(mode).map((keys) => Math.max(...keys.map((key) => 1 + Math.max(1, columns[key].length * itemCost(key)))));
}

/**
 * Widths of the columns side by side in one grid row: an empty column keeps only what its title
 * needs and gives the rest of its share to the others.
 */
export function columnWidths(keys: ColumnKey[], columns: Columns, width: number): number[] {
  const gap = keys.length > 1 ? 1 : 0;
  const usable = width - gap * (keys.length - 1);
  const even = Math.floor(usable / keys.length);
  const narrow = keys.map((key) => (columns[key].length === 0 ? Math.min(even, `${COLUMN_TITLE[key]} (0) ──`.length) : null));
  const full = narrow.filter((n) => n === null).length;
  if (full === 0 || full === keys.length) return keys.map(() => even);
  const left = usable - narrow.reduce((a: number, n) => a + (n ?? 0), 0);
  const share = Math.floor(left / full);
  return narrow.map((n) => n ?? share);
}

/**
 * The four task columns as rows of text: side by side when wide, a 2×2 grid at 80 columns,
 * stacked when narrow. `rowHeights` is the height of each grid row.
 */
export function taskGridLines(columns: Columns, ctx: CardContext, width: number, rowHeights: number[], mode: LayoutMode, selectedId: number | null): Line[] {
  const lines: Line[] = [];
  gridRows(mode).forEach((keys, r) => {
    const height = rowHeights[r] ?? 0;
    const widths = columnWidths(keys, columns, width);
    const cells = keys.map((key, c) => columnLines(key, columns[key], ctx, widths[c] ?? 0, height, selectedId));
    for (let i = 0; i < height; i++) {
      const row: Line = [];
      cells.forEach((cell, c) => {
        const line = cell[i] ?? [];
        const cellWidth = widths[c] ?? 0;
        if (c === cells.length - 1) row.push(...fitLine(line, cellWidth));
        else row.push(...padLine(line, cellWidth), seg(' '));
      });
      lines.push(row);
    }
  });
  return lines;
}
