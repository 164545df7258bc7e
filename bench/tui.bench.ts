/**
 * The live board: how long a frame takes for a big run (500 tasks, 20 members), and how often it
 * redraws when nothing happens (only the clock, once a second) and while a writer hammers the board.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coordinator, memberActor } from '../src/board/actor.js';
import type { Board } from '../src/board/board.js';
import { openBoard } from '../src/board/open.js';
import { renderBoard } from '../tui/render-board.js';
import { drawFrame, renderFrame } from '../tui/render-frame.js';
import { HeadlessTerminal } from '../tui/terminal.js';
import { markdownTable, median, type BenchSection } from './section.js';

const TASKS = 500;
const MEMBERS = 20;
const FRAMES = 40;
const IDLE_MS = 3_000;
const BUSY_MS = 3_000;
const PIPELINE = ['data', 'features', 'training'];

interface BigRun {
  board: Board;
  file: string;
  runId: number;
  members: string[];
}

/** 500 tasks over three stages: ~150 done, 20 in progress, the rest ready or blocked; 20 members. */
async function bigRun(dir: string): Promise<BigRun> {
  const file = path.join(dir, 'board.db');
  const board = await openBoard(file);
  const config = { team: 'bench', description: '', pipeline: PIPELINE, members: [], gates: [], teamFile: '' };
  const run = await board.createRun({ team: 'bench', backend: 'sim', seed: 1, workspace: dir, budgetUsd: 50, config }, coordinator);
  const members = Array.from({ length: MEMBERS }, (_, i) => `member-${String(i + 1).padStart(2, '0')}`);
  for (const name of members) await board.addMember(run.id, { name, agent: 'ml-engineer', role: 'ml-engineer', model: 'sim' }, coordinator);
  await board.createTasks(
    run.id,
    Array.from({ length: TASKS }, (_, index) => {
      const i = index + 1;
      const stage = i <= 200 ? 'data' : i <= 350 ? 'features' : 'training';
      return { subject: `Task number ${i} with a subject long enough to be cut`, stage, description: `Work item ${i}.`, blockedBy: i > 1 && i % 7 === 0 ? [i - 1] : [] };
    }),
    coordinator,
  );
  await board.transaction(async (tx) => {
    let done = 0;
    let working = 0;
    for (let id = 1; id <= 200 && (done < 150 || working < MEMBERS); id++) {
      if (id % 7 === 0) continue;
      const name = members[(done + working) % MEMBERS] ?? '';
      const actor = memberActor(name, 'ml-engineer');
      await tx.updateTask(run.id, id, { status: 'in_progress', activeForm: `Working on ${id}` }, actor);
      if (done < 150) {
        await tx.updateTask(run.id, id, { status: 'completed', metadata: { score: id / 1000 } }, actor);
        done++;
      } else {
        await tx.updateMember(run.id, name, { status: 'working', currentTask: id }, actor);
        working++;
      }
      await tx.recordUsage(run.id, name, { model: 'sim', taskId: id, inputTokens: 2_000, outputTokens: 400, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 });
    }
  });
  return { board, file, runId: run.id, members };
}

async function timeMs(fn: () => unknown, repeats: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mount the real app on a headless terminal and count the frames Ink draws over a window. */
async function countRenders(big: BigRun, windowMs: number, during?: (stop: () => boolean) => Promise<number>): Promise<{ renders: number; writes: number; renderMs: number[]; bytesPerFrame: number }> {
  const terminal = new HeadlessTerminal(120, 40);
  const renderMs: number[] = [];
  const handle = renderBoard({ board: big.board, runId: big.runId, mode: 'attach', stdout: terminal.stdout, stdin: terminal.stdin, altScreen: false, onRender: (ms) => renderMs.push(ms) });
  await sleep(500);
  const before = renderMs.length;
  const bytesBefore = terminal.bytes;
  let writes = 0;
  let stopped = false;
  const writer = during ? during(() => stopped).then((n) => void (writes = n)) : Promise.resolve();
  await sleep(windowMs);
  stopped = true;
  await writer;
  const renders = renderMs.length - before;
  const bytesPerFrame = renders > 0 ? (terminal.bytes - bytesBefore) / renders : 0;
  handle.unmount();
  await handle.waitUntilExit();
  return { renders, writes, renderMs: renderMs.slice(before), bytesPerFrame };
}

/** Another connection (as another process would) claiming, completing and logging tool calls. */
function busyWriter(big: BigRun): (stop: () => boolean) => Promise<number> {
  return async (stop) => {
    const writer = await openBoard(big.file);
    let writes = 0;
    let next = 1;
    try {
      while (!stop()) {
        const name = big.members[writes % big.members.length] ?? '';
        const actor = memberActor(name, 'ml-engineer');
        const task = await writer.createTask(big.runId, { subject: `Busy task ${next++}`, stage: 'data' }, actor);
        await writer.updateTask(big.runId, task.id, { status: 'in_progress', activeForm: 'Crunching' }, actor);
        await writer.appendEvent(big.runId, actor, { type: 'tool.called', payload: { member: name, tool: 'Bash', summary: `python step.py --task ${task.id}`, ok: true } });
        await writer.noteLastAction(big.runId, name, `Bash: python step.py --task ${task.id}`);
        await writer.updateTask(big.runId, task.id, { status: 'completed' }, actor);
        writes += 5;
        await sleep(2);
      }
    } finally {
      await writer.close();
    }
    return writes;
  };
}

export async function run(): Promise<BenchSection> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-tui-bench-'));
  try {
    const big = await bigRun(dir);
    const snapshot = await big.board.readSnapshot(big.runId);
    const versionUs = (await timeMs(() => big.board.version(big.runId), 2_000)) * 1000;
    const snapshotMs = await timeMs(() => big.board.readSnapshot(big.runId), FRAMES);
    // A frame as the live board draws it: laid out, then every row written (a first frame, or after a resize).
    const wideMs = await timeMs(() => drawFrame(snapshot, { columns: 120, rows: 40 }), FRAMES);
    const compactMs = await timeMs(() => drawFrame(snapshot, { columns: 80, rows: 24 }), FRAMES);
    const hugeMs = await timeMs(() => drawFrame(snapshot, { columns: 240, rows: 80 }), FRAMES);
    // The same frame through Ink's renderer (one Text a row), as the tests draw it: for the ratio.
    const inkWideMs = await timeMs(() => renderFrame(snapshot, { columns: 120, rows: 40 }, true), FRAMES);
    const inkHugeMs = await timeMs(() => renderFrame(snapshot, { columns: 240, rows: 80 }, true), FRAMES);

    const idle = await countRenders(big, IDLE_MS);
    const busy = await countRenders(big, BUSY_MS, busyWriter(big));
    await big.board.close();

    const perSecond = (n: number, ms: number) => (n / (ms / 1000)).toFixed(1);
    const body = [
      `React ${process.env.NODE_ENV === 'production' ? 'production' : 'development'} build (NODE_ENV=${process.env.NODE_ENV ?? 'unset'}). ` +
        `A run with ${TASKS} tasks and ${MEMBERS} members (${snapshot.tasks.done.length} done, ${snapshot.tasks.in_progress.length} in progress, ${snapshot.tasks.blocked.length} blocked, ${snapshot.tasks.ready.length} ready), ${snapshot.events.length} events in the feed.`,
      '',
      markdownTable(
        ['Step', 'Median'],
        [
          ['`board.version` (what the board polls every 150 ms)', `${versionUs.toFixed(1)} µs`],
          ['`board.readSnapshot` (only when the version moved)', `${snapshotMs.toFixed(2)} ms`],
          ['frame, 120×40 (rows laid out, every row written)', `${wideMs.toFixed(2)} ms`],
          ['frame, 80×24 (compact grid)', `${compactMs.toFixed(2)} ms`],
          ['frame, 240×80', `${hugeMs.toFixed(2)} ms`],
          ['the 120×40 frame through Ink (renderToString, as the tests draw it)', `${inkWideMs.toFixed(2)} ms (${(inkWideMs / wideMs).toFixed(1)}×)`],
          ['the 240×80 frame through Ink', `${inkHugeMs.toFixed(2)} ms (${(inkHugeMs / hugeMs).toFixed(1)}×)`],
        ],
      ),
      '',
      markdownTable(
        ['Live app on a 120×40 headless terminal', 'Window', 'Board writes', 'Frames drawn', 'Frames/s'],
        [
          ['idle (running run, nobody writes; the clock moves)', `${IDLE_MS / 1000} s`, '0', String(idle.renders), perSecond(idle.renders, IDLE_MS)],
          [
            'busy (another connection: claim, tool call, last action, complete, every ~2 ms)',
            `${BUSY_MS / 1000} s`,
            String(busy.writes),
            String(busy.renders),
            perSecond(busy.renders, BUSY_MS),
          ],
        ],
      ),
      '',
      `Time per frame while busy (rows laid out, the changed ones written): median ${median(busy.renderMs.length > 0 ? busy.renderMs : [0]).toFixed(2)} ms, ` +
        `${busy.bytesPerFrame.toFixed(0)} bytes written per frame on average. ` +
        'The board polls a version token (data_version, total_changes, last event) and re-reads only when it moved; it re-renders only when what it shows changed or the clock moved (m:ss, once a second), ' +
        'and the Screen writes only the rows that differ from the frame before (docs/decisions/0010-terminal-board-lines.md).',
    ].join('\n');
    return { title: 'Terminal board', body };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
