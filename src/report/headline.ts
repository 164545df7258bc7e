/** The report's first line: how the run ended and what came of it, from the run's own data. */
import { dryRunOf } from '../board/dry-run.js';
import type { Decision, GateReport, Headline, Report, ReportTotals, TaskReport } from './model.js';
import { formatDuration } from './duration.js';
import { formatMetric } from './metrics.js';
import { cleanLine } from './safe-text.js';
import { shortWho } from './who.js';

export interface HeadlineInput {
  run: Report['run'];
  totals: ReportTotals;
  stages: readonly string[];
  tasks: readonly TaskReport[];
  decisions: readonly Decision[];
  gates: readonly GateReport[];
  durationMs: number;
}

export function headline(input: HeadlineInput): Headline {
  const { run } = input;
  const current = input.tasks.filter((t) => t.replacedBy === null);
  const done = `${current.filter((t) => t.status === 'completed').length} of ${current.length} tasks done`;
  const took = formatDuration(input.durationMs);
  const resume = `team resume ${run.id}`;
  const waiting = input.totals.openQuestions > 0 ? `; ${plural(input.totals.openQuestions, 'question waits', 'questions wait')} for you` : '';

  if (run.state === 'crashed') {
    return { outcome: 'crashed', text: `Crashed: the process running the team stopped after ${took}, with ${done}. Go on with \`${resume}\`.`, next: resume };
  }
  if (run.state === 'failed') {
    const why = reason(run.reason, 'no reason was recorded');
    // A stuck run's reason already says how to go on.
    const goOn = why.includes(resume) ? '' : ` Go on with \`${resume}\`.`;
    return { outcome: 'failed', text: `Failed after ${took}: ${why}; ${done}.${goOn}`, next: resume };
  }
  if (run.state === 'stopped') {
    return { outcome: 'stopped', text: `Stopped after ${took}: ${stopCause(input)}; ${done}. Go on with \`${resume}\`.`, next: resume };
  }
  if (run.state === 'paused') {
    return { outcome: 'paused', text: `Paused after ${took}: ${reason(run.reason, 'paused by a person')}; ${done}${waiting}.`, next: `team board ${run.id}` };
  }
  if (run.state === 'running') {
    return { outcome: 'running', text: `Running for ${took} so far: ${done}${waiting}.`, next: `team board ${run.id}` };
  }

  const { simulated, dryRun } = dryRunOf(current);
  if (dryRun) {
    return { outcome: 'dry-run', text: `Dry run: ${simulated} of ${current.length} tasks simulated, no work done.`, next: null };
  }
  const parts = [finalStage(input, current), ...metricChecks(input.gates), ...approvals(input.gates)].filter((p) => p !== '');
  if (simulated > 0) parts.push(`${simulated} of ${current.length} tasks only simulated (no work done for them)`);
  return { outcome: 'completed', text: `Completed in ${took}: ${parts.join('; ')}.`, next: null };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function reason(text: string | null, otherwise: string): string {
  return text ? cleanLine(text) : otherwise;
}

/** A run stopped at a gate says which check held it, not only who said stop. */
function stopCause(input: HeadlineInput): string {
  const gate = input.gates.find((g) => g.status === 'stopped');
  if (!gate) return reason(input.run.reason, 'stopped by a person');
  const failed = [...gate.history].reverse().find((h) => h.status === 'failed');
  const check = failed?.detail ? ` (${cleanLine(failed.detail)})` : '';
  return `stopped at the gate before ${gate.before}${check}, ${reason(input.run.reason, 'by a person')}`;
}

/** The last stage with work, when all of it is done: what it produced, from the answers its tasks were given. */
function finalStage(input: HeadlineInput, current: readonly TaskReport[]): string {
  const withTasks = input.stages.filter((s) => current.some((t) => t.stage === s));
  const last = withTasks[withTasks.length - 1];
  if (last === undefined) return `${current.length === 1 ? 'the task' : `all ${current.length} tasks`} done`;
  const stageTasks = new Set(current.filter((t) => t.stage === last).map((t) => t.id));
  const answers = input.decisions
    .filter((d) => d.kind === 'agent' && d.status === 'answered' && d.taskId !== null && stageTasks.has(d.taskId))
    // An own-words answer that was followed up did not take effect; the follow-up's answer did.
    .flatMap((d) => d.parts.filter((p) => p.answer !== null && p.followedUpBy === null).map((p) => `${cleanLine(p.header)} “${p.ownWords ? cleanLine(p.text ?? '') : cleanLine(p.picked.join(', '))}”`));
  return answers.length > 0 ? `${last} done with ${answers.join(' and ')}` : `${last} done`;
}

function metricChecks(gates: readonly GateReport[]): string[] {
  return gates.flatMap((g) => {
    const c = g.check;
    if (!c || c.value === null || (g.status !== 'passed' && g.status !== 'overridden')) return [];
    const value = `${c.label} ${formatMetric(c.metric, c.value)}`;
    const against = c.baseline !== null ? ` vs baseline ${formatMetric(c.metric, c.baseline)}` : c.min !== null ? ` (needs ${c.min} or more)` : '';
    const retrained = g.retrains > 0 ? ` after ${g.retrains === 1 ? 'a retrain' : `${g.retrains} retrains`}` : '';
    if (g.status === 'overridden') return [`${value}${against} failed its gate, overridden by ${shortWho(g.decidedBy)}${note(g.note)}`];
    return [`${value}${against}${retrained}`];
  });
}

function approvals(gates: readonly GateReport[]): string[] {
  return gates.filter((g) => g.kind === 'approval' && g.status === 'passed').map((g) => `approved by ${shortWho(g.decidedBy)}${note(g.note)}`);
}

function note(text: string | null): string {
  return text ? `, “${cleanLine(text)}”` : '';
}
