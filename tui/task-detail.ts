import type { BoardEvent } from '../src/board/events.js';
import type { TaskDetail } from '../src/board/types.js';
import { eventLine } from './activity-feed.js';
import { flattenJson, formatCost, formatOffset, formatTokens, idList, wrap } from './format.js';
import { padLine, seg, type Line } from './lines.js';
import { COLUMN_COLOR } from './theme.js';

export interface DetailData {
  task: TaskDetail;
  history: BoardEvent[];
}

/** Everything about one task, as lines to scroll through (the title is drawn separately). */
export function detailLines(data: DetailData, startedAt: number, width: number): Line[] {
  const { task, history } = data;
  const dim = { dim: true };
  const statusColor = task.status === 'completed' ? COLUMN_COLOR.done : task.status === 'in_progress' ? COLUMN_COLOR.in_progress : 'yellow';
  const lines: Line[] = [];
  const facts: Line = [seg(task.status, { color: statusColor, bold: true })];
  const add = (label: string, value: string | null | undefined) => {
    if (value === null || value === undefined || value === '') return;
    facts.push(seg(` · ${label} `, dim), seg(value));
  };
  add('owner', task.owner);
  add('stage', task.stage);
  add('role', task.role);
  add('attempt', String(task.attempt));
  lines.push(facts);
  const when: Line = [seg('created by ', dim), seg(task.createdBy), seg(' at ', dim), seg(formatOffset(task.createdAt - startedAt))];
  if (task.startedAt !== null) when.push(seg(' · started ', dim), seg(formatOffset(task.startedAt - startedAt)));
  if (task.completedAt !== null) when.push(seg(' · completed ', dim), seg(formatOffset(task.completedAt - startedAt)));
  lines.push(when);
  const spend: Line = [];
  if (task.key) spend.push(seg('key ', dim), seg(task.key), seg(' · ', dim));
  spend.push(seg(`${formatTokens(task.tokens)} tok`), seg(' · ', dim), seg(formatCost(task.costUsd)));
  lines.push(spend);
  const deps: Line = [];
  if (task.dependsOn.length > 0) deps.push(seg('waits on ', dim), seg(idList(task.dependsOn, 12)));
  if (task.blockedBy.length > 0) deps.push(seg(`${deps.length > 0 ? ' · ' : ''}blocked by `, dim), seg(idList(task.blockedBy, 12), { color: 'yellow' }));
  if (task.blocks.length > 0) deps.push(seg(`${deps.length > 0 ? ' · ' : ''}blocks `, dim), seg(idList(task.blocks, 12)));
  if (deps.length > 0) lines.push(deps);
  if (task.gate) lines.push([seg('gate ', dim), seg(task.gate, { color: 'yellow' })]);

  lines.push([], [seg('Description', { bold: true })]);
  const description = task.description.trim() === '' ? ['(none)'] : wrap(task.description.trim(), Math.max(10, width - 2));
  for (const text of description) lines.push([seg(`  ${text}`)]);

  const entries = flattenJson(task.metadata);
  lines.push([], [seg('Metadata', { bold: true })]);
  if (entries.length === 0) lines.push([seg('  (none)', dim)]);
  for (const [key, value] of entries) lines.push([seg(`  ${key}: `, dim), seg(value)]);

  lines.push([], [seg(`History (${history.length})`, { bold: true })]);
  if (history.length === 0) lines.push([seg('  (no events)', dim)]);
  for (const event of history) lines.push([seg('  '), ...eventLine(event, startedAt, 12)]);
  return lines;
}

export function detailTitle(task: TaskDetail, width: number): Line {
  return padLine([seg(` Task #${task.id} `, { bold: true }), seg(task.subject)], width).map((s) => ({ ...s, inverse: true }));
}

/** Rows available for content: the title and the scroll hint take one each. */
export function detailViewport(height: number): number {
  return Math.max(1, height - 2);
}

/** The detail view in exactly `height` rows: title, a scrolled window of the content, a scroll hint when it overflows. */
export function detailFrameLines(data: DetailData, startedAt: number, width: number, height: number, scroll: number): Line[] {
  const content = detailLines(data, startedAt, width);
  const viewport = detailViewport(height);
  const top = Math.max(0, Math.min(scroll, content.length - viewport));
  const shown = content.slice(top, top + viewport);
  const below = content.length - top - shown.length;
  const hint: Line =
    content.length > viewport
      ? [seg(`lines ${top + 1}-${top + shown.length} of ${content.length}${below > 0 ? ` (${below} more)` : ''} · ↑↓ scroll · Esc close`, { dim: true })]
      : [];
  const lines = [detailTitle(data.task, width), ...shown];
  while (lines.length < height - 1) lines.push([]);
  lines.push(hint);
  return lines.slice(0, height);
}
