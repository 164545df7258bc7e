import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, seedBoard, waitFor, type TestBoard, stable } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await tb?.close();
});

/** The run as the board has it now. */
async function run(board: TestBoard = tb) {
  return board.board.requireRun(board.runId);
}

/** Wait until the run's status is written (the board app writes after the key, asynchronously). */
async function statusBecomes(status: string, board: TestBoard = tb): Promise<void> {
  await waitFor(async () => expect((await run(board)).status).toBe(status));
}

describe('task cursor and detail view', () => {
  it('moves a cursor over the tasks and opens the detail of the selected one', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 });
    await ui.press(KEYS.down);
    await ui.press(KEYS.tab);
    await ui.press(KEYS.down);
    await ui.press(KEYS.tab);
    await ui.press(KEYS.enter);
    await ui.see(' Task #3 Build the feature table');
    const frame = ui.frame();
    expect(frame).toContain('in_progress · owner ds · stage features · role data-scientist · attempt 1');
    expect(frame).toContain('created by coordinator at 00:01 · started 00:45');
    expect(frame).toContain('0 tok · $0.00');
    expect(frame).toContain('blocks #5');
    expect(frame).toContain('  Join usage and billing, one row per subscriber. Write features.csv.');
    expect(frame).toContain('Activity (4)');
    expect(frame).toContain('  00:01 coordinator  created #3 Build the feature table [features]');
    expect(frame).toContain('  00:45 ds           claimed #3 Build the feature table');
    expect(frame).not.toContain('Metrics');
    expect(frame.split('\n').at(-1)).toBe('Esc close · ? keys · q detach · Ctrl-C detach');
    expect(stable(frame)).toMatchSnapshot();
    await ui.press(KEYS.escape);
    await ui.see(/^Ready \(1\)/m);
    expect(ui.frame()).not.toContain(' Task #3');
  });

  it('shows metadata as dotted keys and follows the cursor across columns', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 100, rows: 40 });
    await ui.press('l', 'l', 'l', 'l', KEYS.down, KEYS.enter);
    await ui.see(' Task #1 Generate the dataset');
    expect(ui.frame()).toContain('  rows: 5000');
    // A lone Esc followed at once by a letter reads as Alt+letter: wait for the board first.
    await ui.press(KEYS.escape);
    await ui.see(/^Ready \(1\)/m);
    await ui.press('k', KEYS.enter);
    await ui.see(' Task #2 Profile the data');
    await ui.see(/^ {2}churn_rate {2}0\.21$/m);
    expect(ui.frame()).toMatch(/^Metrics \(1\)$/m);
    expect(ui.frame()).toContain('after #1 (done)');
  });

  it('takes several keys arriving in one read as separate keys', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 });
    await ui.press('\t\t\t\r');
    await ui.see(' Task #3 Build the feature table');
  });

  it('scrolls a detail view taller than the screen', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 80, rows: 14 });
    await ui.press('l', 'l', KEYS.enter);
    await ui.see(/lines 1-\d+ of \d+ \(\d+ more\) · ↑↓ scroll · Esc close/);
    await ui.press('j', 'j', 'j');
    await ui.see(/lines 4-/);
  });
});

describe('run controls', () => {
  it('says how to go on with a crashed run, and offers no pause or stop', async () => {
    tb = await seedBoard();
    await tb.crash();
    ui = await mountBoard(tb);
    expect(ui.frame()).toContain('● crashed');
    expect(ui.frame()).toContain('the process driving it stopped; go on with `team resume 1`');
    expect(ui.frame().split('\n').at(-1)).toBe('←→↑↓ select · ⏎ details · f files · m member · PgUp/PgDn feed · ? keys · q close · Ctrl-C detach');
    expect(ui.frame()).toContain(' ✗ Run 1 crashed: the process driving it stopped ');
    expect(ui.frame()).toContain(' Next: team resume 1 goes on from where it was · team export 1 shows what happened · q closes the board');
    await ui.press('p');
    await ui.see('run 1 crashed (its process stopped); go on with `team resume 1`');
    expect((await run()).status).toBe('running');
  });

  it('pauses and resumes the run with p', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await ui.press('p');
    await statusBecomes('paused');
    expect((await run()).statusReason).toBe('paused from the board');
    expect((await tb.board.listEvents(tb.runId)).at(-1)).toMatchObject({ type: 'run.paused', actor: 'human' });
    await ui.see('● paused');
    await ui.see('paused: agents stop after their current step; p resumes');
    await ui.press('p');
    await statusBecomes('running');
    await ui.see('● running');
  });

  it('detaches with q without touching the run', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 }, 'owner');
    await ui.press('q');
    expect(ui.exits).toEqual(['detach']);
    expect((await run()).status).toBe('running');
  });

  it('asks before stopping the run with Q, and n keeps it going', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await ui.press('Q');
    await ui.see(' Stop run 1? Every agent stops after its current step.  y stop · n keep going');
    await ui.press('n');
    await ui.see('←→↑↓ select');
    expect((await run()).status).toBe('running');
    expect(ui.exits).toEqual([]);
    await ui.press('Q', 'y');
    await statusBecomes('stopped');
    expect((await run()).statusReason).toBe('stopped from the board');
    await waitFor(() => expect(ui?.exits).toEqual(['stop']));
  });

  it('in owner mode Ctrl-C asks to stop; when attached it detaches', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 }, 'owner');
    await ui.press(KEYS.ctrlC);
    await ui.see('Stop run 1?');
    await ui.press('y');
    await waitFor(() => expect(ui?.exits).toEqual(['stop']));
    expect((await run()).status).toBe('stopped');
    ui.unmount();

    const second = await seedBoard();
    ui = await mountBoard(second, { columns: 120, rows: 40 }, 'attach');
    await ui.press(KEYS.ctrlC);
    expect(ui.exits).toEqual(['detach']);
    expect((await run(second)).status).toBe('running');
    await second.close();
  });

  it('offers no pause or stop on a finished run', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await ui.press('Q', 'y');
    await waitFor(() => expect(ui?.exits).toEqual(['stop']));
    ui.unmount();
    ui = await mountBoard(tb);
    expect(ui.frame()).toContain('● stopped');
    expect(ui.frame()).toContain('stopped from the board');
    expect(ui.frame().split('\n').at(-1)).toBe('←→↑↓ select · ⏎ details · f files · m member · PgUp/PgDn feed · ? keys · q close · Ctrl-C detach');
    await ui.see(/ ■ Run 1 stopped: stopped from the board {2}2 of 6 tasks done · \d+:\d\d of work/);
    expect(ui.frame()).toContain(' Next: team resume 1 goes on from where it stopped · team export 1 shows what happened · q closes the board');
    await ui.press('p');
    await ui.see('run 1 is stopped; there is nothing to pause');
  });
});
