/**
 * The report as one self-contained HTML page: inline CSS, the timeline as inline SVG, no scripts,
 * no requests (a Content-Security-Policy says so to the browser too), readable and printable.
 * Every string read from the board goes through the escaping template.
 */
import { formatDuration } from './duration.js';
import {
  GATE_STATUS_MARK,
  GATE_STEP_TEXT,
  GATE_STATUS_TEXT,
  QUESTION_KIND_TEXT,
  at,
  checkText,
  costText,
  durationText,
  formatCount,
  formatUsd,
  stageOf,
  taskStatusText,
  tasksText,
  tokensText,
} from './format.js';
import { REPORT_CSS } from './html-style.js';
import { html, raw, type Markup } from './html-template.js';
import { GATE_MARK_COLORS, GATE_WAIT_COLOR, PERSON_WAIT_COLOR, stageColor, timelineSvg } from './html-timeline.js';
import type { Decision, DecisionPart, GateReport, MetricTable, Outcome, Report } from './model.js';

const OUTCOME_TEXT: Record<Outcome, string> = {
  completed: 'Completed',
  'dry-run': 'Dry run',
  failed: 'Failed',
  stopped: 'Stopped',
  crashed: 'Crashed',
  running: 'Running',
  paused: 'Paused',
};

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function reportHtml(report: Report): string {
  const r = report.run;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${raw(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${`Run ${r.id} · ${r.team} · ${OUTCOME_TEXT[report.headline.outcome]}`}</title>
<style>${raw(REPORT_CSS)}</style>
</head>
<body>
<main>
${top(report)}
${timeline(report)}
${decisions(report)}
${gates(report)}
${metrics(report)}
${cost(report)}
${tasks(report)}
<footer>teamboard report of run ${r.id} (${r.team}) · workspace <code>${r.workspace}</code> · made ${new Date(report.generatedAt).toISOString()}</footer>
</main>
</body>
</html>
`;
  return page.html;
}

function top(report: Report): Markup {
  const r = report.run;
  const h = report.headline;
  const started = new Date(r.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return html`<header class="top">
<div class="eyebrow">teamboard · run ${r.id} · ${r.team} · ${r.backend} backend, seed ${r.seed} · started ${started}</div>
<span class="${`outcome outcome-${h.outcome}`}">${OUTCOME_TEXT[h.outcome]}</span>
<h1 class="headline">${h.text}</h1>
${h.next ? html`<div class="next muted">Next: <code>${h.next}</code></div>` : ''}
${r.description ? html`<p class="desc">${r.description}</p>` : ''}
<dl class="facts">
<div><dt>Took</dt><dd>${formatDuration(report.duration.ms)}<small>${durationText(report)}</small></dd></div>
<div><dt>Tasks</dt><dd>${tasksText(report)}</dd></div>
<div><dt>Questions</dt><dd>${questionsText(report)}<small>${formatDuration(report.duration.waitingMs)} waiting on a person</small></dd></div>
<div><dt>Tokens</dt><dd>${formatCount(report.totals.tokens)}<small>${tokensText(report)}</small></dd></div>
<div><dt>Cost</dt><dd>${costText(report)}${report.cost.note ? html`<small>${report.cost.note}</small>` : ''}</dd></div>
</dl>
</header>`;
}

function questionsText(report: Report): string {
  const { questions, openQuestions } = report.totals;
  if (questions === 0) return 'none asked';
  return openQuestions > 0 ? `${questions} asked, ${openQuestions} open` : `${questions} asked, all answered`;
}

function stageChip(report: Report, stage: string | null): Markup {
  const color = stageColor(stage === null ? -1 : report.stages.indexOf(stage));
  return html`<span class="stage"><span class="swatch" style="${`background:${color}`}"></span>${stageOf(stage)}</span>`;
}

function timeline(report: Report): Markup {
  const used = new Set(report.timeline.rows.flatMap((row) => row.bars.map((b) => b.stage)));
  const stages = [...report.stages.filter((s) => used.has(s)), ...(used.has(null) ? [null] : [])];
  const gateStatuses = [...new Set(report.timeline.gates.map((g) => g.status))];
  const offs = report.duration.off;
  return html`<section id="timeline">
<h2>Timeline</h2>
<p class="muted small">One row per member, a bar per task attempt from its claim to its end, coloured by stage. Strips under the bars: waiting on a person, or on a gate. Hover for details. Times from the start of the run (m:ss).</p>
${timelineSvg(report)}
<div class="legend">
${stages.map((s) => html`<span class="item">${stageChip(report, s)}</span>`)}
<span class="item"><span class="strip" style="${`background:${PERSON_WAIT_COLOR}`}"></span>waited on a person</span>
<span class="item"><span class="strip" style="${`background:${GATE_WAIT_COLOR}`}"></span>waited on a gate</span>
${report.totals.replaced > 0 ? html`<span class="item"><span class="hollow"></span>replaced by a retrain</span>` : ''}
${offs.length > 0 ? html`<span class="item"><span class="band"></span>paused / stopped (not counted)</span>` : ''}
${gateStatuses.map((s) => html`<span class="item"><span class="diamond" style="${`background:${GATE_MARK_COLORS[s]}`}"></span>gate ${GATE_STATUS_TEXT[s]}</span>`)}
</div>
${offs.length > 0 ? html`<p class="small">${offs.map((o) => html`<span class="tag">${`${o.kind} ${at(report, o.from)}–${at(report, o.to)}, ${formatDuration(o.ms)}${o.reason ? `: ${o.reason}` : ''}`}</span> `)}</p>` : ''}
</section>`;
}

function decisions(report: Report): Markup {
  if (report.decisions.length === 0) return html`<section id="decisions"><h2>Decisions</h2><p class="muted">No questions were asked.</p></section>`;
  return html`<section id="decisions">
<h2>Decisions</h2>
<table>
<thead><tr><th>#</th><th>asked by</th><th>question</th><th>answer</th><th>answered by</th><th class="num">asked</th><th class="num">waited</th></tr></thead>
<tbody>
${report.decisions.map((d) => decisionRows(report, d))}
</tbody>
</table>
</section>`;
}

function decisionRows(report: Report, d: Decision): Markup[] {
  return d.parts.map((p, i) => {
    const first = i === 0;
    const kind = d.kind === 'agent' ? '' : html`<span class="tag warn">${QUESTION_KIND_TEXT[d.kind]}</span>`;
    const about = d.taskId !== null ? html`<div class="muted small">for #${d.taskId} ${d.task ?? ''}</div>` : '';
    return html`<tr>
<td>${first ? d.id : ''}</td>
<td>${first ? html`${d.askedBy}${kind}${about}` : ''}</td>
<td><div>${p.question}</div>${options(p)}</td>
<td class="answer-cell">${answerCell(d, p)}</td>
<td>${first ? (d.answeredByText ?? '') : ''}</td>
<td class="num">${first ? at(report, d.askedAt) : ''}</td>
<td class="num">${first ? formatDuration(d.waitedMs) : ''}</td>
</tr>`;
  });
}

function options(p: DecisionPart): Markup | '' {
  if (p.options.length === 0) return '';
  return html`<div class="options">${p.options.map((o, i) => html`${i > 0 ? ' / ' : ''}${o.label}`)}</div>`;
}

function answerCell(d: Decision, p: DecisionPart): Markup {
  if (d.status === 'cancelled') return html`<span class="muted">cancelled${d.cancelReason ? `: ${d.cancelReason}` : ''}</span>`;
  if (p.answer === null) return html`<span class="muted">not answered yet</span>`;
  if (p.ownWords) return html`<span class="own-words">“${p.text ?? ''}”</span> <span class="tag">own words</span>`;
  return html`${p.picked.map((label) => html`<span class="picked">${label}</span>`)}${p.text ? html`<div class="note">${p.text}</div>` : ''}`;
}

function gates(report: Report): Markup {
  if (report.gates.length === 0) return html`<section id="gates"><h2>Gates</h2><p class="muted">No gates.</p></section>`;
  return html`<section id="gates"><h2>Gates</h2><div class="gates">${report.gates.map((g) => gate(report, g))}</div></section>`;
}

function gate(report: Report, g: GateReport): Markup {
  return html`<div class="${`gate gate-${g.status}`}">
<div class="head"><span class="${`pill pill-${g.status}`}">${GATE_STATUS_MARK[g.status]} ${GATE_STATUS_TEXT[g.status]}</span><span class="what">${g.description}</span></div>
<dl>
<dt>checked</dt><dd>${g.check ? checkText(g.check) : 'a person’s approval'}</dd>
${g.detail ? html`<dt>result</dt><dd>${g.detail}</dd>` : ''}
${g.note ? html`<dt>condition</dt><dd><span class="note">${g.note}</span></dd>` : ''}
${g.decidedByText ? html`<dt>decided by</dt><dd>${g.decidedByText}</dd>` : ''}
${g.retrains > 0 ? html`<dt>retrains</dt><dd>${g.retrains}</dd>` : ''}
</dl>
${g.history.length > 1 ? html`<ol class="small">${g.history.map((h) => html`<li>${at(report, h.at)} ${GATE_STEP_TEXT[h.status]}${h.detail ? `: ${h.detail}` : ''}${h.note ? ` (${h.note})` : ''}</li>`)}</ol>` : ''}
</div>`;
}

function metrics(report: Report): Markup {
  if (report.metrics.length === 0) return html`<section id="metrics"><h2>Metrics</h2><p class="muted">No metrics were recorded.</p></section>`;
  return html`<section id="metrics"><h2>Metrics</h2><div class="metrics">${report.metrics.map((m) => metricCard(report, m))}</div></section>`;
}

function metricCard(report: Report, m: MetricTable): Markup {
  const withBaseline = m.rows.some((row) => row.baseline !== null);
  return html`<div class="${m.replacedBy !== null ? 'metric-card replaced' : 'metric-card'}">
<h3>#${m.taskId} ${m.subject}${m.replacedBy !== null ? html`<span class="tag warn">replaced by #${m.replacedBy}</span>` : ''}</h3>
<div class="small muted">${stageChip(report, m.stage)}${m.owner ? ` · ${m.owner}` : ''}</div>
<table>
<thead><tr><th>metric</th><th class="num">value</th>${withBaseline ? html`<th class="num">baseline</th>` : ''}</tr></thead>
<tbody>${m.rows.map((row) => html`<tr><td>${row.label}</td><td class="num">${row.shown}</td>${withBaseline ? html`<td class="num">${row.baselineShown ?? ''}</td>` : ''}</tr>`)}</tbody>
</table>
${m.note ? html`<p class="small"><span class="muted">Note from ${m.owner ?? 'the owner'}:</span> ${m.note}</p>` : ''}
</div>`;
}

function cost(report: Report): Markup {
  const most = Math.max(1, ...report.members.map((m) => m.tokens));
  const unattributed = report.cost.unattributedTokens > 0;
  return html`<section id="cost">
<h2>Cost</h2>
${report.cost.note ? html`<p class="muted">${report.cost.note}</p>` : ''}
<h3>Per member</h3>
<table>
<thead><tr><th>member</th><th>role</th><th>model</th><th class="num">turns</th><th class="num">calls</th><th class="num">tokens</th><th class="num">cost</th><th class="num">busy</th><th class="num">waited on a person</th></tr></thead>
<tbody>
${report.members.map(
  (m) =>
    html`<tr><td>${m.name}</td><td>${m.role}</td><td>${m.model}</td><td class="num">${m.turns}</td><td class="num">${m.calls}</td><td class="num">${formatCount(m.tokens)}<span class="share" style="${`width:${Math.round((m.tokens / most) * 60)}px`}"></span></td><td class="num">${formatUsd(m.costUsd)}</td><td class="num">${formatDuration(m.busyMs)}</td><td class="num">${formatDuration(m.waitedMs)}</td></tr>`,
)}
</tbody>
<tfoot><tr><td>total</td><td></td><td></td><td></td><td class="num">${report.totals.calls}</td><td class="num">${formatCount(report.totals.tokens)}</td><td class="num">${formatUsd(report.totals.costUsd)}</td><td></td><td></td></tr></tfoot>
</table>
${unattributed ? html`<p class="small muted">${formatCount(report.cost.unattributedTokens)} tokens (${formatUsd(report.cost.unattributedUsd)}) were not spent on a task: reading the board, planning. Per task: see Tasks.</p>` : html`<p class="small muted">Per task: see Tasks.</p>`}
</section>`;
}

function tasks(report: Report): Markup {
  return html`<section id="tasks">
<h2>Tasks</h2>
<table>
<thead><tr><th class="num">#</th><th>task</th><th>stage</th><th>owner</th><th>status</th><th class="num">attempt</th><th class="num">took</th><th class="num">tokens</th><th class="num">cost</th></tr></thead>
<tbody>
${report.tasks.map(
  (t) =>
    html`<tr class="${t.replacedBy !== null ? 'replaced' : ''}"><td class="num">${t.id}</td><td><span class="subject">${t.subject}</span>${t.replacedBy !== null ? html`<span class="tag warn">${taskStatusText(t)}</span>` : ''}${t.retrainOf !== null ? html`<span class="tag">retrain of #${t.retrainOf}</span>` : ''}${t.simulated ? html`<span class="tag">simulated</span>` : ''}</td><td>${stageChip(report, t.stage)}</td><td>${t.owner ?? ''}</td><td>${t.replacedBy !== null ? 'completed' : taskStatusText(t)}</td><td class="num">${t.attempt}</td><td class="num">${t.durationMs === null ? '' : formatDuration(t.durationMs)}</td><td class="num">${formatCount(t.tokens)}</td><td class="num">${formatUsd(t.costUsd)}</td></tr>`,
)}
</tbody>
</table>
</section>`;
}
