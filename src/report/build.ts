/** Read one run through the Board interface and make its Report. */
import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { describeAnswers } from '../board/answers.js';
import { wasSimulated } from '../board/dry-run.js';
import { describeGate } from '../board/gates.js';
import { runState } from '../board/liveness.js';
import type { Gate, Question, Run, Task, UsageRow } from '../board/types.js';
import { questionTimes, runDuration, workMs, type QuestionTimes } from './duration.js';
import { gateChanges } from './gate-events.js';
import { headline } from './headline.js';
import { metricLabel, metricRows, metricsOf } from './metrics.js';
import type {
  CostNote,
  Decision,
  DecisionPart,
  GateCheck,
  GateReport,
  MemberReport,
  MetricTable,
  PersonWait,
  Report,
  ReportRun,
  TaskReport,
} from './model.js';
import { cleanLine, cleanText } from './safe-text.js';
import { buildTimeline } from './timeline.js';
import { answeredByText, decidedByText } from './who.js';

export async function buildReport(board: Board, runId: number): Promise<Report> {
  const run = await board.requireRun(runId);
  const [tasks, deps, events, questions, gates, members, usage, totals] = await Promise.all([
    board.listTaskRows(runId),
    board.listDeps(runId),
    board.listEvents(runId),
    board.listQuestions(runId),
    board.listGates(runId),
    board.listMembers(runId),
    board.listUsage(runId),
    board.runTotals(runId),
  ]);
  // Heartbeats are wall-clock time whatever clock the run's events use (a virtual one for --instant runs).
  const now = Date.now();

  const stages = [...run.config.pipeline];
  for (const t of tasks) if (t.stage !== null && !stages.includes(t.stage)) stages.push(t.stage);
  const replacedBy = new Map<number, number>();
  for (const t of tasks) {
    const of = t.metadata.retrain_of;
    if (typeof of === 'number') replacedBy.set(of, Math.max(replacedBy.get(of) ?? 0, t.id));
  }

  const times = questionTimes(events);
  const duration = runDuration(run, events, questions, times);
  const measure = (from: number, to: number) => workMs(from, to, duration.off);
  const timeline = buildTimeline({
    events,
    tasks,
    members,
    stages,
    replacedBy,
    waits: duration.waits,
    off: duration.off,
    span: { from: run.startedAt, to: duration.to },
    measure,
  });
  const bars = timeline.rows.flatMap((r) => r.bars);

  const taskReports = tasks.map((t): TaskReport => {
    const own = bars.filter((b) => b.taskId === t.id);
    return {
      id: t.id,
      key: t.key,
      subject: cleanLine(t.subject),
      stage: t.stage,
      role: t.role,
      owner: t.owner,
      status: t.status,
      attempt: t.attempt,
      createdBy: t.createdBy,
      blockedBy: deps.filter((d) => d.taskId === t.id).map((d) => d.blockedBy),
      startedAt: t.startedAt,
      completedAt: t.completedAt,
      durationMs: own.length > 0 ? own.reduce((sum, b) => sum + b.ms, 0) : null,
      claims: own.length,
      retrainOf: typeof t.metadata.retrain_of === 'number' ? t.metadata.retrain_of : null,
      replacedBy: replacedBy.get(t.id) ?? null,
      simulated: wasSimulated(t),
      tokens: t.tokens,
      costUsd: t.costUsd,
      metrics: metricsOf(t.metadata),
    };
  });

  const decisions = linkFollowUps(questions.map((q) => decision(q, events, tasks, duration.waits, times)));
  const gateReports = gates.map((g) => gateReport(g, events, tasks));
  const metrics = tasks.flatMap((t): MetricTable[] => {
    const recorded = metricsOf(t.metadata);
    if (recorded === null) return [];
    const note = typeof t.metadata.note === 'string' ? cleanText(t.metadata.note).trim() : '';
    return [{ taskId: t.id, subject: cleanLine(t.subject), stage: t.stage, owner: t.owner, replacedBy: replacedBy.get(t.id) ?? null, rows: metricRows(recorded), note: note === '' ? null : note }];
  });

  const memberReports = members.map((m): MemberReport => {
    const row = timeline.rows.find((r) => r.member === m.name);
    return {
      name: m.name,
      role: m.role,
      model: m.model,
      turns: m.turns,
      calls: usage.filter((u) => u.member === m.name).length,
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      cacheReadTokens: m.cacheReadTokens,
      cacheWriteTokens: m.cacheWriteTokens,
      tokens: m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens,
      costUsd: m.costUsd,
      busyMs: (row?.bars ?? []).reduce((sum, b) => sum + b.ms, 0),
      waitedMs: duration.waits.filter((w) => w.askedBy === m.name).reduce((sum, w) => sum + w.ms, 0),
      completed: tasks.filter((t) => t.owner === m.name && t.status === 'completed').length,
    };
  });

  const state = runState(run, now);
  const reportRun: ReportRun = {
    id: run.id,
    team: cleanLine(run.team),
    description: cleanLine(run.config.description),
    status: run.status,
    state,
    reason: run.statusReason === null ? null : cleanLine(run.statusReason),
    backend: run.backend,
    seed: run.seed,
    workspace: cleanLine(run.workspace),
    budgetUsd: run.budgetUsd,
    budgetTokens: run.budgetTokens,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
  };
  const reportTotals = {
    tasks: tasks.length,
    completed: tasks.filter((t) => t.status === 'completed').length,
    replaced: replacedBy.size,
    simulated: tasks.filter(wasSimulated).length,
    questions: questions.length,
    openQuestions: questions.filter((q) => q.status === 'open').length,
    ...totals,
  };
  return {
    format: 1,
    generatedAt: now,
    run: reportRun,
    headline: headline({ run: reportRun, totals: reportTotals, stages, tasks: taskReports, decisions, gates: gateReports, durationMs: duration.ms }),
    duration,
    totals: reportTotals,
    stages,
    decisions,
    gates: gateReports,
    metrics,
    members: memberReports,
    tasks: taskReports,
    cost: costNote(run, usage),
    timeline,
  };
}

/**
 * An answer in the person's own words that named no one option is followed up: the same member
 * asks again, about the same task, a later question with the same header. The part answered in
 * own words is marked with the follow-up that decided it. Question ids give the order, not
 * times: an instant run's questions are stamped by its virtual clock, a person's answers by the
 * wall clock of the process that took them.
 */
function linkFollowUps(decisions: Decision[]): Decision[] {
  return decisions.map((d) => {
    if (d.kind !== 'agent' || d.answeredAt === null || !d.parts.some((p) => p.ownWords)) return d;
    const later = decisions.filter((e) => e.kind === 'agent' && e.question > d.question && e.askedBy === d.askedBy && e.taskId === d.taskId);
    const parts = d.parts.map((p) => {
      if (!p.ownWords) return p;
      const next = later.find((e) => e.parts.some((q) => q.header === p.header));
      return next ? { ...p, followedUpBy: next.id } : p;
    });
    return { ...d, parts };
  });
}

function decision(q: Question, events: readonly BoardEvent[], tasks: readonly Task[], waits: readonly PersonWait[], times: QuestionTimes): Decision {
  const parts = q.payload.questions.map((item, index): DecisionPart => {
    const part = q.answers?.find((a) => a.question === item.question) ?? q.answers?.[index];
    return {
      header: cleanLine(item.header),
      question: cleanLine(item.question),
      options: item.options.map((o) => ({ label: cleanLine(o.label), description: cleanLine(o.description) })),
      multiSelect: item.multiSelect,
      picked: part ? part.picked.map(cleanLine) : [],
      text: part?.text ? cleanLine(part.text) : null,
      answer: part ? cleanLine(answerWords(part)) : null,
      ownWords: part !== undefined && part.picked.length === 0,
      followedUpBy: null,
    };
  });
  const cancelled = events.find((e) => e.type === 'question.cancelled' && e.payload.question === q.id);
  const task = q.taskId === null ? undefined : tasks.find((t) => t.id === q.taskId);
  return {
    id: `q${q.id}`,
    question: q.id,
    kind: q.kind,
    askedBy: cleanLine(q.askedBy),
    taskId: q.taskId,
    task: task ? cleanLine(task.subject) : null,
    gateId: q.gateId,
    status: q.status,
    parts,
    answers: q.answers,
    answeredBy: q.answeredBy,
    answeredByText: q.answeredBy === null ? null : answeredByText(q.answeredBy),
    cancelReason: cancelled?.type === 'question.cancelled' ? cleanLine(cancelled.payload.reason) : null,
    askedAt: times.get(q.id)?.asked ?? q.createdAt,
    answeredAt: q.answeredAt === null ? null : (times.get(q.id)?.answered ?? q.answeredAt),
    waitedMs: waits.find((w) => w.question === q.id)?.ms ?? 0,
  };
}

/** An answer in words: the options picked (with a note), or the person's own words. */
function answerWords(part: NonNullable<Question['answers']>[number]): string {
  if (part.picked.length === 0) return `in their own words: “${part.text ?? ''}”`;
  return describeAnswers([part]);
}

function gateReport(g: Gate, events: readonly BoardEvent[], tasks: readonly Task[]): GateReport {
  const history = gateChanges(events)
    .filter((c) => c.gate === g.id)
    .map((c) => ({ at: c.at, status: c.status, detail: c.detail === null ? null : cleanLine(c.detail), note: c.note === null ? null : cleanLine(c.note) }));
  const retrains = history.filter((h, i) => h.status === 'closed' && history[i - 1]?.status === 'failed').length;
  return {
    id: g.id,
    before: g.before,
    kind: g.kind,
    description: cleanLine(describeGate(g)),
    status: g.status,
    detail: g.detail === null ? null : cleanLine(g.detail),
    note: g.note === null ? null : cleanLine(g.note),
    decidedBy: g.decidedBy,
    decidedByText: decidedByText(g.decidedBy),
    check: gateCheck(g, tasks),
    history,
    retrains,
  };
}

function gateCheck(g: Gate, tasks: readonly Task[]): GateCheck | null {
  const spec = g.spec;
  if (spec.kind !== 'metric') return null;
  const task = tasks.find((t) => t.key === spec.task);
  const metrics = task ? metricsOf(task.metadata) : null;
  const value = metrics?.[spec.metric];
  const baseline = metrics?.[`baseline_${spec.metric}`];
  return {
    task: cleanLine(spec.task),
    taskId: task?.id ?? null,
    metric: spec.metric,
    label: metricLabel(spec.metric),
    value: typeof value === 'number' ? value : null,
    baseline: typeof baseline === 'number' ? baseline : null,
    min: spec.min ?? null,
    max: spec.max ?? null,
    beatBaseline: spec.beatBaseline === true,
  };
}

function costNote(run: Run, usage: readonly UsageRow[]): CostNote {
  const loose = usage.filter((u) => u.taskId === null);
  const unattributedTokens = loose.reduce((sum, u) => sum + u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens, 0);
  const unattributedUsd = loose.reduce((sum, u) => sum + u.costUsd, 0);
  if (run.backend === 'sim') {
    return { estimated: true, note: 'These are estimates of a simulated model: no model was called and nothing was charged.', unattributedTokens, unattributedUsd };
  }
  if (run.backend === 'replay') {
    return { estimated: true, note: 'Replayed from a tape: the numbers are the recorded run’s; nothing was charged for the replay.', unattributedTokens, unattributedUsd };
  }
  return { estimated: false, note: null, unattributedTokens, unattributedUsd };
}
