import type { TaskColumns as Columns } from '../src/board/snapshot.js';
import type { TaskSummary } from '../src/board/types.js';
import { idList, stageTag } from './format.js';
import { cellsPerRow, fitWindow, type LayoutMode } from './layout.js';
import { fitLine, padLine, seg, titleLine, type Line, type Segment } from './lines.js';
import { COLUMN_COLOR } from './theme.js';

export type ColumnKey = keyof Columns;

export const COLUMN_ORDER: ColumnKey[] = ['ready', 'blocked', 'in_progress', 'done'];

export const COLUMN_TITLE: Record<ColumnKey, string> = {
  ready: 'Ready',
  blocked: 'Blocked',
  in_progress: 'In progress',
  done: 'Done',
};

const STAGE_COLORS = ['blue', 'magenta', 'cyan', 'yellow', 'green', 'red'];

/** Rows one task takes in a column: in-progress tasks show their owner and activity below. */
export function itemCost(column: ColumnKey): number {
  return column === 'in_progress' ? 2 : 1;
}

function stageSegment(task: TaskSummary, pipeline: string[]): Segment[] {
  const tag = stageTag(task.stage);
  if (tag === '') return [];
  const index = task.stage === null ? -1 : pipeline.indexOf(task.stage);
  const color = index >= 0 ? STAGE_COLORS[index % STAGE_COLORS.length] : 'gray';
  return [seg(tag, color ? { color } : { dim: true }), seg(' ')];
}

function itemLines(column: ColumnKey, task: TaskSummary, pipeline: string[], width: number, selected: boolean): Line[] {
  const id = seg(`#${task.id}`, { bold: true });
  const stage = stageSegment(task, pipeline);
  let first: Line;
  if (column === 'blocked') {
    const by = task.blockedBy.length > 0 ? idList(task.blockedBy) : 'gate';
    first = [id, seg(' ← ', { dim: true }), seg(by, { color: 'yellow' }), seg(' '), ...stage, seg(task.subject)];
  } else if (column === 'done') {
    first = [seg('✓ ', { color: 'green' }), id, seg(' '), ...stage, seg(task.subject, { dim: true })];
  } else {
    const retry = task.attempt > 1 ? [seg(`↻${task.attempt} `, { color: 'yellow' })] : [];
    first = [id, seg(' '), ...retry, ...stage, seg(task.subject)];
  }
  if (selected) first = padLine(first, width).map((s) => ({ ...s, inverse: true }));
  if (column !== 'in_progress') return [first];
  const second: Line = [seg('  '), seg(task.owner ?? 'unowned', { color: 'cyan', bold: true })];
  second.push(seg(`: ${task.activeForm ?? 'working'}`, { dim: true }));
  return [first, second];
}

export function columnLines(
  column: ColumnKey,
  tasks: TaskSummary[],
  pipeline: string[],
  width: number,
  height: number,
  selectedId: number | null,
): Line[] {
  const title = `${COLUMN_TITLE[column]} (${tasks.length})`;
  const lines: Line[] = [titleLine(title, width, { bold: true, color: COLUMN_COLOR[column] })];
  const selectedIndex = selectedId === null ? -1 : tasks.findIndex((t) => t.id === selectedId);
  const window = fitWindow(tasks.length, () => itemCost(column), height - 1, selectedIndex >= 0 ? selectedIndex : null);
  for (const task of tasks.slice(window.start, window.start + window.count)) {
    lines.push(...itemLines(column, task, pipeline, width, task.id === selectedId));
  }
  if (window.hidden > 0) lines.push([seg(`+${window.hidden} more`, { dim: true })]);
  if (tasks.length === 0 && height > 1) lines.push([seg(column === 'in_progress' ? 'nobody is working' : '—', { dim: true })]);
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
 * The four task columns as rows of text: side by side when wide, a 2×2 grid at 80 columns,
 * stacked when narrow. `rowHeights` is the height of each grid row.
 */
export function taskGridLines(columns: Columns, pipeline: string[], width: number, rowHeights: number[], mode: LayoutMode, selectedId: number | null): Line[] {
  const perRow = cellsPerRow(mode);
  const gap = perRow > 1 ? 1 : 0;
  const cellWidth = Math.floor((width - gap * (perRow - 1)) / perRow);
  const lines: Line[] = [];
  gridRows(mode).forEach((keys, r) => {
    const height = rowHeights[r] ?? 0;
    const cells = keys.map((key) => columnLines(key, columns[key], pipeline, cellWidth, height, selectedId));
    for (let i = 0; i < height; i++) {
      const row: Line = [];
      cells.forEach((cell, c) => {
        const line = cell[i] ?? [];
        if (c === cells.length - 1) row.push(...fitLine(line, cellWidth));
        else row.push(...padLine(line, cellWidth), seg(' '.repeat(gap)));
      });
      lines.push(row);
    }
  });
  return lines;
}
