/**
 * The timeline picture as inline SVG: one row per member, a bar per task attempt coloured by
 * stage, strips under the bars where the member waited on a person or a gate, bands where the run
 * was off, and a line where a gate was decided. Hover titles give the details; nothing needs a script.
 */
import { formatDuration, formatOffset } from './duration.js';
import { html, type Markup } from './html-template.js';
import type { GateStatus } from '../board/types.js';
import type { Report, TimelineBar, TimelineRow, TimelineWait } from './model.js';

/** Stage colours in pipeline order (then round again); tasks without a stage are grey. */
export const STAGE_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6'];
export const NO_STAGE_COLOR = '#94a3b8';
/** The plot area's background: tests find the timeline in a screenshot by it. */
export const TIMELINE_BACKGROUND = '#f4f7fb';
export const PERSON_WAIT_COLOR = '#1f2937';
export const GATE_WAIT_COLOR = '#7c3aed';
export const OFF_COLOR = '#d9dee7';

export const GATE_MARK_COLORS: Record<GateStatus, string> = {
  passed: '#15803d',
  overridden: '#b45309',
  failed: '#dc2626',
  stopped: '#111827',
  closed: '#64748b',
  waiting: '#2563eb',
};

export function stageColor(index: number): string {
  return index < 0 ? NO_STAGE_COLOR : (STAGE_COLORS[index % STAGE_COLORS.length] ?? NO_STAGE_COLOR);
}

const WIDTH = 1120;
const LABEL = 150;
const RIGHT = 26;
const AXIS = 28;
const ROW = 38;
const BAR_TOP = 6;
const BAR_HEIGHT = 20;
const WAIT_TOP = 29;
const WAIT_HEIGHT = 5;

/** Coordinates to a tenth of a pixel: enough for the picture, and a short file. */
function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A tick step that puts at most about eight ticks on the axis. */
function tickStep(spanMs: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400].map((s) => s * 1000);
  return steps.find((s) => spanMs / s <= 8) ?? 86_400_000;
}

export function timelineSvg(report: Report): Markup {
  const t = report.timeline;
  const rows = t.rows;
  const span = Math.max(1, t.to - t.from);
  const plot = WIDTH - LABEL - RIGHT;
  const x = (ts: number) => round(LABEL + (Math.min(Math.max(ts, t.from), t.to) - t.from) * (plot / span));
  const height = AXIS + Math.max(1, rows.length) * ROW + 6;
  const bottom = AXIS + Math.max(1, rows.length) * ROW;
  const step = tickStep(span);
  const ticks: Markup[] = [];
  for (let ms = 0; ms <= span; ms += step) {
    const tx = x(t.from + ms);
    ticks.push(html`<line x1="${tx}" y1="${AXIS - 4}" x2="${tx}" y2="${bottom}" class="tick"/><text x="${tx}" y="${AXIS - 9}" class="tick-label">${formatOffset(ms)}</text>`);
  }
  const off = t.off.map((o) => {
    const ox = x(o.from);
    const w = round(Math.max(2, x(o.to) - ox));
    const label = `${o.kind} ${formatOffset(o.from - t.from)}–${formatOffset(o.to - t.from)}, ${formatDuration(o.ms)} not counted${o.reason ? `: ${o.reason}` : ''}`;
    return html`<g class="off"><title>${label}</title><rect x="${ox}" y="${AXIS}" width="${w}" height="${bottom - AXIS}" fill="${OFF_COLOR}"/><rect x="${ox}" y="${AXIS}" width="${w}" height="${bottom - AXIS}" fill="url(#off-hatch)"/>${w > 44 ? html`<text x="${ox + w / 2}" y="${AXIS + 12}" class="off-label">${o.kind}</text>` : ''}</g>`;
  });
  const gates = t.gates.map((g) => {
    const gx = x(g.at);
    const color = GATE_MARK_COLORS[g.status];
    const label = `${formatOffset(g.at - t.from)} ${g.label}`;
    return html`<g class="gate-mark"><title>${label}</title><line x1="${gx}" y1="${AXIS}" x2="${gx}" y2="${bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/><path d="M ${gx} ${AXIS - 6} l 5 5 l -5 5 l -5 -5 z" fill="${color}"/></g>`;
  });
  const body = rows.map((row, i) => rowSvg(report, row, AXIS + i * ROW, x));
  return html`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${`Timeline of run ${report.run.id}: one row per member, a bar per task attempt`}">
<defs><pattern id="off-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="3"/></pattern></defs>
<rect class="plot" x="${LABEL}" y="${AXIS}" width="${plot}" height="${bottom - AXIS}" fill="${TIMELINE_BACKGROUND}"/>
${ticks}${off}${body}${gates}
${rows.length === 0 ? html`<text x="${LABEL + plot / 2}" y="${AXIS + ROW / 2 + 4}" class="empty">no member took a task</text>` : ''}
</svg>`;
}

function rowSvg(report: Report, row: TimelineRow, top: number, x: (ts: number) => number): Markup {
  const bars = row.bars.map((b) => barSvg(report, b, top, x));
  const waits = row.waits.map((w) => waitSvg(report, w, top, x));
  return html`<g class="row" data-member="${row.member}">
<line x1="0" y1="${top + ROW}" x2="${WIDTH - RIGHT}" y2="${top + ROW}" class="row-line"/>
<text x="8" y="${top + 17}" class="member">${row.member}</text><text x="8" y="${top + 31}" class="role">${row.role}</text>
${bars}${waits}</g>`;
}

function barSvg(report: Report, b: TimelineBar, top: number, x: (ts: number) => number): Markup {
  const bx = x(b.from);
  const w = round(Math.max(3, x(b.to) - bx));
  const color = stageColor(b.stageIndex);
  const start = report.timeline.from;
  const ending = b.end === 'completed' ? 'completed' : b.end === 'released' ? 'given back' : b.end === 'deleted' ? 'deleted' : 'unfinished';
  const notes = [b.stage ?? 'no stage', b.attempt > 1 ? `attempt ${b.attempt}` : null, b.replaced ? 'replaced by a retrain' : null, b.simulated ? 'simulated, no work done' : null].filter((n) => n !== null);
  const title = `#${b.taskId} ${b.subject} (${notes.join(', ')}): ${formatOffset(b.from - start)}–${formatOffset(b.to - start)}, ${ending}, took ${formatDuration(b.ms)}`;
  const cls = `bar${b.replaced ? ' replaced' : ''}${b.end === 'open' ? ' open' : ''}`;
  const label = `#${b.taskId}`;
  const shape = b.replaced
    ? html`<rect class="${cls}" data-task="${b.taskId}" data-attempt="${b.attempt}" x="${bx}" y="${top + BAR_TOP}" width="${w}" height="${BAR_HEIGHT}" rx="3" fill="${color}" fill-opacity="0.3" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 2"/>`
    : html`<rect class="${cls}" data-task="${b.taskId}" data-attempt="${b.attempt}" x="${bx}" y="${top + BAR_TOP}" width="${w}" height="${BAR_HEIGHT}" rx="3" fill="${color}"/>`;
  const text = w >= label.length * 7 + 6 ? html`<text x="${bx + 5}" y="${top + BAR_TOP + 14}" class="${b.replaced ? 'bar-label dark' : 'bar-label'}">${label}</text>` : '';
  return html`<g><title>${title}</title>${shape}${text}</g>`;
}

function waitSvg(report: Report, w: TimelineWait, top: number, x: (ts: number) => number): Markup {
  const wx = x(w.from);
  const width = round(Math.max(3, x(w.to) - wx));
  const color = w.kind === 'person' ? PERSON_WAIT_COLOR : GATE_WAIT_COLOR;
  const title = `${w.label}: ${formatOffset(w.from - report.timeline.from)}–${formatOffset(w.to - report.timeline.from)}, ${formatDuration(w.ms)}`;
  return html`<g><title>${title}</title><rect class="${`wait wait-${w.kind}`}" x="${wx}" y="${top + WAIT_TOP}" width="${width}" height="${WAIT_HEIGHT}" rx="1.5" fill="${color}"/></g>`;
}
