import { afterEach, describe, expect, it } from 'vitest';
import type { Size } from '../../tui/layout.js';
import { KEYS, recordWork, seedBoard, waitFor, type TestBoard } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await tb?.close();
});

/** Every row of the detail, scrolled through to the end (a small terminal shows a window of it). */
async function wholeDetail(h: Harness): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < 12; i++) {
    for (const line of h.frame().split('\n')) if (!seen.includes(line)) seen.push(line);
    if (!/\(\d+ more\)/.test(h.frame())) break;
    const before = h.frame();
    await h.press(KEYS.pageDown);
    await waitFor(() => expect(h.frame()).not.toBe(before));
  }
  return seen.join('\n');
}

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
] satisfies Size[])('task detail at $columns×$rows', (size) => {
  it('shows the commands run for the task with exit codes and output tails, the files written, the metrics, and no sim data', async () => {
    tb = await seedBoard();
    await recordWork(tb);
    ui = await mountBoard(tb, size);
    await ui.press('l', 'l', 'l', KEYS.enter);
    await ui.see(' Task #3 Build the feature table');
    // The files it names are checked on disk: the hint offers them once found.
    await ui.see(/Tab command · ⏎ output · o files/);
    const all = await wholeDetail(ui);
    expect(all).toMatch(/^Metrics \(2\)$/m);
    expect(all).toMatch(/^ {2}rows {2}5000$/m);
    expect(all).toMatch(/^ {2}auc {3}0\.81$/m);
    expect(all).toContain('  feature_set: full');
    expect(all).toContain('  reports/features.md  written here');
    expect(all).toMatch(/^Commands \(2\)/m);
    expect(all).toMatch(/^ {2}01:50 ds \$ python features\.py {2}exit 0$/m);
    expect(all).toContain('    │ … 8 lines above; Tab to it and ⏎ for the full output');
    expect(all).toContain('    │ features: step 30 of 30 done');
    expect(all).not.toContain('features: step 26 of 30 done');
    expect(all).toMatch(/^ {2}01:50 ds \$ python check\.py {2}exit 2$/m);
    expect(all).toContain('    │ KeyError: region');
    expect(all).toContain('01:50 ds           Write: reports/features.md · wrote reports/features.md');
    // The simulated model's script is never shown: not as metadata, not in the activity.
    const body = all.slice(all.indexOf(' Task #3'));
    expect(body).not.toMatch(/SIM SCRIPT|steps|\bsim[.:]/);
    for (const line of all.split('\n')) expect([...line].length).toBeLessThanOrEqual(size.columns);
  });

  it('opens the full output of a command one key away, and says when only the tail is kept', async () => {
    tb = await seedBoard();
    await recordWork(tb);
    ui = await mountBoard(tb, size);
    await ui.press('l', 'l', 'l', KEYS.enter);
    await ui.see(/Tab command · ⏎ output/);
    await ui.press(KEYS.tab);
    await ui.see(/^❯ 01:50 ds \$ python features\.py/m);
    await ui.press(KEYS.enter);
    await ui.see("ds · exit 0 · at 01:50 · full output, from ds's conversation");
    expect(ui.frame()).toContain('features: step 1 of 30 done');
    await ui.press('G');
    await ui.see('features: step 30 of 30 done');
    await ui.press(KEYS.escape);
    await ui.see(/^❯ 01:50 ds \$ python features\.py/m);
    await ui.press(KEYS.tab);
    await ui.see(/^❯ 01:50 ds \$ python check\.py/m);
    await ui.press(KEYS.enter);
    await ui.see('ds · exit 2 · at 01:50 · last lines only');
    const flat = ui.frame().replace(/\s+/g, ' ');
    expect(flat).toContain("The full output is no longer kept: ds's conversation is summarised once a task is done. These are the last 2 lines, kept with the call.");
    expect(ui.frame()).toContain('KeyError: region');
  });
});

describe('task detail', () => {
  it('opens the files a task names or wrote with o', async () => {
    tb = await seedBoard();
    await recordWork(tb);
    ui = await mountBoard(tb);
    await ui.press('l', 'l', 'l', KEYS.enter);
    await ui.see(/o files/);
    await ui.press('o');
    await ui.see('Features');
    await ui.see('• tenure');
    await ui.press(KEYS.escape);
    await ui.see(' Task #3 Build the feature table');
  });

  it('a blocked task says what it waits for: its own blockers, the stage before it, a gate', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await ui.press('l', 'l', 'j', KEYS.enter);
    await ui.see(' Task #6 Serve the model');
    await waitFor(() => expect(ui?.frame()).toMatch(/^blocked: after training · gate: approval$/m));
    expect(ui.frame()).toContain('gate human approval before deploy (waiting)');
  });
});
