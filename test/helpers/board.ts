import fs from 'node:fs';
import path from 'node:path';
import { human, memberActor, type Actor, type MemberActor } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import type { BoardEvent } from '../../src/board/events.js';
import { openBoard } from '../../src/board/open.js';
import type { RunConfig } from '../../src/board/types.js';
import { tempDir } from './temp-dir.js';
import { BOARD_BACKEND_ENV, createTestDatabase, POSTGRES_URL_ENV, releaseTestDatabase } from './postgres.js';

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
  /** Open this board instead of the test backend's own (a file in `dir`, or a fresh PostgreSQL database). */
  location?: string;
}

/** A real board in a temp folder with one run and its members. */
export interface TestBoard {
  dir: string;
  /** The board's file, or its postgres:// URL: what `openBoard` (and a child process) opens. */
  file: string;
  board: Board;
  runId: number;
  /** The member actor (with its role) of a member added to the run. */
  as(name: string): MemberActor;
  /** Events of the run, oldest first. */
  events(): Promise<BoardEvent[]>;
  /** Close the board and remove the temp folder. */
  cleanup(): Promise<void>;
}

export { tempDir };

/** The configuration of a run made by hand in a test (no team file). */
export function testConfig(team: string, pipeline: string[]): RunConfig {
  return { team, description: '', pipeline, members: [], gates: [], teamFile: '' };
}

/** The backend test/board runs on: the vitest project sets TEAM_TEST_BOARD (sqlite when unset). */
export function testBackend(): 'sqlite' | 'postgres' {
  return process.env[BOARD_BACKEND_ENV] === 'postgres' ? 'postgres' : 'sqlite';
}

/** PostgreSQL databases made for test boards, by the folder they stand for (a second board in the same folder shares it). */
const databases = new Map<string, string>();

/**
 * Where a test board lives: a file in its folder, or (on the PostgreSQL backend) a fresh, empty
 * database; `drop` gives the database back when this board is the one that got it.
 */
async function testLocation(dir: string, location: string | undefined): Promise<{ location: string; drop?: () => Promise<void> }> {
  if (location !== undefined) return { location };
  if (testBackend() === 'sqlite') return { location: path.join(dir, 'board.db') };
  const known = databases.get(dir);
  if (known) return { location: known };
  const server = process.env[POSTGRES_URL_ENV];
  if (!server) throw new Error(`${BOARD_BACKEND_ENV}=postgres needs ${POSTGRES_URL_ENV} (set by test/global-setup.ts when PostgreSQL is installed)`);
  const url = await createTestDatabase(server);
  databases.set(dir, url);
  return {
    location: url,
    drop: async () => {
      databases.delete(dir);
      await releaseTestDatabase(server, url);
    },
  };
}

export async function createTestBoard(options: TestBoardOptions = {}): Promise<TestBoard> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? tempDir('teamboard-board-');
  const { location: file, drop } = await testLocation(dir, options.location);
  const board = await openBoard(file);
  const members = options.members ?? DEFAULT_MEMBERS;
  const team = options.team ?? 'test-team';
  const run = await board.createRun({ team, backend: 'sim', workspace: dir, config: testConfig(team, options.pipeline ?? DEFAULT_PIPELINE) }, human);
  for (const m of members) await board.addMember(run.id, { name: m.name, agent: m.role, role: m.role, model: 'sim' }, human);
  const roles = new Map(members.map((m) => [m.name, m.role]));
  return {
    dir,
    file,
    board,
    runId: run.id,
    as(name) {
      const role = roles.get(name);
      if (role === undefined) throw new Error(`test board has no member ${name}; add it in createTestBoard({members})`);
      return memberActor(name, role);
    },
    events: () => board.listEvents(run.id),
    async cleanup() {
      await board.close();
      await drop?.();
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Create `count` pending tasks without stage or role ("Task 1".."Task N"), one transaction each. */
export async function seedTasks(board: Board, runId: number, count: number, actor: Actor = human): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) ids.push((await board.createTask(runId, { subject: `Task ${i}` }, actor)).id);
  return ids;
}

export interface Caught {
  name: string;
  code: unknown;
  message: string;
}

/** What fn throws (or rejects with), as {name, code, message} for one exact toEqual (fails the test when fn succeeds). */
export async function caught(fn: () => unknown): Promise<Caught> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof Error)) return { name: typeof error, code: undefined, message: String(error) };
    const code = 'code' in error ? error.code : undefined;
    return { name: error.name, code, message: error.message };
  }
  throw new Error('expected the call to throw, and it returned normally');
}
