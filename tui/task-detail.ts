import type { BoardEvent, EventOf } from '../src/board/events.js';
import type { BoardSnapshot } from '../src/board/snapshot.js';
import type { Json, TaskDetail, TaskSummary } from '../src/board/types.js';
import { eventLine } from './activity-feed.js';
import { SIM_METADATA } from './describe-event.js';
import { flattenJson, formatClock, formatCost, formatOffset, formatTokens, idList } from './format.js';
import { padLine, seg, type Line } from './lines.js';
import { markdownLines } from './markdown.js';
import { COLUMN_COLOR } from './theme.js';
import { blockedText } from './waits.js';

export interface DetailData {
  task: TaskDetail;
  history: BoardEvent[];
}

export type CommandEvent = EventOf<'tool.called'>;

/**
 * Metadata not listed as what the task recorded: the simulated model's script (older runs kept it
 * there) and its step count are internal to the dry run; the others are shown in their own way.
 */
const HIDDEN_METADATA = new Set([...SIM_METADATA, 'simulated', 'retrain_of', 'metrics']);

/** Output lines shown under each command in the detail; the rest is one key away. */
export const OUTPUT_LINES_IN_DETAIL = 4;

/** The commands the member ran for the task, oldest first. */
export function taskCommands(history: readonly BoardEvent[]): CommandEvent[] {
  return history.filter((e): e is CommandEvent => e.type === 'tool.called' && e.payload.tool === 'Bash');
}

/** Files the task's calls wrote, in the order first written. */
export function writtenFiles(history: readonly BoardEvent[]): string[] {
  const files: string[] = [];
  for (const e of history) if (e.type === 'tool.called' && e.payload.ok) for (const f of e.payload.files ?? []) if (!files.includes(f)) files.push(f);
  return files;
}

function isObject(value: Json | undefined): value is Record<string, Json> {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

export interface DetailContext {
  startedAt: number;
  width: number;
  /** The task as the board lists it (retrain replacement, simulated), if it is on the board. */
  summary?: TaskSummary;
  snapshot?: Pick<BoardSnapshot, 'run' | 'stages'>;
  /** Workspace files the task names or wrote that exist (offered with `o`). */
  files: readonly string[];
  /** The command selected with Tab (its full output opens with Enter). */
  command: number | null;
}

export interface DetailContent {
  lines: Line[];
  /** The first row of each command's block, for Tab to scroll to. */
  commandRows: number[];
}

/** Everything about one task, as lines to scroll through (the title is drawn separately). */
export function detailContent(data: DetailData, ctx: DetailContext): DetailContent {
  const { task, history } = data;
  const { startedAt, width } = ctx;
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
  if (task.startedAt !== null && task.completedAt !== null) when.push(seg(' · took ', dim), seg(formatClock(task.completedAt - task.startedAt)));
  lines.push(when);
  const spend: Line = [];
  if (task.key) spend.push(seg('key ', dim), seg(task.key), seg(' · ', dim));
  spend.push(seg(`${formatTokens(task.tokens)} tok`), seg(' · ', dim), seg(formatCost(task.costUsd)));
  lines.push(spend);
  const deps: Line = [];
  const sep = () => (deps.length > 0 ? ' · ' : '');
  const open = new Set(task.status === 'completed' ? [] : task.blockedBy);
  if (task.status !== 'completed' && (task.blockedBy.length > 0 || task.gate !== undefined)) {
    const summary = ctx.summary ?? task;
    const blocked = ctx.snapshot ? blockedText(summary, ctx.snapshot) : idList(task.blockedBy, 12);
    if (blocked !== '') deps.push(seg('blocked: ', dim), seg(blocked, { color: 'yellow' }));
  }
  // Dependencies already done are worth naming too; open ones are in "waits for".
  const done = task.dependsOn.filter((id) => !open.has(id));
  if (done.length > 0) deps.push(seg(`${sep()}after `, dim), seg(`${idList(done, 12)} (done)`));
  if (task.blocks.length > 0) deps.push(seg(`${sep()}blocks `, dim), seg(idList(task.blocks, 12)));
  if (deps.length > 0) lines.push(deps);
  if (task.gate) lines.push([seg('gate ', dim), seg(task.gate, { color: 'yellow' })]);
  if (ctx.summary?.replacedBy !== undefined) lines.push([seg(`↻ replaced by #${ctx.summary.replacedBy}: a retrain made a newer attempt`, { color: 'yellow' })]);
  if (task.simulated === true || ctx.summary?.simulated === true) lines.push([seg('simulated: the dry run played this task without doing it', { color: 'magenta' })]);

  lines.push([], [seg('Description', { bold: true })]);
  if (task.description.trim() === '') lines.push([seg('  (none)', dim)]);
  for (const row of markdownLines(task.description.trim(), Math.max(10, width - 2))) lines.push([seg('  '), ...row]);

  const metrics = task.metadata.metrics;
  if (isObject(metrics) && Object.keys(metrics).length > 0) {
    const entries = flattenJson(metrics);
    const keyWidth = Math.min(24, Math.max(...entries.map(([k]) => k.length)));
    lines.push([], [seg(`Metrics (${entries.length})`, { bold: true })]);
    for (const [key, value] of entries) lines.push([seg(`  ${key.padEnd(keyWidth)}  `, dim), seg(value, { color: 'yellow' })]);
  }

  const recorded = Object.entries(task.metadata).filter(([k]) => !HIDDEN_METADATA.has(k));
  if (recorded.length > 0) {
    lines.push([], [seg('Recorded', { bold: true })]);
    for (const [key, value] of recorded) {
      for (const [k, v] of flattenJson(value, key, 1)) lines.push([seg(`  ${k}: `, dim), seg(v)]);
    }
  }

  if (ctx.files.length > 0) {
    const written = writtenFiles(history);
    lines.push([], [seg(`Files (${ctx.files.length})`, { bold: true }), seg('  o opens them', dim)]);
    for (const f of ctx.files) lines.push([seg('  '), seg(f, { color: 'cyan' }), seg(written.includes(f) ? '  written here' : '  named here', dim)]);
  }

  const commands = taskCommands(history);
  const commandRows: number[] = [];
  if (commands.length > 0) {
    lines.push([], [seg(`Commands (${commands.length})`, { bold: true }), seg('  Tab selects one · ⏎ its full output', dim)]);
    commands.forEach((e, i) => {
      commandRows.push(lines.length);
      lines.push(...commandLines(e, startedAt, i === ctx.command));
    });
  }

  // Everything else that happened to the task; the commands are listed above.
  const activity = history.filter((e) => !(e.type === 'tool.called' && e.payload.tool === 'Bash'));
  lines.push([], [seg(`Activity (${activity.length})`, { bold: true })]);
  if (activity.length === 0) lines.push([seg('  (nothing yet)', dim)]);
  for (const event of activity) lines.push([seg('  '), ...eventLine(event, startedAt, 12)]);
  return { lines, commandRows };
}

/** One command: when, who, the command line and its exit code, then the last lines it printed. */
export function commandLines(e: CommandEvent, startedAt: number, selected: boolean): Line[] {
  const p = e.payload;
  const code = p.exitCode;
  const failed = !p.ok || (code !== undefined && code !== null && code !== 0);
  const status = code === undefined ? (p.ok ? 'ok' : 'failed') : code === null ? 'killed' : `exit ${code}`;
  const head: Line = [
    seg(selected ? '❯ ' : '  ', { color: 'yellow', bold: true }),
    seg(formatOffset(e.ts - startedAt), { dim: true }),
    seg(' '),
    seg(p.member, { color: 'cyan' }),
    seg(' $ ', { dim: true }),
    seg(p.summary, selected ? { bold: true, color: 'yellow' } : { bold: true }),
    seg('  '),
    seg(status, { color: failed ? 'red' : 'green', bold: failed }),
  ];
  const lines: Line[] = [head];
  if (p.error && code === undefined) lines.push([seg('    '), seg(p.error, { color: 'red' })]);
  const output = p.output ?? [];
  const hidden = Math.max(0, output.length - OUTPUT_LINES_IN_DETAIL);
  if (hidden > 0) lines.push([seg(`    │ … ${hidden} line${hidden === 1 ? '' : 's'} above; Tab to it and ⏎ for the full output`, { dim: true })]);
  for (const row of output.slice(-OUTPUT_LINES_IN_DETAIL)) lines.push([seg('    │ ', { dim: true }), seg(row, failed ? { color: 'red' } : {})]);
  return lines;
}

export function detailTitle(task: TaskDetail, width: number): Line {
  return padLine([seg(` Task #${task.id} `, { bold: true }), seg(task.subject)], width).map((s) => ({ ...s, inverse: true }));
}

/** Rows available for content: the title and the scroll hint take one each. */
export function detailViewport(height: number): number {
  return Math.max(1, height - 2);
}

/** The detail view in exactly `height` rows: title, a scrolled window of the content, the position and the keys. */
export function detailFrameLines(data: DetailData, content: DetailContent, width: number, height: number, scroll: number, files: boolean): Line[] {
  const viewport = detailViewport(height);
  const all = content.lines;
  const top = Math.max(0, Math.min(scroll, all.length - viewport));
  const shown = all.slice(top, top + viewport);
  const below = all.length - top - shown.length;
  const keys = ['↑↓ scroll'];
  if (content.commandRows.length > 0) keys.push('Tab command', '⏎ output');
  if (files) keys.push('o files');
  keys.push('Esc close');
  const position = all.length > viewport ? `lines ${top + 1}-${top + shown.length} of ${all.length}${below > 0 ? ` (${below} more)` : ''} · ` : '';
  const lines = [detailTitle(data.task, width), ...shown];
  while (lines.length < height - 1) lines.push([]);
  lines.push([seg(`${position}${keys.join(' · ')}`, { dim: true })]);
  return lines.slice(0, height);
}
