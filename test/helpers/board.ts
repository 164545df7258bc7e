import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { human, memberActor, type Actor } from '../../src/board/actor.js';
import { openBoard, type Board } from '../../src/board/board.js';
import { listEvents, type BoardEvent } from '../../src/board/events.js';
import { addMember } from '../../src/board/members.js';
import { createRun } from '../../src/board/runs.js';
import { createTask } from '../../src/board/tasks.js';

export interface TestMember {
  name: string;
  role: string;
}

/** The members most board tests use: one per built-in role of the demo team. */
export const DEFAULT_MEMBERS: TestMember[] = [
  { name: 'ds', role: 'data-scientist' },
  { name: 'mle', role: 'ml-engineer' },
  { name: 'mlops', role: 'mlops-engineer' },
];

export const DEFAULT_PIPELINE = ['data', 'features', 'training', 'validation', 'deploy'];

export interface TestBoardOptions {
  /** The run's pipeline; [] for a run without stages. Default: DEFAULT_PIPELINE. */
  pipeline?: string[];
  /** Members added to the run. Default: DEFAULT_MEMBERS. */
  members?: TestMember[];
  team?: string;
  /** Folder to create the board in (kept on cleanup); default: a fresh temp folder (removed on cleanup). */
  dir?: string;
}

/** A real board file in a temp folder with one run and its members. */
export interface TestBoard {
  dir: string;
  file: string;
  board: Board;
  runId: number;
  /** The member actor (with its role) of a member added to the run. */
  as(name: string): Actor & { kind: 'member' };
  /** Events of the run, oldest first. */
  events(): BoardEvent[];
  /** Close the board and remove the temp folder. */
  cleanup(): void;
}

export function tempDir(prefix = 'teamboard-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function createTestBoard(options: TestBoardOptions = {}): TestBoard {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? tempDir('teamboard-board-');
  const file = path.join(dir, 'board.db');
  const board = openBoard(file);
  const members = options.members ?? DEFAULT_MEMBERS;
  const run = createRun(
    board,
    { team: options.team ?? 'test-team', backend: 'sim', workspace: dir, config: { pipeline: options.pipeline ?? DEFAULT_PIPELINE } },
    human,
  );
  for (const m of members) addMember(board, run.id, { name: m.name, agent: m.role, role: m.role, model: 'sim' }, human);
  const roles = new Map(members.map((m) => [m.name, m.role]));
  return {
    dir,
    file,
    board,
    runId: run.id,
    as(name) {
      const role = roles.get(name);
      if (role === undefined) throw new Error(`test board has no member ${name}; add it in createTestBoard({members})`);
      return memberActor(name, role) as Actor & { kind: 'member' };
    },
    events: () => listEvents(board, run.id),
    cleanup() {
      board.close();
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Create `count` pending tasks without stage or role ("Task 1".."Task N") in one transaction-per-task loop. */
export function seedTasks(board: Board, runId: number, count: number, actor: Actor = human): number[] {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) ids.push(createTask(board, runId, { subject: `Task ${i}` }, actor).id);
  return ids;
}

export interface Caught {
  name: string;
  code: unknown;
  message: string;
}

/** What fn throws, as {name, code, message} for one exact toEqual (fails the test when fn returns). */
export function caught(fn: () => unknown): Caught {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Error)) return { name: typeof error, code: undefined, message: String(error) };
    return { name: error.name, code: (error as { code?: unknown }).code, message: error.message };
  }
  throw new Error('expected the call to throw, and it returned normally');
}
