import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { registerRunCommands } from '../../src/cli/commands/runs.js';
import type { CommandIO } from '../../src/cli/io.js';
import { runTimeMs } from '../../src/cli/run-time.js';
import { formatClock } from '../../tui/format.js';
import { headerLines } from '../../tui/header.js';
import { lineText, formatBoardText } from '../../tui/plain.js';
import { askMetric, METRIC_QUESTION, seedBoard, T0, type TestBoard } from './helpers.js';

/** A crashed run stops working and stops its clock; every view measures the run with the report's one duration. */
let tb: TestBoard;
afterEach(async () => {
  await tb?.close();
});

async function cli(args: string[]): Promise<string> {
  let out = '';
  const io: CommandIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), setExitCode: () => undefined, cwd: () => tb.dir, home: () => tb.dir, env: { TEAM_HOME: tb.dir } };
  const program = new Command().exitOverride().option('--board <path>');
  registerRunCommands(program, io);
  await program.parseAsync(['node', 'team', '--board', tb.file, ...args]);
  return out;
}

const headerTime = (text: string) => /● \w+ (in )?(\d+:\d\d)/.exec(text)?.[2];

describe('a crashed run', () => {
  it('shows no member working, on the board and in team status', async () => {
    tb = await seedBoard();
    expect((await tb.board.readSnapshot(tb.runId)).members.find((m) => m.name === 'ds')).toMatchObject({ status: 'working' });
    await tb.crash();
    const s = await tb.board.readSnapshot(tb.runId);
    expect(s.run.state).toBe('crashed');
    expect(s.members.find((m) => m.name === 'ds')).toMatchObject({ status: 'stopped', step: null, currentTask: 3 });
    expect(s.members.filter((m) => m.status === 'working')).toEqual([]);

    const text = formatBoardText(s, T0 + 1_000_000, 120);
    expect(text).toMatch(/● ds +data-scientist +stopped \(run crashed\)/);
    expect(text).toContain('team resume 1');

    const status = await cli(['status', '1']);
    expect(status).toMatch(/^ {2}ds +data-scientist +stopped \(run crashed\) +#3 /m);
    expect(status).toContain('team resume 1');
    const json = JSON.parse(await cli(['status', '1', '--json'])) as { members: { name: string; status: string; state: string }[] };
    expect(json.members.find((m) => m.name === 'ds')).toMatchObject({ status: 'working', state: 'stopped' });
  });

  it('stops the clock at the last thing that happened, as team status measures it', async () => {
    tb = await seedBoard();
    await tb.crash();
    const s = await tb.board.readSnapshot(tb.runId);
    expect(s.run.ticking).toBe(false);
    const status = await cli(['status', '1', '--json']);
    const durationMs = (JSON.parse(status) as { run: { durationMs: number } }).run.durationMs;
    expect(s.run.workMs).toBe(durationMs);
    // Minutes later, by the board's clock and by the time the header is drawn, the clock has not moved.
    tb.tick(600_000);
    const later = await tb.board.readSnapshot(tb.runId);
    expect(later.run.workMs).toBe(durationMs);
    for (const now of [T0 + 200_000, T0 + 10_000_000]) {
      expect(headerTime(formatBoardText(later, now, 120))).toBe(formatClock(durationMs));
    }
  });

  it('does not move its clock when a person answers a question while it is crashed', async () => {
    tb = await seedBoard();
    const question = await askMetric(tb);
    await tb.crash();
    const before = (await tb.board.readSnapshot(tb.runId)).run.workMs;
    tb.tick(600_000);
    await tb.board.answerQuestion(tb.runId, question, [{ question: METRIC_QUESTION.questions[0]?.question ?? '', picked: ['AUC'], text: null }], 'cli', human);
    const after = await tb.board.readSnapshot(tb.runId);
    expect(after.run.state).toBe('crashed');
    expect(after.run.workMs).toBe(before);
  });
});

describe('the board measures a run as the report does', () => {
  it('leaves a pause out while the run goes on, and agrees with team status once it ended', async () => {
    tb = await seedBoard();
    const before = await tb.board.readSnapshot(tb.runId);
    expect(before.run.ticking).toBe(true);
    await tb.board.setRunStatus(tb.runId, 'paused', 'paused from the board', human);
    tb.tick(5_000);
    const paused = await tb.board.readSnapshot(tb.runId);
    expect(paused.run.ticking).toBe(false);
    // Paused: the clock stands still however long the pause is.
    const standing = headerTime(lineText(headerLines(paused, T0 + 10_000_000, 120, 1)[0] ?? [], 120));
    expect(standing).toBe(formatClock(paused.run.workMs));
    tb.tick(120_000);
    await tb.board.setRunStatus(tb.runId, 'running', 'resumed from the board', human);
    tb.tick(10_000);
    const running = await tb.board.readSnapshot(tb.runId);
    expect(running.run.ticking).toBe(true);
    // The pause (125 s) is left out of the clock, and it counts on from the read.
    expect(running.run.workMs).toBe(paused.run.workMs + 10_000);
    const now = running.run.startedAt + running.run.elapsedMs + 3_000;
    expect(headerTime(lineText(headerLines(running, now, 120, 1)[0] ?? [], 120))).toBe(formatClock(running.run.workMs + 3_000));

    tb.tick(4_000);
    await tb.board.setRunStatus(tb.runId, 'completed', null, coordinator);
    const ended = await tb.board.readSnapshot(tb.runId);
    const ms = await runTimeMs(tb.board, await tb.board.requireRun(tb.runId));
    expect(ended.run.workMs).toBe(ms);
    expect(headerTime(lineText(headerLines(ended, T0 + 10_000_000, 120, 1)[0] ?? [], 120))).toBe(formatClock(ms));
    // The fold kept between reads gives what a fresh read of every event gives.
    const fresh = await openBoard(tb.file);
    try {
      expect((await fresh.readSnapshot(tb.runId)).run.workMs).toBe(ms);
    } finally {
      await fresh.close();
    }
  });
});
