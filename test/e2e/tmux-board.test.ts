/**
 * The built CLI's live board in a real terminal: `team board 1` inside tmux, driven with
 * send-keys and read with capture-pane.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { REPO_ROOT, ensureBuilt } from '../helpers/runtime.js';
import { hasTmux, startTmux, warnWithoutTmux, type Tmux } from '../helpers/tmux.js';
import { askMetric, seedBoard, type TestBoard } from '../tui/helpers.js';

warnWithoutTmux('test/e2e/tmux-board.test.ts');

describe.skipIf(!hasTmux)('team board in tmux', () => {
  let dir = '';
  let questionId = 0;
  let term: Tmux;
  // The seeded run keeps a beating driver while it is on screen; without one it shows as crashed.
  let tb: TestBoard | undefined;
  const METRIC = 'Which metric should the model optimise?';

  beforeAll(async () => {
    await ensureBuilt();
    tb = await seedBoard(Date.now() - 5 * 60_000);
    questionId = await askMetric(tb);
    dir = tb.dir;
    term = startTmux({ name: 'board', columns: 120, rows: 40 });
    term.run(`cd ${REPO_ROOT} && TEAM_HOME=${dir} node bin/team.js board 1`);
  }, 120_000);

  afterAll(async () => {
    term?.kill();
    await tb?.close();
  });

  it('draws the header, the columns and the pending question at 120×40', async () => {
    const screen = await term.until('the board', () => {
      const text = term.capture();
      return text.includes('Esc board · ? keys') ? text : undefined;
    });
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^churn-project · run 1 · sim seed 7 · ● running \d+:\d\d · 2\/6 tasks done · \$0\.42 \/ \$5\.00 · 26k tok \(sim estimate\)\s*$/);
    expect(screen).toMatch(/Ready \(1\) ─+ Blocked \(2\) ─+ In progress \(1\) ─+ Done \(2\) ─+/);
    expect(screen).toContain(' ? Question q1 from mle · task #5');
    expect(screen).toContain('❯ 1. AUC        Ranking quality over all thresholds');
    expect(term.display('#{alternate_on}')).toBe('1');
  });

  it('answers the question with a number key, written to the database as the human', async () => {
    term.keys('2');
    const reader = await openBoard(path.join(dir, 'board.db'));
    try {
      let question = await reader.getQuestion(1, questionId);
      for (let tries = 0; question?.status !== 'answered' && tries < 150; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        question = await reader.getQuestion(1, questionId);
      }
      expect(question?.answers).toEqual([{ question: METRIC, picked: ['Recall'], text: null }]);
      expect(question?.answeredBy).toBe('human');
    } finally {
      await reader.close();
    }
    await term.until('the answer in the activity feed', () => term.capture().includes('answered q1: Recall'));
    expect(term.capture()).not.toContain('Question q1 from mle');
  });

  it('fits 80×24 after a resize: no line wider than 80, the frame within 24 rows', async () => {
    term.resize(80, 24);
    const screen = await term.until('the compact layout', () => {
      const text = term.capture(true);
      return /^In progress \(1\) ─+ Done \(2\) ─+\s*$/m.test(text) ? text : undefined;
    });
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(24);
    for (const line of lines) expect([...line.trimEnd()].length, `too wide: "${line}"`).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^churn-project · run 1 · /);
    // The frame is one row short of the screen (a full-height frame would make the terminal scroll).
    expect(lines[22]).toMatch(/←→↑↓ select · ⏎ details · \? keys · q detach/);
    expect(lines[23]?.trim()).toBe('');
  });

  it('detaches with q and gives the terminal back as it was', async () => {
    term.keys('q');
    await term.until('the shell', () => term.display('#{alternate_on} #{pane_current_command}') === '0 bash');
    expect(term.display('#{cursor_flag}')).toBe('1');
    expect(term.capture()).not.toContain('Ready (');
    const stty = path.join(dir, 'stty.txt');
    term.run(`stty -a > ${stty}`);
    const modes = await term.until('stty output', () => (fs.existsSync(stty) && fs.readFileSync(stty, 'utf8').includes('icanon') ? fs.readFileSync(stty, 'utf8') : undefined));
    expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
    expect(modes).not.toMatch(/-icanon/);
  });
});
