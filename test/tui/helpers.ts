import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBoard, transact, type Board } from '../../src/board/board.js';
import { coordinator, memberActor, human } from '../../src/board/actor.js';
import { appendEvent } from '../../src/board/events.js';
import { addGate, setGateStatus } from '../../src/board/gates.js';
import { addMember, recordUsage, updateMember, noteLastAction } from '../../src/board/members.js';
import { askQuestion, type QuestionPayload } from '../../src/board/questions.js';
import { createRun } from '../../src/board/runs.js';
import { createTask, updateTask } from '../../src/board/tasks.js';

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface TestBoard {
  board: Board;
  file: string;
  dir: string;
  runId: number;
  /** Move the board's clock forward. */
  tick(ms?: number): void;
}

export function tempBoard(start = T0): { board: Board; file: string; dir: string; tick(ms?: number): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-tui-'));
  const file = path.join(dir, 'board.db');
  const board = openBoard(file);
  let now = start;
  board.now = () => now;
  return { board, file, dir, tick: (ms = 1000) => void (now += ms) };
}

export const PIPELINE = ['data', 'features', 'training', 'validation', 'deploy'];

export const MEMBERS = [
  { name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'sim' },
  { name: 'mle', agent: 'ml-engineer', role: 'ml-engineer', model: 'sim' },
  { name: 'mlops', agent: 'mlops-engineer', role: 'mlops-engineer', model: 'sim' },
  { name: 'devops', agent: 'devops-engineer', role: 'devops-engineer', model: 'sim' },
];

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
 * A run with something in every column: two tasks done, one in progress, one startable, two
 * blocked (one by a task, one by a gate), four members, usage, a gate, a few events of each kind.
 */
export function seedBoard(start = T0): TestBoard {
  const t = tempBoard(start);
  const { board } = t;
  const run = createRun(
    board,
    { team: 'churn-project', backend: 'sim', seed: 7, workspace: path.join(t.dir, 'ws'), budgetUsd: 5, config: { pipeline: PIPELINE } },
    human,
  );
  const runId = run.id;
  for (const m of MEMBERS) addMember(board, runId, m, coordinator);
  const ds = memberActor('ds', 'data-scientist');
  const mle = memberActor('mle', 'ml-engineer');
  t.tick();
  const generate = createTask(board, runId, { subject: 'Generate the dataset', stage: 'data', role: 'data-scientist', key: 'generate-data' }, coordinator);
  const profile = createTask(board, runId, { subject: 'Profile the data', stage: 'data', role: 'data-scientist', blockedBy: [generate.id] }, coordinator);
  const features = createTask(
    board,
    runId,
    { subject: 'Build the feature table', stage: 'features', role: 'data-scientist', description: 'Join usage and billing, one row per subscriber.\nWrite features.csv.' },
    coordinator,
  );
  const docs = createTask(board, runId, { subject: 'Write the data dictionary', stage: null, role: null }, coordinator);
  const train = createTask(board, runId, { subject: 'Train the churn model', stage: 'training', role: 'ml-engineer', blockedBy: [features.id] }, coordinator);
  const deploy = createTask(board, runId, { subject: 'Serve the model', stage: 'deploy', role: 'mlops-engineer' }, coordinator);
  addGate(board, runId, { before: 'deploy', kind: 'approval', spec: {} }, coordinator);
  setGateStatus(board, runId, 1, 'waiting', 'waiting for a person', coordinator);
  t.tick(4000);
  updateMember(board, runId, 'ds', { status: 'working', currentTask: generate.id }, ds);
  updateTask(board, runId, generate.id, { status: 'in_progress', activeForm: 'Generating the dataset' }, ds);
  transact(board, () => appendEvent(board, runId, 'ds', 'tool.called', { member: 'ds', tool: 'Bash', summary: 'python generate.py --rows 5000' }));
  recordUsage(board, runId, 'ds', { model: 'sim', taskId: generate.id, inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.012 });
  t.tick(30_000);
  updateTask(board, runId, generate.id, { status: 'completed', metadata: { rows: 5000 } }, ds);
  updateTask(board, runId, profile.id, { status: 'in_progress' }, ds);
  updateTask(board, runId, profile.id, { status: 'completed', metadata: { metrics: { churn_rate: 0.21 } } }, ds);
  t.tick(10_000);
  updateTask(board, runId, features.id, { status: 'in_progress', activeForm: 'Building the feature table' }, ds);
  updateMember(board, runId, 'ds', { currentTask: features.id }, ds);
  noteLastAction(board, runId, 'ds', 'Bash: python features.py');
  transact(board, () => appendEvent(board, runId, 'ds', 'member.said', { member: 'ds', text: 'Joining billing with usage now.' }));
  updateMember(board, runId, 'mle', { status: 'idle' }, mle);
  updateMember(board, runId, 'mlops', { status: 'idle' }, memberActor('mlops', 'mlops-engineer'));
  updateMember(board, runId, 'devops', { status: 'dead' }, coordinator);
  recordUsage(board, runId, 'mle', { model: 'sim', taskId: null, inputTokens: 20_000, outputTokens: 4_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.41 });
  t.tick(65_000);
  void docs;
  void train;
  void deploy;
  return { ...t, runId };
}

/** Put the metric question on the board, asked by mle about the training task. */
export function askMetric(tb: TestBoard, payload: QuestionPayload = METRIC_QUESTION): number {
  updateMember(tb.board, tb.runId, 'mle', { status: 'waiting' }, memberActor('mle', 'ml-engineer'));
  return askQuestion(tb.board, tb.runId, { kind: 'agent', askedBy: 'mle', taskId: 5, payload }, memberActor('mle', 'ml-engineer')).id;
}

/** Strip colours and trailing spaces so frames compare as plain text. */
export function plain(frame: string | undefined): string {
  return (frame ?? '')
    .replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

export async function waitFor(check: () => void, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      check();
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
};
