import { ensureBuilt } from '../helpers/runtime.js';
/**
 * The built CLI's live board in a real terminal: `team board 1` inside tmux, driven with
 * send-keys and read with capture-pane.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/board.js';
import { getQuestion } from '../../src/board/questions.js';
import { askMetric, seedBoard } from '../tui/helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOCKET = `teamboard-e2e-${process.pid}`;
const SESSION = 'board';
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

if (!hasTmux) console.warn('test/e2e/tmux-board.test.ts: skipped, tmux is not installed (apt-get install tmux)');

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const capture = (join = false) => tmux('capture-pane', '-p', ...(join ? ['-J'] : []), '-t', SESSION);
const display = (format: string) => tmux('display-message', '-p', '-t', SESSION, format).trim();

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; the pane shows:\n${capture()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasTmux)('team board in tmux', () => {
  let dir = '';
  let questionId = 0;
  const METRIC = 'Which metric should the model optimise?';

  beforeAll(async () => {
    await ensureBuilt();
    const tb = seedBoard(Date.now() - 5 * 60_000);
    questionId = askMetric(tb);
    dir = tb.dir;
    tb.board.close();
    const shell = `env -u CI -u CONTINUOUS_INTEGRATION PS1='$ ' TERM=xterm-256color bash --norc --noprofile`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', shell);
    tmux('send-keys', '-t', SESSION, `cd ${ROOT} && TEAM_HOME=${dir} node bin/team.js board 1`, 'Enter');
  }, 120_000);

  afterAll(() => {
    if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('draws the header, the columns and the pending question at 120×40', async () => {
    const screen = await until('the board', () => {
      const text = capture();
      return text.includes('Esc board · Ctrl-C detach') ? text : undefined;
    });
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^churn-project · run 1 · sim seed 7 · ● running · 5m · \$0\.42 \/ \$5\.00 · 26k tok\s*$/);
    expect(screen).toMatch(/Pending \(1\) ─+ Blocked \(2\) ─+ In progress \(1\) ─+ Done \(2\) ─+/);
    expect(screen).toContain(' ? Question q1 from mle · task #5');
    expect(screen).toContain('❯ 1. AUC        Ranking quality over all thresholds');
    expect(display('#{alternate_on}')).toBe('1');
  });

  it('answers the question with a number key, written to the database as the human', async () => {
    tmux('send-keys', '-t', SESSION, '2');
    const reader = openBoard(path.join(dir, 'board.db'));
    try {
      const question = await until('the answer in the database', () => {
        const q = getQuestion(reader, 1, questionId);
        return q?.status === 'answered' ? q : undefined;
      });
      expect(question.answers).toEqual({ [METRIC]: 'Recall' });
      expect(question.answeredBy).toBe('human');
    } finally {
      reader.close();
    }
    await until('the answer in the activity feed', () => capture().includes('answered q1: Recall'));
    expect(capture()).not.toContain('Question q1 from mle');
  });

  it('fits 80×24 after a resize: no line wider than 80, the frame within 24 rows', async () => {
    tmux('resize-window', '-t', SESSION, '-x', '80', '-y', '24');
    const screen = await until('the compact layout', () => {
      const text = capture(true);
      return /^In progress \(1\) ─+ Done \(2\) ─+\s*$/m.test(text) ? text : undefined;
    });
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(24);
    for (const line of lines) expect([...line.trimEnd()].length, `too wide: "${line}"`).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^churn-project · run 1 · /);
    // The frame is one row short of the screen (a full-height frame would make the terminal scroll).
    expect(lines[22]).toMatch(/←→↑↓\/Tab select · ⏎ details · p pause · q detach · Q stop\s*$/);
    expect(lines[23]?.trim()).toBe('');
  });

  it('detaches with q and gives the terminal back as it was', async () => {
    tmux('send-keys', '-t', SESSION, 'q');
    await until('the shell', () => display('#{alternate_on} #{pane_current_command}') === '0 bash');
    expect(display('#{cursor_flag}')).toBe('1');
    expect(capture()).not.toContain('Pending (');
    const stty = path.join(dir, 'stty.txt');
    tmux('send-keys', '-t', SESSION, `stty -a > ${stty}`, 'Enter');
    const modes = await until('stty output', () => (fs.existsSync(stty) && fs.readFileSync(stty, 'utf8').includes('icanon') ? fs.readFileSync(stty, 'utf8') : undefined));
    expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
    expect(modes).not.toMatch(/-icanon/);
  });
});
