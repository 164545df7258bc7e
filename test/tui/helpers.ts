import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coordinator, memberActor, human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { HEARTBEAT_MS } from '../../src/board/liveness.js';
import { openBoard } from '../../src/board/open.js';
import type { MemberConfig, QuestionPayload, RunConfig } from '../../src/board/types.js';

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface TestBoard {
  board: Board;
  file: string;
  dir: string;
  runId: number;
  /** Move the board's clock forward. */
  tick(ms?: number): void;
  /** The test driver lets go of the run without ending it, as a crashed process would: the run shows as crashed. */
  crash(): Promise<void>;
  /** Stop driving and close the board. */
  close(): Promise<void>;
}

export async function tempBoard(start = T0): Promise<{ board: Board; file: string; dir: string; tick(ms?: number): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-tui-'));
  const file = path.join(dir, 'board.db');
  const board = await openBoard(file);
  let now = start;
  board.setClock(() => now);
  return { board, file, dir, tick: (ms = 1000) => void (now += ms) };
}

export const PIPELINE = ['data', 'features', 'training', 'validation', 'deploy'];

export const MEMBERS = [
  { name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'sim' },
  { name: 'mle', agent: 'ml-engineer', role: 'ml-engineer', model: 'sim' },
  { name: 'mlops', agent: 'mlops-engineer', role: 'mlops-engineer', model: 'sim' },
  { name: 'devops', agent: 'devops-engineer', role: 'devops-engineer', model: 'sim' },
];

export const CONFIG: RunConfig = {
  team: 'churn-project',
  description: 'A seeded board for the terminal board tests',
  pipeline: PIPELINE,
  members: MEMBERS.map((m): MemberConfig => ({ ...m, instructions: '', tools: [] })),
  gates: [{ before: 'deploy', spec: { kind: 'approval' } }],
  teamFile: '',
};

/** The process "driving" seeded runs (its heartbeat keeps beating), so they show as running rather than crashed. */
export const TEST_DRIVER = 'test-driver';

export const METRIC_QUESTION: QuestionPayload = {
  questions: [
    {
      question: 'Which metric should the model optimise?',
      header: 'Metric',
      multiSelect: false,
      options: [
        { label: 'AUC', description: 'Ranking quality over all thresholds' },
        { label: 'Recall', description: 'Catch as many churners as possible' },
        { label: 'Precision', description: 'Few false alarms for the retention team' },
      ],
    },
  ],
};

/**
 * A run with something in every column: two tasks done, one in progress, one ready, two
 * blocked (one by a task, one by a gate), four members, usage, a gate, a few events of each kind.
 * The run is driven by TEST_DRIVER, which beats (wall-clock, as real drivers do) until `crash()` or `close()`.
 */
export async function seedBoard(start = T0): Promise<TestBoard> {
  const t = await tempBoard(start);
  const { board } = t;
  const run = await board.createRun({ team: 'churn-project', backend: 'sim', seed: 7, workspace: path.join(t.dir, 'ws'), budgetUsd: 5, config: CONFIG }, human);
  const runId = run.id;
  for (const m of MEMBERS) await board.addMember(runId, m, coordinator);
  const ds = memberActor('ds', 'data-scientist');
  const mle = memberActor('mle', 'ml-engineer');
  t.tick();
  const generate = await board.createTask(runId, { subject: 'Generate the dataset', stage: 'data', role: 'data-scientist', key: 'generate-data' }, coordinator);
  const profile = await board.createTask(runId, { subject: 'Profile the data', stage: 'data', role: 'data-scientist', blockedBy: [generate.id] }, coordinator);
  const features = await board.createTask(
    runId,
    { subject: 'Build the feature table', stage: 'features', role: 'data-scientist', description: 'Join usage and billing, one row per subscriber.\nWrite features.csv.' },
    coordinator,
  );
  await board.createTask(runId, { subject: 'Write the data dictionary', stage: null, role: null }, coordinator);
  await board.createTask(runId, { subject: 'Train the churn model', stage: 'training', role: 'ml-engineer', blockedBy: [features.id] }, coordinator);
  await board.createTask(runId, { subject: 'Serve the model', stage: 'deploy', role: 'mlops-engineer' }, coordinator);
  const gate = await board.addGate(runId, { before: 'deploy', spec: { kind: 'approval' } }, coordinator);
  await board.setGateStatus(runId, gate.id, 'waiting', 'waiting for a person', coordinator);
  t.tick(4000);
  await board.updateMember(runId, 'ds', { status: 'working', currentTask: generate.id }, ds);
  await board.updateTask(runId, generate.id, { status: 'in_progress', activeForm: 'Generating the dataset' }, ds);
  await board.appendEvent(runId, 'ds', { type: 'tool.called', payload: { member: 'ds', tool: 'Bash', summary: 'python generate.py --rows 5000', ok: true } });
  await board.recordUsage(runId, 'ds', { model: 'sim', taskId: generate.id, inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.012 });
  t.tick(30_000);
  await board.updateTask(runId, generate.id, { status: 'completed', metadata: { rows: 5000 } }, ds);
  await board.updateTask(runId, profile.id, { status: 'in_progress' }, ds);
  await board.updateTask(runId, profile.id, { status: 'completed', metadata: { metrics: { churn_rate: 0.21 } } }, ds);
  t.tick(10_000);
  await board.updateTask(runId, features.id, { status: 'in_progress', activeForm: 'Building the feature table' }, ds);
  await board.updateMember(runId, 'ds', { currentTask: features.id }, ds);
  await board.noteLastAction(runId, 'ds', 'Bash: python features.py');
  await board.appendEvent(runId, 'ds', { type: 'member.said', payload: { member: 'ds', text: 'Joining billing with usage now.' } });
  await board.updateMember(runId, 'mle', { status: 'idle' }, mle);
  await board.updateMember(runId, 'mlops', { status: 'idle' }, memberActor('mlops', 'mlops-engineer'));
  await board.updateMember(runId, 'devops', { status: 'dead' }, coordinator);
  await board.recordUsage(runId, 'mle', { model: 'sim', taskId: null, inputTokens: 20_000, outputTokens: 4_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.41 });
  t.tick(65_000);
  await board.claimRun(runId, TEST_DRIVER, process.pid, coordinator);
  const beat = setInterval(() => void board.beatRun(runId, TEST_DRIVER).catch(() => undefined), HEARTBEAT_MS);
  beat.unref();
  return {
    ...t,
    runId,
    async crash() {
      clearInterval(beat);
      await board.releaseRun(runId, TEST_DRIVER);
    },
    async close() {
      clearInterval(beat);
      await board.close();
    },
  };
}

/** Put the metric question on the board, asked by mle about the training task. */
export async function askMetric(tb: TestBoard, payload: QuestionPayload = METRIC_QUESTION): Promise<number> {
  await tb.board.updateMember(tb.runId, 'mle', { status: 'waiting' }, memberActor('mle', 'ml-engineer'));
  return (await tb.board.askQuestion(tb.runId, { kind: 'agent', askedBy: 'mle', taskId: 5, payload }, memberActor('mle', 'ml-engineer'))).id;
}

/** Strip colours and trailing spaces so frames compare as plain text. */
export function plain(frame: string | undefined): string {
  return (frame ?? '')
    .replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** Retry a check (it may read the board) until it passes; the board and the app answer within a few polls, but a machine busy with other tests may take seconds. */
export async function waitFor(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 15));
    }
  }
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  space: ' ',
  ctrlC: '\u0003',
  ctrlO: '\u000F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  shiftTab: '\u001B[Z',
};

export const MODEL_CARD = [
  '# Model card: subscriber churn',
  '',
  '## Model',
  '',
  '- Family: logistic regression (21 features, feature set `full`)',
  '- Optimised for: `auc`; decision threshold 0.31',
  '',
  '## Test-split results',
  '',
  '| metric | model | baseline |',
  '|---|---|---|',
  '| AUC | 0.833 | 0.677 |',
  '| Brier score | 0.121 | |',
  '',
  'Deploy gate (AUC >= 0.75 and above the baseline): **passed** (lift over baseline 0.156).',
  '',
  '```sh',
  'node scripts/model-card.js',
  '```',
  '',
  '## Limitations',
  '',
  ...Array.from({ length: 40 }, (_, i) => `- Limitation number ${i + 1}: trained and tested on synthetic subscribers, real data will differ in ways that matter.`),
  '',
].join('\n');

export const METRICS = { auc: 0.833, baseline_auc: 0.677, auc_lift: 0.156, calibration: [{ bin: '0.0-0.1', count: 120 }] };

/**
 * Files in the seeded run's workspace: the model card and metrics an approval names, a binary
 * file, a file too big for the viewer, and a symlink that leads out of the workspace.
 */
export function seedWorkspace(tb: TestBoard): string {
  const ws = path.join(tb.dir, 'ws');
  fs.mkdirSync(path.join(ws, 'reports'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'artifacts'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'reports', 'model-card.md'), MODEL_CARD);
  fs.writeFileSync(path.join(ws, 'reports', 'metrics.json'), JSON.stringify(METRICS));
  fs.writeFileSync(path.join(ws, 'artifacts', 'model.bin'), Buffer.from([1, 2, 0, 3, 4]));
  fs.writeFileSync(path.join(ws, 'artifacts', 'huge.log'), 'x'.repeat(1024 * 1024 + 10));
  fs.writeFileSync(path.join(tb.dir, 'secret.txt'), 'TOP SECRET CONTENT');
  fs.symlinkSync(path.join(tb.dir, 'secret.txt'), path.join(ws, 'reports', 'leak.md'));
  return ws;
}

export const APPROVAL_TEXT =
  'Ship the churn model? Check reports/model-card.md and reports/metrics.json in the workspace (test AUC, lift over the baseline, calibration) before approving.';

/** The coordinator asks for the approval before deploy, as it does when the earlier stages are done. */
export async function askApproval(tb: TestBoard): Promise<number> {
  const gate = (await tb.board.listGates(tb.runId))[0];
  const question = await tb.board.askQuestion(
    tb.runId,
    {
      kind: 'approval',
      askedBy: 'coordinator',
      gateId: gate?.id ?? null,
      payload: {
        questions: [
          {
            question: APPROVAL_TEXT,
            header: 'Approve',
            multiSelect: false,
            options: [
              { label: 'Approve', value: 'approve', description: 'Stage deploy may start.' },
              { label: 'Reject', value: 'reject', description: 'Stop the run without starting it.' },
            ],
          },
        ],
      },
    },
    coordinator,
  );
  return question.id;
}

export const FEATURES_OUTPUT = Array.from({ length: 30 }, (_, i) => `features: step ${i + 1} of 30 done`);

/**
 * What ds did for task #3 as the runtime records it: a command that worked (its whole output in
 * ds's conversation), a file written, a command that failed (only its tail kept), metrics and
 * notes recorded; and a sim script, which the board must never show.
 */
export async function recordWork(tb: TestBoard): Promise<void> {
  const { board, runId } = tb;
  const ds = memberActor('ds', 'data-scientist');
  const tail = FEATURES_OUTPUT.slice(-12);
  await board.appendEvent(runId, ds, { type: 'tool.called', payload: { member: 'ds', tool: 'Bash', summary: 'python features.py', ok: true, exitCode: 0, output: tail, taskId: 3 } });
  await board.appendEvent(runId, ds, { type: 'tool.called', payload: { member: 'ds', tool: 'Write', summary: 'reports/features.md', ok: true, files: ['reports/features.md'], taskId: 3 } });
  await board.appendEvent(runId, ds, {
    type: 'tool.called',
    payload: { member: 'ds', tool: 'Bash', summary: 'python check.py', ok: true, exitCode: 2, output: ['Traceback (most recent call last):', 'KeyError: region'], taskId: 3 },
  });
  await board.updateTask(runId, 3, { metadata: { metrics: { rows: 5000, auc: 0.81 }, feature_set: 'full', report: 'reports/features.md', sim: { steps: [{ say: 'SIM SCRIPT' }] } } }, ds);
  const result = JSON.stringify({ exitCode: 0, stdout: `${FEATURES_OUTPUT.join('\n')}\n`, stderr: '' });
  await board.saveTranscript(
    runId,
    'ds',
    0,
    [
      { role: 'user', content: 'Build the features.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call-1', name: 'Bash', input: { command: 'python features.py' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call-1', content: result }] },
    ],
    null,
  );
  const ws = path.join(tb.dir, 'ws', 'reports');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'features.md'), '# Features\n\n- tenure\n- monthly_charge\n');
}

/** A frame with the seeded run's temporary folder written as <tmp>, for snapshots. */
export function stable(frame: string): string {
  return frame.replace(/\/[\w/.-]*teamboard-tui-\w+/g, '<tmp>');
}
