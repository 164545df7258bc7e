/**
 * `team start` with its live board in a real terminal (tmux): a person answers every question
 * with keys, watches the finished board, leaves with q; and at 80×24 the board fits and a stop
 * gives the terminal back as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/index.js';
import { BIN, ensureBuilt, team, tempDir } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';
import { hasTmux, startTmux, warnWithoutTmux, type Tmux } from '../helpers/tmux.js';

warnWithoutTmux('test/e2e/tmux-start.test.ts');

let term: Tmux | undefined;
let cwd = '';

beforeAll(ensureBuilt, 120_000);

afterEach(() => {
  term?.kill();
  term = undefined;
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

/** Start the run in the pane; the shell prints the exit code when `team` returns. */
function startRun(t: Tmux, dir: string, args: string): void {
  t.run(`HOME=${dir} node ${BIN} start churn-project ${args}; echo "team exited with $?"`);
}

const linesOf = (screen: string) => screen.replace(/\n+$/, '').split('\n');

/** A frame that fits: within the terminal, header on row 1, no stray escapes or broken rules. */
function expectFits(screen: string, columns: number, rows: number): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  // At 80 columns the header leaves out the backend's seed before anything else.
  expect(lines[0]).toMatch(/^churn-project · run 1 · (sim seed 42 · )?● (running|paused) \d+:\d\d · \d+\/\d+ /);
  for (const line of lines) {
    expect([...line.trimEnd()].length, `too wide: "${line}"`).toBeLessThanOrEqual(columns);
    expect(line, 'replacement character').not.toContain('\uFFFD');
    expect(line, 'escape sequence printed as text').not.toMatch(/\u001b|\[\d+(;\d+)*m/);
    // A rule always follows a section title ("Members (4) ────"); one alone is a broken frame.
    if (line.includes('──')) expect(line, `rule without a title: "${line}"`).toMatch(/^[A-Z][A-Za-z ]*(\(\d+\))? ─/);
  }
}

describe.skipIf(!hasTmux)('team start with the live board, in tmux', () => {
  it('at 120×40: every question answered with keys, the finished board stays until q, then the summary', async () => {
    cwd = smallChurnProject(tempDir('teamboard-tmux-start-'));
    const t = startTmux({ name: 'start', columns: 120, rows: 40, cwd });
    term = t;
    // Every step waits for a question or the finished board, so the pace only sets how long it takes.
    startRun(t, cwd, '--speed 100');

    const first = await t.see(' ? Question q1 from ds · task #1', 30_000);
    const header = linesOf(first)[0];
    expect(header).toMatch(/^churn-project · run 1 · sim seed 42 · ● running \d+:\d\d · 0\/12 tasks done · /);
    expect(first).toContain('[Churn def] Which churn definition should the model predict?');
    expect(first).toContain('❯ 1. Cancelled ');
    expect(first).toContain('  4. Other: type your own answer');
    expect(t.display('#{alternate_on}')).toBe('1');
    // A number key picks at once.
    t.keys('2');

    await t.see(' ? Question q2 from ds · task #4', 30_000);
    expect(t.capture()).toContain('❯ 1. Full features ');
    // Enter takes the option under the cursor (the first).
    t.keys('Enter');

    await t.see(' ? Question q3 from mle · task #5', 30_000);
    // The arrows move the cursor: down, down, up lands on the second option.
    t.keys('Down', 'Down', 'Up');
    await t.see('❯ 2. Recall ');
    t.keys('Enter');

    await t.see(' ? Approval q4', 60_000);
    expect(t.capture()).toContain('[Approve] Ship the churn model?');
    t.keys('1');

    await t.see(' ? Question q5 from devops · task #10', 30_000);
    // The last option takes free text: typed, shown, then sent with Enter in the same write (as a paste would).
    t.keys('4');
    await t.see(/^❯ 4\. Other:/);
    t.type('sha');
    await t.see('❯ 4. Other: sha');
    t.type('dow\r');

    const done = await t.until(
      'the finished board',
      () => {
        const screen = t.capture();
        return /● completed/.test(linesOf(screen)[0] ?? '') && screen.includes('Done (12)') ? screen : undefined;
      },
      60_000,
    );
    expect(done).toMatch(/Ready \(0\) ─+ Blocked \(0\) ─+ In progress \(0\) ─+ Done \(12\) ─+/);
    expect(done.match(/✓ #\d+ /g)).toHaveLength(12);
    expect(done).toContain('12 tasks completed');
    expect(done).not.toContain(' ? Question');
    // The board stays up, still in its own screen, until the person leaves it.
    expect(t.display('#{alternate_on} #{pane_current_command}')).toBe('1 node');

    t.keys('q');
    const after = await t.until('the summary', () => {
      const screen = t.capture(true);
      return screen.includes('team exited with 0') ? screen : undefined;
    });
    expect(t.display('#{alternate_on} #{pane_current_command}')).toBe('0 bash');
    const lines = linesOf(after);
    expect(lines).toContain('Run 1 (churn-project) completed: 12 tasks completed');
    expect(lines).toContain('  tasks      12/12 completed, 5 question(s) asked');
    expect(after).not.toContain('team: detached');

    const report = await team(cwd, ['export', '1', '--format', 'json']);
    expect(report.exitCode).toBe(0);
    const decisions = (JSON.parse(report.stdout) as Report).decisions;
    expect(decisions.map((d) => [d.id, d.parts[0]?.answer, d.answeredBy])).toEqual([
      ['q1', 'Inactive 30 days', 'human'],
      ['q2', 'Full features', 'human'],
      ['q3', 'Recall', 'human'],
      ['q4', 'Approve', 'human'],
      // Typed text that names one option picks it.
      ['q5', 'Shadow', 'human'],
    ]);
    // The answers reached the scripts: the typed "shadow" is the Shadow rollout.
    const manifest = JSON.parse(fs.readFileSync(path.join(cwd, '.team', 'runs', '1', 'workspace', 'deploy', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ churn_definition: 'inactive30', strategy: 'shadow' });
  }, 180_000);

  it('at 80×24: the board fits while running and while a question is shown; Q + y stops the run and restores the terminal', async () => {
    cwd = smallChurnProject(tempDir('teamboard-tmux-small-'));
    const t = startTmux({ name: 'small', columns: 80, rows: 24, cwd });
    term = t;
    startRun(t, cwd, '--speed 20');

    const running = await t.until('the board running', () => {
      const screen = t.capture(true);
      return /^churn-project · run 1 · .*● running/.test(screen) ? screen : undefined;
    }, 30_000);
    expectFits(running, 80, 24);

    const asking = await t.until('the question panel', () => {
      const screen = t.capture(true);
      return screen.includes(' ? Question q1 from ds · task #1') ? screen : undefined;
    }, 30_000);
    expectFits(asking, 80, 24);
    expect(asking).toContain('[Churn def] Which churn definition should the model predict?');
    expect(asking).toMatch(/^ {2}4\. Other: type your own answer\s*$/m);

    // Esc hands the keyboard back to the board; the question waits in a one-line banner.
    t.keys('Escape');
    const board = await t.until('the board with the banner', () => {
      const screen = t.capture(true);
      return screen.includes(' ?  Question q1 from ds: Which churn definition') ? screen : undefined;
    });
    expectFits(board, 80, 24);
    expect(board).toMatch(/^Ready \(\d+\) ─+ Blocked \(\d+\) ─+\s*$/m);

    t.keys('Q');
    await t.see('Stop run 1? Every agent stops after its current step.  y stop · n keep going');
    t.keys('y');
    const after = await t.until('the shell after the stop', () => {
      const screen = t.capture(true);
      return screen.includes('team exited with 3') ? screen : undefined;
    }, 30_000);
    expect(linesOf(after)).toContain('Run 1 (churn-project) stopped: stopped from the board');
    expect(after).not.toContain('Ready (');
    expect(t.display('#{alternate_on} #{pane_current_command} #{cursor_flag}')).toBe('0 bash 1');

    // The terminal is back in its normal modes: the shell echoes and reads whole lines.
    const stty = path.join(cwd, 'stty.txt');
    t.run(`stty -a > ${stty}; echo stty-done`);
    await t.see(/^stty-done$/);
    const modes = fs.readFileSync(stty, 'utf8');
    expect(modes).toMatch(/(^|\s)icanon(\s|;|$)/m);
    expect(modes).toMatch(/(^|\s)echo(\s|;|$)/m);
    expect(modes).not.toMatch(/-icanon|-echo\b/);

    const status = await team(cwd, ['status', '1', '--json']);
    expect((JSON.parse(status.stdout) as { run: { status: string; reason: string } }).run).toMatchObject({ status: 'stopped', reason: 'stopped from the board' });
  }, 120_000);
});
