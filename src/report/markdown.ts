/** The report as Markdown: the same headline and sections as the HTML, readable in a terminal too. */
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
import type { Decision, GateReport, MetricTable, Report } from './model.js';
import { cleanText, escapeMarkdown as md } from './safe-text.js';

export function reportMarkdown(report: Report): string {
  const out: string[] = [];
  const r = report.run;
  out.push(`# Run ${r.id}: ${md(r.team)} (${r.state})`, '');
  out.push(`**${md(report.headline.text)}**`, '');
  if (r.description) out.push(`> ${md(r.description)}`, '');
  out.push(
    '| | |',
    '|---|---|',
    `| took | ${durationText(report)} |`,
    `| tasks | ${tasksText(report)} |`,
    `| questions | ${questionsText(report)} |`,
    `| tokens | ${tokensText(report)} |`,
    `| cost | ${costText(report)}${report.cost.note ? ` — ${md(report.cost.note)}` : ''} |`,
    `| run | backend ${r.backend}, seed ${r.seed}, started ${new Date(r.startedAt).toISOString()} |`,
    `| workspace | ${code(r.workspace)} |`,
    '',
  );
  timeline(report, out);
  decisions(report, out);
  gates(report, out);
  metrics(report, out);
  cost(report, out);
  tasks(report, out);
  return out.join('\n');
}

function questionsText(report: Report): string {
  const { questions, openQuestions } = report.totals;
  if (questions === 0) return 'none asked';
  return openQuestions > 0 ? `${questions} asked, ${openQuestions} still open` : `${questions} asked, all answered`;
}

/** Inline code that cannot be closed early by a backtick in the text. */
function code(text: string): string {
  const clean = cleanText(text).replace(/\s+/g, ' ');
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${clean.replace(/\|/g, '\\|')}${fence}`;
}

function timeline(report: Report, out: string[]): void {
  out.push('## Timeline', '', 'Times are from the start of the run (m:ss); "took" leaves out the time the run was paused or stopped.', '');
  const d = report.duration;
  for (const o of d.off) {
    out.push(`- ${o.kind} ${at(report, o.from)}–${at(report, o.to)} (${formatDuration(o.ms)}, not counted)${o.reason ? `: ${md(o.reason)}` : ''}`);
  }
  if (d.off.length > 0) out.push('');
  const rows = report.timeline.rows.filter((row) => row.bars.length > 0 || row.waits.length > 0);
  if (rows.length === 0) {
    out.push('Nobody claimed a task.', '');
    return;
  }
  out.push('| member | what | from | to | took |', '|---|---|---|---|---|');
  for (const row of rows) {
    const items = [
      ...row.bars.map((b) => ({
        from: b.from,
        text: `#${b.taskId} ${md(b.subject)} (${md(stageOf(b.stage))}${b.attempt > 1 ? `, attempt ${b.attempt}` : ''})${b.replaced ? ', replaced by a retrain' : ''}${b.end === 'released' ? ', given back' : b.end === 'open' ? ', unfinished' : ''}`,
        to: b.to,
        ms: b.ms,
      })),
      ...row.waits.map((w) => ({ from: w.from, text: `*${md(w.label)}*`, to: w.to, ms: w.ms })),
    ].sort((a, b) => a.from - b.from);
    for (const item of items) out.push(`| ${md(row.member)} | ${item.text} | ${at(report, item.from)} | ${at(report, item.to)} | ${formatDuration(item.ms)} |`);
  }
  out.push('');
}

function decisions(report: Report, out: string[]): void {
  out.push('## Decisions', '');
  if (report.decisions.length === 0) {
    out.push('No questions were asked.', '');
    return;
  }
  for (const d of report.decisions) out.push(...decisionLines(report, d));
  out.push('');
}

function decisionLines(report: Report, d: Decision): string[] {
  const kind = d.kind === 'agent' ? '' : ` [${QUESTION_KIND_TEXT[d.kind]}]`;
  const about = d.taskId !== null ? `, for #${d.taskId}${d.task ? ` ${md(d.task)}` : ''}` : '';
  const who = d.answeredByText ? `${md(d.answeredByText)}, ` : '';
  const ending =
    d.status === 'answered' ? ` (${who}after ${formatDuration(d.waitedMs)})` : d.status === 'cancelled' ? ` (cancelled${d.cancelReason ? `: ${md(d.cancelReason)}` : ''})` : ` (open for ${formatDuration(d.waitedMs)})`;
  const lines = d.parts.map((p) => {
    const options = p.options.length > 0 ? ` (${p.options.map((o) => md(o.label)).join(' / ')})` : '';
    const answer = p.answer === null ? '**not answered**' : `**${md(p.answer)}**`;
    const followUp = p.followedUpBy !== null ? `, followed up in ${p.followedUpBy}` : '';
    return `*${md(p.question)}*${options} -> ${answer}${followUp}`;
  });
  const head = `- **${d.id}**${kind} ${md(d.askedBy)} asked at ${at(report, d.askedAt)}${about}:`;
  if (lines.length === 1) return [`${head} ${lines[0] ?? ''}${ending}`];
  return [`${head}${ending}`, ...lines.map((l) => `  - ${l}`)];
}

function gates(report: Report, out: string[]): void {
  out.push('## Gates', '');
  if (report.gates.length === 0) {
    out.push('No gates.', '');
    return;
  }
  out.push('| gate | status | checked | detail | note | decided by |', '|---|---|---|---|---|---|');
  for (const g of report.gates) {
    const checked = g.check ? md(checkText(g.check)) : 'a person’s approval';
    out.push(`| ${md(g.description)} | ${GATE_STATUS_MARK[g.status]} **${GATE_STATUS_TEXT[g.status]}** | ${checked} | ${md(g.detail ?? '')} | ${md(g.note ?? '')} | ${md(g.decidedByText ?? '')} |`);
  }
  out.push('');
  for (const g of report.gates.filter((gate) => gate.history.length > 1)) out.push(historyLine(report, g));
  if (report.gates.some((g) => g.history.length > 1)) out.push('');
}

function historyLine(report: Report, g: GateReport): string {
  const steps = g.history.map((h) => `${at(report, h.at)} ${GATE_STEP_TEXT[h.status]}${h.detail ? ` (${md(h.detail)})` : ''}`);
  return `- gate before ${md(g.before)}: ${steps.join(' -> ')}`;
}

function metrics(report: Report, out: string[]): void {
  out.push('## Metrics', '');
  if (report.metrics.length === 0) {
    out.push('No metrics were recorded.', '');
    return;
  }
  for (const table of report.metrics) out.push(...metricTable(table), '');
}

function metricTable(table: MetricTable): string[] {
  const replaced = table.replacedBy !== null ? ` — replaced by #${table.replacedBy} (a retrain redid it)` : '';
  const lines = [`### #${table.taskId} ${md(table.subject)} (${md(stageOf(table.stage))}${table.owner ? `, ${md(table.owner)}` : ''})${replaced}`, ''];
  const withBaseline = table.rows.some((row) => row.baseline !== null);
  lines.push(withBaseline ? '| metric | value | baseline |' : '| metric | value |', withBaseline ? '|---|---:|---:|' : '|---|---:|');
  for (const row of table.rows) lines.push(`| ${md(row.label)} | ${md(row.shown)} |${withBaseline ? ` ${md(row.baselineShown ?? '')} |` : ''}`);
  if (table.note) lines.push('', `Note from ${md(table.owner ?? 'the owner')}: ${md(table.note)}`);
  return lines;
}

function cost(report: Report, out: string[]): void {
  out.push('## Cost', '');
  if (report.cost.note) out.push(`*${md(report.cost.note)}*`, '');
  out.push('| member | role | model | turns | calls | tokens | cost | busy | waited on a person |', '|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const m of report.members) {
    out.push(
      `| ${md(m.name)} | ${md(m.role)} | ${md(m.model)} | ${m.turns} | ${m.calls} | ${formatCount(m.tokens)} | ${formatUsd(m.costUsd)} | ${formatDuration(m.busyMs)} | ${formatDuration(m.waitedMs)} |`,
    );
  }
  out.push(`| **total** | | | | ${report.totals.calls} | ${formatCount(report.totals.tokens)} | ${formatUsd(report.totals.costUsd)} | | |`, '');
  if (report.cost.unattributedTokens > 0) {
    out.push(`${formatCount(report.cost.unattributedTokens)} tokens (${formatUsd(report.cost.unattributedUsd)}) were not spent on a task: reading the board, planning. Per task: see Tasks.`);
  } else {
    out.push('Per task: see Tasks.');
  }
  out.push('');
}

function tasks(report: Report, out: string[]): void {
  out.push('## Tasks', '', '| # | task | stage | owner | status | attempt | took | tokens | cost |', '|---|---|---|---|---|---|---|---|---|');
  for (const t of report.tasks) {
    const subject = t.replacedBy !== null ? `~~${md(t.subject)}~~` : md(t.subject);
    const took = t.durationMs === null ? '' : formatDuration(t.durationMs);
    out.push(`| ${t.id} | ${subject} | ${md(t.stage ?? '')} | ${md(t.owner ?? '')} | ${md(taskStatusText(t))} | ${t.attempt} | ${took} | ${formatCount(t.tokens)} | ${formatUsd(t.costUsd)} |`);
  }
  out.push('');
}
