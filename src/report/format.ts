/** Wording and number formats the Markdown and HTML reports share, so both say the same thing. */
import type { GateStatus, QuestionKind } from '../board/types.js';
import { formatDuration, formatOffset } from './duration.js';
import { formatMetric, groupDigits } from './metrics.js';
import type { GateCheck, Report, TaskReport } from './model.js';

export function formatUsd(usd: number): string {
  // Cents hide what small runs cost; past a dollar they are enough.
  return Math.abs(usd) < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatCount(n: number): string {
  return groupDigits(n);
}

/** Where a moment sits on the run's timeline: `m:ss` from the run's start. */
export function at(report: Report, ts: number): string {
  return formatOffset(ts - report.run.startedAt);
}

export const GATE_STATUS_TEXT: Record<GateStatus, string> = {
  passed: 'passed',
  overridden: 'overridden',
  failed: 'failed',
  stopped: 'stopped the run',
  closed: 'not checked yet',
  waiting: 'waiting for a person',
};

/** A gate's status as a step of its history. */
export const GATE_STEP_TEXT: Record<GateStatus, string> = {
  passed: 'passed',
  overridden: 'overridden',
  failed: 'failed',
  stopped: 'stopped the run',
  closed: 'closed',
  waiting: 'waiting for a person',
};

/** A mark that tells gate statuses apart without colour. */
export const GATE_STATUS_MARK: Record<GateStatus, string> = {
  passed: '✓',
  overridden: '⚑',
  failed: '✗',
  stopped: '■',
  closed: '○',
  waiting: '…',
};

export const QUESTION_KIND_TEXT: Record<QuestionKind, string> = {
  agent: 'question',
  gate: 'failed gate',
  approval: 'approval',
  budget: 'budget',
  stuck: 'stuck member',
  permission: 'permission',
};

/** What a metric gate compared: `AUC 0.833 (needs ≥ 0.75 and above the baseline 0.677)`. */
export function checkText(check: GateCheck): string {
  const value = check.value === null ? `${check.label}: not recorded` : `${check.label} ${formatMetric(check.metric, check.value)}`;
  const needs: string[] = [];
  if (check.min !== null) needs.push(`≥ ${check.min}`);
  if (check.max !== null) needs.push(`≤ ${check.max}`);
  if (check.beatBaseline) needs.push(check.baseline === null ? 'above the baseline (none recorded)' : `above the baseline ${formatMetric(check.metric, check.baseline)}`);
  else if (check.baseline !== null) needs.push(`baseline ${formatMetric(check.metric, check.baseline)}`);
  const task = check.taskId === null ? check.task : `${check.task} #${check.taskId}`;
  return `${value} on ${task}${needs.length > 0 ? ` (needs ${needs.join(' and ')})` : ''}`;
}

/** The run's one duration with what it leaves out and what it contains, in a sentence. */
export function durationText(report: Report): string {
  const d = report.duration;
  const parts = [`${formatDuration(d.ms)} from the first claim to the end`];
  const answered = report.decisions.length;
  if (d.waitingMs > 0) parts.push(`${formatDuration(d.waitingMs)} of it waiting on a person (${answered} ${answered === 1 ? 'question' : 'questions'})`);
  if (d.offMs > 0) {
    const kinds = [...new Set(d.off.map((o) => (o.kind === 'paused' ? 'paused' : o.kind === 'stopped' ? 'stopped' : 'crashed')))].join(', ');
    parts.push(`not counting ${formatDuration(d.offMs)} ${kinds}`);
  }
  return parts.join('; ');
}

export function taskStatusText(t: TaskReport): string {
  if (t.replacedBy !== null) return `replaced by #${t.replacedBy}`;
  const status = t.status === 'in_progress' ? 'in progress' : t.status;
  return t.simulated ? `${status} (simulated)` : status;
}

export function tokensText(report: Report): string {
  const t = report.totals;
  return `${formatCount(t.tokens)} tokens (${formatCount(t.inputTokens)} input, ${formatCount(t.outputTokens)} output, ${formatCount(t.cacheReadTokens)} cache read, ${formatCount(t.cacheWriteTokens)} cache write) in ${formatCount(t.calls)} model ${t.calls === 1 ? 'call' : 'calls'}`;
}

export function costText(report: Report): string {
  const budget = report.run.budgetUsd !== null ? ` of a ${formatUsd(report.run.budgetUsd)} budget` : '';
  return `${formatUsd(report.totals.costUsd)}${budget}`;
}

export function tasksText(report: Report): string {
  const current = report.tasks.filter((t) => t.replacedBy === null);
  const done = current.filter((t) => t.status === 'completed').length;
  const replaced = report.totals.replaced > 0 ? `; ${report.totals.replaced} earlier ${report.totals.replaced === 1 ? 'attempt' : 'attempts'} replaced by a retrain` : '';
  return `${done} of ${current.length} done${replaced}`;
}

export function stageOf(stage: string | null): string {
  return stage ?? 'no stage';
}
