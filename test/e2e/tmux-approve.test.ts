/**
 * Deciding an approval from the live board in a real terminal (tmux): churn-project on small data
 * runs until the approval before deploy; the person opens reports/model-card.md from the question
 * with a key, reads it, goes back and approves with a condition, and the run goes on to the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { BIN, ensureBuilt, tempDir } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';
import { hasTmux, startTmux, warnWithoutTmux, type Tmux } from '../helpers/tmux.js';

warnWithoutTmux('test/e2e/tmux-approve.test.ts');

let term: Tmux | undefined;
let cwd = '';

beforeAll(ensureBuilt, 120_000);

afterEach(() => {
  term?.kill();
  term = undefined;
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

/** The screen's lines joined, spaces collapsed: text the board wrapped reads as one line. */
const flat = (screen: string) => screen.replace(/\s+/g, ' ');

describe.skipIf(!hasTmux)('an approval decided on the live board, in tmux', () => {
  it('opens reports/model-card.md from the approval question, reads it, goes back and approves with a condition', async () => {
    cwd = smallChurnProject(tempDir('teamboard-tmux-approve-'));
    const t = startTmux({ name: 'approve', columns: 120, rows: 40, cwd });
    term = t;
    t.run(`HOME=${cwd} node ${BIN} start churn-project --speed 100; echo "team exited with $?"`);

    // The questions before the approval: each takes its first, recommended option.
    for (const question of [' ? Question q1 from ds', ' ? Question q2 from ds', ' ? Question q3 from mle']) {
      await t.see(question, 60_000);
      t.keys('Enter');
    }

    const asking = await t.see(' ? Approval q4', 90_000);
    expect(asking).toContain('[Approve] Ship the churn model?');
    expect(asking).toMatch(/workspace .*\.team\/runs\/1\/workspace/);
    // The files the question names are offered once found in the workspace.
    await t.see('files reports/model-card.md · reports/metrics.json');

    // Ctrl-O: a letter would start an answer.
    t.keys('C-o');
    await t.see('Named here');
    expect(t.capture()).toMatch(/^❯ reports\/model-card\.md\s*$/m);
    t.keys('Enter');
    const card = await t.see('Model card: subscriber churn');
    expect(card).toMatch(/^ reports\/model-card\.md/m);
    expect(card).toMatch(/ · Markdown · /);
    expect(card).toContain('Test-split results');
    expect(card).toMatch(/AUC +│ 0\.\d+ +│ 0\.\d+/);
    // The rest of the card is a key away.
    t.keys('G');
    await t.see('Limitations');

    // Back to the list, back to the question: nothing was decided meanwhile.
    t.keys('Escape');
    await t.see('Named here');
    t.keys('Escape');
    await t.see(' ? Approval q4');

    // Approve with a condition: typed straight onto the panel (the words go to the last row, Other,
    // after Approve, Reject and Retrain), then put with Approve.
    t.type('watch calibration weekly');
    await t.see(/^❯ 4\. Other: watch calibration weekly/);
    t.keys('Enter');
    await t.until('the offer to use the words', () => (flat(t.capture()).includes('1 approve with this as the condition') ? true : undefined));
    t.keys('1');

    // The run goes on to deploy: the last question (the rollout) comes, then the end.
    await t.see(' ? Question q5 from devops', 60_000);
    t.keys('Enter');
    const done = await t.until(
      'the finished board',
      () => {
        const screen = t.capture();
        return /● completed/.test(screen.split('\n')[0] ?? '') ? screen : undefined;
      },
      90_000,
    );
    expect(done).toContain('[✓ approval approved by human');
    expect(flat(done)).toContain('watch calibration weekly');
    expect(flat(done)).toMatch(/✓ Run 1 completed .*Next: team export 1 --format html writes the report/);
    t.keys('q');
    await t.until('the shell', () => (t.capture(true).includes('team exited with 0') ? true : undefined), 30_000);

    const board = await openBoard(path.join(cwd, '.team', 'board.db'), { mustExist: true });
    try {
      const approval = (await board.listGates(1)).find((g) => g.kind === 'approval');
      expect(approval).toMatchObject({ status: 'passed', decidedBy: 'human', note: 'watch calibration weekly' });
      const q4 = await board.getQuestion(1, 4);
      expect(q4).toMatchObject({ kind: 'approval', answeredBy: 'human', answers: [{ picked: ['Approve'], text: 'watch calibration weekly' }] });
    } finally {
      await board.close();
    }
  }, 300_000);
});
