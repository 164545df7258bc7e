import { afterEach, describe, expect, it } from 'vitest';
import type { Size } from '../../tui/layout.js';
import { askApproval, KEYS, seedBoard, seedWorkspace, waitFor, type TestBoard } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await tb?.close();
});

const SIZES: Size[] = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
];

/** The frame's lines joined, spaces collapsed: text that wraps reads as one line. */
const flat = (frame: string) => frame.split('\n').map((l) => l.trim()).join(' ').replace(/\s+/g, ' ');

function expectFits(frame: string, size: Size): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
  for (const line of lines) expect([...line].length, `line too wide: "${line}"`).toBeLessThanOrEqual(size.columns);
}

describe.each(SIZES)('file viewer at $columns×$rows', (size) => {
  it('opens the model card an approval names, as Markdown, scrolls it, and goes back to the question', async () => {
    tb = await seedBoard();
    seedWorkspace(tb);
    await askApproval(tb);
    ui = await mountBoard(tb, size);
    await ui.see(' ? Approval q1');
    await ui.see(/files reports\/model-card\.md · reports\/metrics\.json/);
    await ui.press(KEYS.ctrlO);
    await ui.see('Named here');
    expect(ui.frame()).toMatch(/^❯ reports\/model-card\.md$/m);
    expect(ui.frame()).toMatch(/^ {2}reports\/metrics\.json$/m);
    await ui.press(KEYS.enter);
    await ui.see('Model card: subscriber churn');
    const frame = ui.frame();
    expect(frame).toMatch(/^ reports\/model-card\.md/m);
    expect(frame).toMatch(/Markdown · .*model-card\.md/);
    expect(frame).toContain('• Family: logistic regression');
    expect(frame).toMatch(/lines 1-\d+ of \d+ · ↑↓ PgUp\/PgDn scroll · g\/G top\/end · Esc back/);
    expect(frame.split('\n').at(-1)).toContain('Esc back');
    expectFits(frame, size);
    expect(frame).toContain('AUC         │ 0.833 │ 0.677');
    await ui.press(KEYS.pageDown);
    await ui.see(/^• Limitation number \d+:/m);
    expect(ui.frame()).not.toContain('Model card: subscriber churn');
    await ui.press('G');
    await ui.see('• Limitation number 40:');
    expect(ui.frame()).not.toContain('Model card: subscriber churn');
    await ui.press(KEYS.escape);
    await ui.see('Named here');
    await ui.press(KEYS.escape);
    await ui.see(' ? Approval q1');
    expectFits(ui.frame(), size);
  });
});

describe('file viewer', () => {
  it('pretty-prints JSON', async () => {
    tb = await seedBoard();
    seedWorkspace(tb);
    await askApproval(tb);
    ui = await mountBoard(tb);
    await ui.see('files reports/model-card.md');
    await ui.press(KEYS.ctrlO);
    await ui.see('Named here');
    await ui.press(KEYS.down, KEYS.enter);
    await ui.see(/ · JSON · /);
    const frame = ui.frame();
    expect(frame).toMatch(/^ reports\/metrics\.json/m);
    expect(frame).toMatch(/^ {2}"auc": 0\.833,$/m);
    expect(frame).toMatch(/^ {2}"calibration": \[$/m);
    expect(frame).toMatch(/^ {6}"bin": "0\.0-0\.1",$/m);
  });

  it('browses the workspace from the board, and refuses binary files, huge files and links out of it', async () => {
    tb = await seedBoard();
    const ws = seedWorkspace(tb);
    ui = await mountBoard(tb, { columns: 100, rows: 30 });
    await ui.press('f');
    await ui.see(/Files +workspace .*ws/);
    await ui.see(/^❯ artifacts\/$/m);
    expect(ui.frame()).toMatch(/^ {2}reports\/$/m);
    await ui.press(KEYS.enter);
    await ui.see('artifacts/');
    await ui.see(/^ {2}huge\.log +1\.0 MB$/m);
    expect(ui.frame()).toMatch(/^ {2}model\.bin +5 B$/m);
    // ../, huge.log, model.bin
    await ui.press('j', 'j', KEYS.enter);
    await waitFor(() => expect(flat(ui?.frame() ?? '')).toContain('artifacts/model.bin looks binary (it contains NUL bytes); the board shows text files.'));
    await ui.press(KEYS.escape);
    await ui.see(/^❯ model\.bin/m);
    await ui.press('k', KEYS.enter);
    await waitFor(() => expect(flat(ui?.frame() ?? '')).toContain(`artifacts/huge.log is 1.0 MB; the board shows files up to 1.0 MB. Open it in an editor: ${ws}/artifacts/huge.log`));
    await ui.press(KEYS.escape);
    await ui.see(/^❯ huge\.log/m);
    // Up a folder, into reports/, the link that leads out.
    await ui.press(KEYS.left);
    await ui.see(/^ {2}reports\/$/m);
    await ui.press('j', KEYS.enter);
    await ui.see(/^ {2}leak\.md/m);
    await ui.press('j', KEYS.enter);
    await waitFor(() => expect(flat(ui?.frame() ?? '')).toMatch(/path "reports\/leak\.md" is outside the workspace .* \(it leads through a symlink to .*secret\.txt\)/));
    expect(ui.frame()).not.toContain('TOP SECRET');
    await ui.press(KEYS.escape);
    await ui.see(/^❯ leak\.md/m);
    await ui.press(KEYS.escape);
    await ui.see(/^Ready \(1\)/m);
  });

  it('says so when the workspace does not exist yet', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await ui.press('f');
    await waitFor(() => expect(flat(ui?.frame() ?? '')).toMatch(/the workspace .*ws does not exist \(yet\)/));
  });
});
