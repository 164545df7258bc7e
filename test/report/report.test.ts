import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { buildReport, reportJson, reportMarkdown } from '../../src/report/index.js';
import type { Report } from '../../src/report/model.js';
import { createTestBoard } from '../helpers/board.js';
import { HOSTILE_NOTE, churnFixture, type ChurnFixture } from './fixture.js';

const ESC = '\x1b';

describe('the report of a run with a retrain, a pause, an approval with a condition and own words', () => {
  let f: ChurnFixture;
  let report: Report;

  beforeAll(async () => {
    f = await churnFixture();
    report = await buildReport(f.t.board, f.runId);
  });
  afterAll(async () => {
    await f.t.cleanup();
  });

  it('has one duration: first claim to the end, less the pause, with the waits on a person in it', () => {
    const d = report.duration;
    expect(d.from).toBe(f.firstClaim);
    expect(d.to).toBe(f.end);
    expect(d.wallMs).toBe(f.end - f.firstClaim);
    expect(d.ms).toBe(f.end - f.firstClaim - f.pauseMs);
    expect(d.off).toEqual([expect.objectContaining({ kind: 'paused', reason: 'paused from the board', ms: f.pauseMs })]);
    expect(d.waits.map((w) => [w.question, w.askedBy, w.ms])).toEqual([
      [1, 'ds', 4000],
      [2, 'coordinator', 6000],
      [3, 'coordinator', 10000],
      [4, 'mlops', 3000],
    ]);
    expect(d.waitingMs).toBe(23_000);
    // Every task's time is measured the same way: the retrained training spans the pause only by its claim.
    expect(report.tasks.map((t) => [t.id, t.durationMs])).toEqual([
      [1, 7000],
      [2, 6000],
      [3, 8000],
      [4, 5000],
      [5, 9000],
      [6, 7000],
      [7, 7000],
      [8, 5000],
    ]);
  });

  it('says in one line how the run ended: what was shipped and how, the gate metric against its baseline, who approved on what condition', () => {
    expect(report.headline).toEqual({
      outcome: 'completed',
      text: 'Completed in 1m13s: deploy done with Rollout “Canary 10%”; AUC 0.833 vs baseline 0.677 after a retrain; approved by you, “only EU customers first”.',
      next: null,
    });
  });

  it('lists every decision: who asked, who answered, what and when', () => {
    expect(
      report.decisions.map((d) => ({ id: d.id, kind: d.kind, askedBy: d.askedBy, answer: d.parts.map((p) => p.answer), by: d.answeredByText, waited: d.waitedMs })),
    ).toEqual([
      { id: 'q1', kind: 'agent', askedBy: 'ds', answer: ['in their own words: “Cancelled, and count pauses over 60 days as churn”'], by: 'you, on the board', waited: 4000 },
      { id: 'q2', kind: 'gate', askedBy: 'coordinator', answer: ['Retrain'], by: 'you, with team answer', waited: 6000 },
      { id: 'q3', kind: 'approval', askedBy: 'coordinator', answer: ['Approve (note: only EU customers first)'], by: 'you, on the board', waited: 10000 },
      { id: 'q4', kind: 'agent', askedBy: 'mlops', answer: ['Canary 10%'], by: 'you, on the board', waited: 3000 },
    ]);
    expect(report.decisions[0]?.parts[0]).toMatchObject({ ownWords: true, picked: [], text: 'Cancelled, and count pauses over 60 days as churn' });
    expect(report.decisions[2]?.answers).toEqual([{ question: 'Ship the churn model?', picked: ['Approve'], text: 'only EU customers first' }]);
  });

  it('shows each gate with its values, history, note and who decided', () => {
    const [metric, approval] = report.gates;
    expect(metric).toMatchObject({
      kind: 'metric',
      status: 'passed',
      retrains: 1,
      decidedByText: 'the coordinator (metric check)',
      check: { task: 'evaluate@2', taskId: 8, metric: 'auc', label: 'AUC', value: 0.8325, baseline: 0.6765, min: 0.75, beatBaseline: true },
    });
    expect(metric?.history.map((h) => h.status)).toEqual(['failed', 'closed', 'passed']);
    expect(approval).toMatchObject({ kind: 'approval', status: 'passed', note: 'only EU customers first', decidedBy: 'human', decidedByText: 'you, on the board' });
    expect(approval?.history.map((h) => h.status)).toEqual(['waiting', 'passed']);
  });

  it('marks tasks a retrain replaced, and the copies', () => {
    expect(report.tasks.filter((t) => t.replacedBy !== null).map((t) => [t.id, t.replacedBy])).toEqual([
      [3, 7],
      [4, 8],
    ]);
    expect(report.tasks.filter((t) => t.retrainOf !== null).map((t) => [t.id, t.retrainOf, t.attempt])).toEqual([
      [7, 3, 2],
      [8, 4, 2],
    ]);
    expect(report.totals).toMatchObject({ tasks: 8, completed: 8, replaced: 2, simulated: 0, questions: 4, openQuestions: 0 });
  });

  it('turns recorded metrics into labelled rows, each metric beside its baseline', () => {
    const evaluate = report.metrics.find((m) => m.taskId === 8);
    expect(evaluate?.rows.map((r) => [r.label, r.shown, r.baselineShown])).toEqual([
      ['AUC', '0.833', '0.677'],
      ['Precision @10', '0.627', null],
      ['Brier', '0.110', null],
    ]);
    const drift = report.metrics.find((m) => m.taskId === 6);
    expect(drift?.rows.map((r) => [r.label, r.shown])).toEqual([
      ['Max PSI', '1.452'],
      ['Alert count', '7'],
      ['Warn count', '1'],
      ['Prediction PSI', '0.092'],
    ]);
    expect(report.metrics.find((m) => m.taskId === 2)?.rows.map((r) => r.shown)).toEqual(['12,000', '17.6%', '23']);
    expect(report.metrics.find((m) => m.taskId === 4)?.replacedBy).toBe(8);
  });

  it('gives cost per member and per task, and says a simulated model’s numbers are estimates', () => {
    expect(report.members.map((m) => [m.name, m.calls, m.tokens, Number(m.costUsd.toFixed(4)), m.busyMs, m.waitedMs])).toEqual([
      ['ds', 3, 5320, 0.0173, 20_000, 4000],
      ['mle', 4, 11_860, 0.0386, 25_000, 0],
      ['mlops', 2, 2860, 0.0093, 9000, 3000],
    ]);
    expect(report.tasks.find((t) => t.id === 7)).toMatchObject({ tokens: 3310, costUsd: 0.0109 });
    expect(report.cost).toMatchObject({ estimated: true, unattributedTokens: 520 });
    expect(report.cost.note).toContain('estimates of a simulated model');
  });

  it('draws a bar per task attempt in its member’s row, coloured by stage, and the waits on a person or a gate', () => {
    const rows = Object.fromEntries(report.timeline.rows.map((r) => [r.member, r]));
    expect(rows.ds?.bars.map((b) => [b.taskId, b.stage, b.end])).toEqual([
      [1, 'data', 'completed'],
      [2, 'features', 'completed'],
      [6, 'deploy', 'completed'],
    ]);
    expect(rows.mle?.bars.map((b) => [b.taskId, b.stageIndex, b.attempt, b.replaced])).toEqual([
      [3, 2, 1, true],
      [4, 3, 1, true],
      [7, 2, 2, false],
      [8, 3, 2, false],
    ]);
    expect(rows.mlops?.waits.map((w) => [w.kind, w.question, w.gateId, w.ms])).toEqual([
      ['gate', null, 1, 6000],
      ['gate', null, 2, 10_000],
      ['person', 4, null, 3000],
    ]);
    expect(rows.mle?.waits).toEqual([]);
    expect(report.timeline.off).toHaveLength(1);
    expect(report.timeline.gates.map((g) => [g.gateId, g.status])).toEqual([
      [1, 'failed'],
      [1, 'passed'],
      [2, 'passed'],
    ]);
  });

  it('keeps no escape sequence or control character anywhere, JSON included', () => {
    const json = reportJson(report);
    expect(json).not.toContain('\\u001b');
    expect(json).not.toContain('\\u0007');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.tasks.find((t) => t.id === 6)?.subject).toBe('Set up drift monitoring <script>alert(1)</script> RED');
  });

  it('renders the same headline and sections as Markdown, with tables and the agent’s text made safe', () => {
    const md = reportMarkdown(report);
    expect(md.split('\n').slice(0, 3)).toEqual([
      '# Run 1: churn-demo (completed)',
      '',
      '**Completed in 1m13s: deploy done with Rollout “Canary 10%”; AUC 0.833 vs baseline 0.677 after a retrain; approved by you, “only EU customers first”.**',
    ]);
    expect(md.match(/^## .*/gm)).toEqual(['## Timeline', '## Decisions', '## Gates', '## Metrics', '## Cost', '## Tasks']);
    expect(md).toContain('| took | 1m13s from the first claim to the end; 23s of it waiting on a person (4 questions); not counting 30s paused |');
    expect(md).toContain('- paused 0:39–1:09 (30s, not counted): paused from the board');
    expect(md).toContain('| Alert count | 7 |');
    expect(md).toContain('| AUC | 0.833 | 0.677 |');
    expect(md).not.toContain('alert_count');
    expect(md).toContain('| 3 | ~~Train the model~~ | training | mle | replaced by #7 | 1 | 8s | 3,200 | $0.0105 |');
    expect(md).toContain('| 7 | Train the model (retrain 2) | training | mle | completed | 2 | 7s | 3,310 | $0.0109 |');
    expect(md).toContain(
      '- **q1** ds asked at 0:03, for #1 Decide what counts as churn: *Which churn definition should the model predict?* (Cancelled / Inactive 30 days) -> **in their own words: “Cancelled, and count pauses over 60 days as churn”** (you, on the board, after 4s)',
    );
    expect(md).toContain('-> **Approve (note: only EU customers first)** (you, on the board, after 10s)');
    expect(md).toContain('| evaluate@2 auc >= 0.75 and above baseline, before deploy | ✓ **passed** | AUC 0.833 on evaluate@2 #8 (needs ≥ 0.75 and above the baseline 0.677) |');
    expect(md).toContain('- gate before deploy: 0:32 failed (evaluate auc = 0.702 (needs >= 0.75)) -> 0:38 closed (retraining: evaluate auc = 0.702 (needs >= 0.75)) -> 1:24 passed (evaluate@2 auc = 0.833 passes)');
    expect(md).toContain('| ds | data-scientist | sim | 3 | 3 | 5,320 | $0.0173 | 20s | 4s |');
    expect(md).toContain('*These are estimates of a simulated model: no model was called and nothing was charged.*');
    // Agents' text: no escape sequences, no markup a renderer would run.
    expect(md).not.toContain(ESC);
    expect(md).not.toContain('\x07');
    expect(md).not.toMatch(/(?<!\\)<(script|img)/);
    expect(md).toContain('Set up drift monitoring \\<script>alert(1)\\</script> RED');
    expect(md).toContain(`Note from ds: ${HOSTILE_NOTE.replace(/\x1b\[2J\x07 /, '').replace('<img', '\\<img')}`);
  });
});

describe('headlines of runs that did not ship', () => {
  it('a dry run says how many tasks were only simulated', async () => {
    const t = await createTestBoard({ pipeline: [], members: [{ name: 'a', role: 'worker' }] });
    try {
      for (const subject of ['Plan', 'Build']) {
        const task = await t.board.createTask(t.runId, { subject }, human);
        await t.board.updateTask(t.runId, task.id, { status: 'in_progress' }, t.as('a'));
        await t.board.updateTask(t.runId, task.id, { status: 'completed', metadata: { simulated: true } }, t.as('a'));
      }
      await t.board.setRunStatus(t.runId, 'completed', '2 tasks completed', coordinator);
      const report = await buildReport(t.board, t.runId);
      expect(report.headline).toEqual({ outcome: 'dry-run', text: 'Dry run: 2 of 2 tasks simulated, no work done.', next: null });
      expect(report.tasks.map((t) => t.simulated)).toEqual([true, true]);
      expect(reportMarkdown(report)).toContain('| 1 | Plan |  | a | completed (simulated) | 1 |');
    } finally {
      await t.cleanup();
    }
  });

  it('a failed run says once how to go on, whether or not its reason already does', async () => {
    const t = await createTestBoard({ pipeline: [], members: [{ name: 'a', role: 'worker' }] });
    try {
      await t.board.createTask(t.runId, { subject: 'One' }, human);
      const stuck = `stuck at #1 "One": exit 2 (stopped by --auto-answer). Next: fix it, then \`team resume ${t.runId}\``;
      await t.board.setRunStatus(t.runId, 'failed', stuck, coordinator);
      expect((await buildReport(t.board, t.runId)).headline.text).toMatch(new RegExp(`^Failed after \\S+: ${escape(stuck)}; 0 of 1 tasks done\\.$`));
      await t.board.setRunStatus(t.runId, 'failed', 'the disk is full', coordinator);
      expect((await buildReport(t.board, t.runId)).headline.text).toMatch(/^Failed after \S+: the disk is full; 0 of 1 tasks done\. Go on with `team resume \d+`\.$/);
    } finally {
      await t.cleanup();
    }
  });

  it('a run whose process stopped without ending it is crashed, with how to go on', async () => {
    const t = await createTestBoard({ pipeline: [], members: [{ name: 'a', role: 'worker' }] });
    try {
      const [first, second] = [await t.board.createTask(t.runId, { subject: 'One' }, human), await t.board.createTask(t.runId, { subject: 'Two' }, human)];
      await t.board.updateTask(t.runId, first.id, { status: 'in_progress' }, t.as('a'));
      await t.board.updateTask(t.runId, first.id, { status: 'completed' }, t.as('a'));
      await t.board.updateTask(t.runId, second.id, { status: 'in_progress' }, t.as('a'));
      // A process drove the run and let go of it without ending it (as after kill -9, once its claim lapsed).
      expect(await t.board.claimRun(t.runId, 'pid 1 on test', 1, coordinator)).toEqual({ ok: true, takenOver: null });
      await t.board.releaseRun(t.runId, 'pid 1 on test');
      // Nobody drives the run any more: it shows as crashed, and the open attempt runs to the last event.
      const report = await buildReport(t.board, t.runId);
      expect(report.run.state).toBe('crashed');
      expect(report.headline.outcome).toBe('crashed');
      expect(report.headline.text).toMatch(/^Crashed: the process running the team stopped after \S+, with 1 of 2 tasks done\. Go on with `team resume \d+`\.$/);
      expect(report.timeline.rows[0]?.bars.map((b) => [b.taskId, b.end])).toEqual([
        [first.id, 'completed'],
        [second.id, 'open'],
      ]);
      expect(reportMarkdown(report).split('\n')[0]).toBe(`# Run ${t.runId}: test-team (crashed)`);
    } finally {
      await t.cleanup();
    }
  });

  it('a gate a person overrode says so in the headline, with their note', async () => {
    const t = await createTestBoard({ pipeline: ['training', 'deploy'], members: [{ name: 'mle', role: 'ml-engineer' }] });
    try {
      const { board, runId } = t;
      const gate = await board.addGate(runId, { before: 'deploy', spec: { kind: 'metric', task: 'train', metric: 'auc', min: 0.75 } }, coordinator);
      const train = await board.createTask(runId, { subject: 'Train', stage: 'training', key: 'train' }, human);
      const ship = await board.createTask(runId, { subject: 'Ship', stage: 'deploy' }, human);
      await board.updateTask(runId, train.id, { status: 'in_progress' }, t.as('mle'));
      await board.updateTask(runId, train.id, { status: 'completed', metadata: { metrics: { auc: 0.7 } } }, t.as('mle'));
      await board.setGateStatus(runId, gate.id, 'failed', 'train auc = 0.700 (needs >= 0.75)', coordinator, 'coordinator');
      await board.setGateStatus(runId, gate.id, 'overridden', 'overridden by human: train auc = 0.700 (needs >= 0.75)', coordinator, 'human', 'the pilot only needs a ranking');
      await board.updateTask(runId, ship.id, { status: 'in_progress' }, t.as('mle'));
      await board.updateTask(runId, ship.id, { status: 'completed' }, t.as('mle'));
      await board.setRunStatus(runId, 'completed', '2 tasks completed', coordinator);
      const report = await buildReport(board, runId);
      expect(report.headline.text).toMatch(/^Completed in \S+: deploy done; AUC 0\.700 \(needs 0\.75 or more\) failed its gate, overridden by you, “the pilot only needs a ranking”\.$/);
      expect(reportMarkdown(report)).toContain('| train auc >= 0.75, before deploy | ⚑ **overridden** | AUC 0.700 on train #1 (needs ≥ 0.75) |');
    } finally {
      await t.cleanup();
    }
  });

  it('a run stopped at a failed gate names the check and how to go on', async () => {
    const t = await createTestBoard({ pipeline: ['training', 'deploy'], members: [{ name: 'mle', role: 'ml-engineer' }] });
    try {
      const { board, runId } = t;
      const gate = await board.addGate(runId, { before: 'deploy', spec: { kind: 'metric', task: 'train', metric: 'auc', min: 0.75 } }, coordinator);
      const train = await board.createTask(runId, { subject: 'Train', stage: 'training', key: 'train' }, human);
      await board.createTask(runId, { subject: 'Deploy', stage: 'deploy' }, human);
      await board.updateTask(runId, train.id, { status: 'in_progress' }, t.as('mle'));
      await board.updateTask(runId, train.id, { status: 'completed', metadata: { metrics: { auc: 0.61 } } }, t.as('mle'));
      await board.setGateStatus(runId, gate.id, 'failed', 'train auc = 0.610 (needs >= 0.75)', coordinator, 'coordinator');
      await board.transaction(async (tx) => {
        await tx.setGateStatus(runId, gate.id, 'stopped', 'stopped by cli after the gate failed', coordinator);
        await tx.setRunStatus(runId, 'stopped', 'stopped by cli after the gate failed', coordinator);
      });
      const report = await buildReport(board, runId);
      expect(report.headline.outcome).toBe('stopped');
      expect(report.headline.text).toMatch(
        /^Stopped after \S+: stopped at the gate before deploy \(train auc = 0\.610 \(needs >= 0\.75\)\), stopped by cli after the gate failed; 1 of 2 tasks done\. Go on with `team resume \d+`\.$/,
      );
      expect(report.headline.next).toBe(`team resume ${runId}`);
      expect(report.gates[0]?.status).toBe('stopped');
      expect(reportMarkdown(report)).toContain('■ **stopped the run**');
    } finally {
      await t.cleanup();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
