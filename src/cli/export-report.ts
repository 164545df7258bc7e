import { describeAnswers } from '../board/answers.js';
import type { Board } from '../board/board.js';
import { describeGate } from '../board/gates.js';
import type { AnswerPart, Json, JsonObject } from '../board/types.js';
import { describeEvent } from '../../tui/describe-event.js';
import { progressText } from './progress.js';
import { formatDuration } from './summary.js';

/** A task's recorded metrics (`metadata.metrics`), when it recorded an object of them. */
function metricsOf(metadata: JsonObject): { [key: string]: Json } | null {
  const metrics = metadata.metrics;
  return metrics !== null && metrics !== undefined && typeof metrics === 'object' && !Array.isArray(metrics) ? metrics : null;
}

/** Everything a person wants to know about a run after the fact, as plain data. */
export async function buildReport(board: Board, runId: number) {
  const run = await board.requireRun(runId);
  const [totals, tasks, events, members, questions, gates] = await Promise.all([
    board.runTotals(runId),
    board.listTaskRows(runId),
    board.listEvents(runId),
    board.listMembers(runId),
    board.listQuestions(runId),
    board.listGates(runId),
  ]);
  return {
    run: {
      id: run.id,
      team: run.team,
      status: run.status,
      reason: run.statusReason,
      backend: run.backend,
      seed: run.seed,
      workspace: run.workspace,
      budgetUsd: run.budgetUsd,
      startedAt: new Date(run.startedAt).toISOString(),
      endedAt: run.endedAt ? new Date(run.endedAt).toISOString() : null,
      durationMs: (run.endedAt ?? events[events.length - 1]?.ts ?? run.startedAt) - run.startedAt,
    },
    totals,
    members: members.map((m) => ({
      name: m.name,
      role: m.role,
      model: m.model,
      status: m.status,
      turns: m.turns,
      tokens: m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens,
      costUsd: m.costUsd,
    })),
    decisions: questions.map((q) => ({
      id: `q${q.id}`,
      kind: q.kind,
      askedBy: q.askedBy,
      taskId: q.taskId,
      questions: q.payload.questions.map((item) => ({ header: item.header, question: item.question, options: item.options.map((o) => o.label) })),
      status: q.status,
      answers: q.answers,
      answeredBy: q.answeredBy,
      askedAt: new Date(q.createdAt).toISOString(),
      answeredAt: q.answeredAt ? new Date(q.answeredAt).toISOString() : null,
    })),
    gates: gates.map((g) => ({ before: g.before, kind: g.kind, description: describeGate(g), status: g.status, detail: g.detail, note: g.note, decidedBy: g.decidedBy })),
    tasks: tasks.map((t) => ({
      id: t.id,
      key: t.key,
      subject: t.subject,
      stage: t.stage,
      role: t.role,
      owner: t.owner,
      status: t.status,
      attempt: t.attempt,
      metrics: metricsOf(t.metadata),
      tokens: t.tokens,
      costUsd: t.costUsd,
      durationMs: t.startedAt && t.completedAt ? t.completedAt - t.startedAt : null,
    })),
    timeline: events.flatMap((e) => {
      const line = describeEvent(e);
      return line.important && e.type !== 'tool.called' ? [{ at: e.ts - run.startedAt, actor: e.actor, type: e.type, text: progressText(line, false) }] : [];
    }),
  };
}

export type RunReport = Awaited<ReturnType<typeof buildReport>>;

/** One part's answer as the report shows it: the options picked (with a note), or the person's own words. */
function answerText(part: AnswerPart | undefined): string | null {
  return part === undefined ? null : describeAnswers([part]);
}

export function reportMarkdown(r: RunReport): string {
  const out: string[] = [];
  out.push(`# Run ${r.run.id}: ${r.run.team} (${r.run.status})`, '');
  if (r.run.reason) out.push(`> ${r.run.reason}`, '');
  out.push(
    `- backend: ${r.run.backend}, seed ${r.run.seed}`,
    `- started ${r.run.startedAt}, took ${formatDuration(r.run.durationMs)}`,
    `- tasks: ${r.tasks.filter((t) => t.status === 'completed').length}/${r.tasks.length} completed`,
    `- tokens: ${r.totals.tokens.toLocaleString('en-US')} (${r.totals.inputTokens.toLocaleString('en-US')} input, ${r.totals.outputTokens.toLocaleString('en-US')} output, ${r.totals.cacheReadTokens.toLocaleString('en-US')} cache read, ${r.totals.cacheWriteTokens.toLocaleString('en-US')} cache write)`,
    `- cost: $${r.totals.costUsd.toFixed(4)}${r.run.budgetUsd !== null ? ` of a $${r.run.budgetUsd.toFixed(2)} budget` : ''}`,
    `- workspace: \`${r.run.workspace}\``,
    '',
    '## Decisions',
    '',
  );
  if (r.decisions.length === 0) out.push('No questions were asked.', '');
  for (const d of r.decisions) {
    d.questions.forEach((q, i) => {
      const answer = answerText(d.answers?.find((a) => a.question === q.question) ?? d.answers?.[i]);
      out.push(`- **${d.id}** ${d.askedBy}${d.taskId ? ` (task #${d.taskId})` : ''} asked *${q.question}* (${q.options.join(' / ')}) -> **${answer ?? d.status}**${d.answeredBy ? ` (${d.answeredBy})` : ''}`);
    });
  }
  out.push('', '## Gates', '');
  if (r.gates.length === 0) out.push('No gates.');
  for (const g of r.gates) out.push(`- ${g.description}: **${g.status}**${g.detail ? ` (${g.detail})` : ''}${g.decidedBy ? `, decided by ${g.decidedBy}` : ''}${g.note ? ` (note: ${g.note})` : ''}`);
  out.push('', '## Metrics', '');
  const withMetrics = r.tasks.filter((t) => t.metrics && Object.keys(t.metrics).length > 0);
  if (withMetrics.length === 0) out.push('No metrics were recorded.');
  for (const t of withMetrics) {
    const shown = Object.entries(t.metrics ?? {}).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v)}`);
    out.push(`- #${t.id} ${t.subject}: ${shown.join(', ')}`);
  }
  out.push('', '## Tasks', '', '| # | task | stage | owner | status | attempt | time | tokens | cost |', '|---|---|---|---|---|---|---|---|---|');
  for (const t of r.tasks) {
    out.push(`| ${t.id} | ${t.subject} | ${t.stage ?? ''} | ${t.owner ?? ''} | ${t.status} | ${t.attempt} | ${t.durationMs !== null ? formatDuration(t.durationMs) : ''} | ${t.tokens.toLocaleString('en-US')} | $${t.costUsd.toFixed(4)} |`);
  }
  out.push('', '## Members', '', '| member | role | model | turns | tokens | cost |', '|---|---|---|---|---|---|');
  for (const m of r.members) out.push(`| ${m.name} | ${m.role} | ${m.model} | ${m.turns} | ${m.tokens.toLocaleString('en-US')} | $${m.costUsd.toFixed(4)} |`);
  out.push('', '## Timeline', '', '```');
  for (const e of r.timeline) out.push(`+${formatDuration(e.at).padStart(6)}  ${e.text}`);
  out.push('```', '');
  return out.join('\n');
}
