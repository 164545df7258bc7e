import { describe, expect, it } from 'vitest';
import type { SnapshotGate } from '../../src/board/snapshot.js';
import { hardWrap, textCells, wordWrap } from '../../tui/cells.js';
import { mentionedPaths } from '../../tui/file-mentions.js';
import { footerLine, type FooterState } from '../../tui/footer.js';
import { gateSegments } from '../../tui/header.js';
import { jsonLines } from '../../tui/json-lines.js';
import { lineLength, type Line } from '../../tui/lines.js';
import { markdownLines } from '../../tui/markdown.js';
import { lineText } from '../../tui/plain.js';
import { Screen } from '../../tui/screen.js';
import { gateShort } from '../../tui/waits.js';
import { MODEL_CARD } from './helpers.js';

const text = (lines: Line[], width = 200) => lines.map((l) => lineText(l, width));

describe('markdown in the viewer', () => {
  it('shows headings, bullets, code, inline markup and an aligned table, wrapped to the width', () => {
    const lines = markdownLines(MODEL_CARD, 70);
    const rows = text(lines);
    expect(rows[0]).toBe('Model card: subscriber churn');
    expect(lines[0]?.[0]).toMatchObject({ bold: true, color: 'magenta' });
    expect(rows).toContain('Model');
    expect(rows).toContain('• Family: logistic regression (21 features, feature set full)');
    expect(rows).toContain('metric      │ model │ baseline');
    expect(rows).toContain('────────────┼───────┼─────────');
    expect(rows).toContain('AUC         │ 0.833 │ 0.677');
    expect(rows).toContain('│ node scripts/model-card.js');
    expect(rows.some((r) => r.startsWith('Deploy gate (AUC >= 0.75 and above the baseline): passed'))).toBe(true);
    // A long bullet wraps with a hanging indent.
    const i = rows.findIndex((r) => r.startsWith('• Limitation number 1:'));
    expect(rows[i + 1]?.startsWith('  ')).toBe(true);
    for (const line of lines) expect(lineLength(line)).toBeLessThanOrEqual(70);
    const bold = lines.flat().find((s) => s.text === 'passed');
    expect(bold?.bold).toBe(true);
    const code = lines.flat().find((s) => s.text === 'auc');
    expect(code?.color).toBe('cyan');
  });

  it('cuts a table too wide for the screen row by row', () => {
    const rows = text(markdownLines('| a very long header | another long header |\n|---|---|\n| x | y |', 20));
    expect(rows.every((r) => r.length <= 20)).toBe(true);
  });
});

describe('JSON in the viewer', () => {
  it('pretty-prints with two spaces and colours keys, strings, numbers and literals', () => {
    const lines = jsonLines({ auc: 0.833, ok: true, name: 'churn', list: [1, null] }, 80);
    expect(text(lines)).toEqual(['{', '  "auc": 0.833,', '  "ok": true,', '  "name": "churn",', '  "list": [', '    1,', '    null', '  ]', '}']);
    const flat = lines.flat();
    expect(flat.find((s) => s.text === '"auc"')?.color).toBe('cyan');
    expect(flat.find((s) => s.text === '0.833')?.color).toBe('yellow');
    expect(flat.find((s) => s.text === '"churn"')?.color).toBe('green');
    expect(flat.find((s) => s.text === 'true')?.color).toBe('magenta');
  });

  it('wraps a long value, indented under its key', () => {
    const lines = jsonLines({ note: 'x'.repeat(50) }, 30);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(lineLength(line)).toBeLessThanOrEqual(30);
  });
});

describe('text from outside the board', () => {
  it('counts wide characters as two cells and wraps by cells', () => {
    expect(textCells('abc')).toBe(3);
    expect(textCells('模型')).toBe(4);
    expect(hardWrap('模型模型模', 4)).toEqual(['模型', '模型', '模']);
    expect(wordWrap('one two three', 7)).toEqual(['one two', 'three']);
    expect(wordWrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('finds the workspace paths a question mentions, never URLs, absolute paths or ..', () => {
    expect(mentionedPaths(['Check reports/model-card.md and reports/metrics.json in the workspace.', 'See https://example.com/a.md, /etc/passwd, ../up.md, version 1.2 and config.json.'])).toEqual([
      'reports/model-card.md',
      'reports/metrics.json',
      'config.json',
    ]);
  });
});

describe('gates', () => {
  const gate = (patch: Partial<SnapshotGate>): SnapshotGate => ({
    id: 1,
    before: 'deploy',
    kind: 'metric',
    status: 'passed',
    description: 'evaluate-model auc >= 0.75 and above baseline, before deploy',
    detail: null,
    note: null,
    decidedBy: null,
    ...patch,
  });
  const look = (g: SnapshotGate) => gateSegments(g, 3).map((s) => s.text).join('');

  it('passed, overridden, failed, closed and waiting gates each look different, in marks and words', () => {
    const looks = (['passed', 'overridden', 'failed', 'closed', 'waiting', 'stopped'] as const).map((status) => look(gate({ status, ...(status === 'overridden' ? { decidedBy: 'human' } : {}) })));
    expect(looks).toEqual(['✓ auc ≥ 0.75 passed', '⚑ auc ≥ 0.75 overridden by human', '✗ auc ≥ 0.75 failed', '○ auc ≥ 0.75 not yet', '◷ auc ≥ 0.75 checking', '■ auc ≥ 0.75 stopped the run']);
    expect(new Set(looks.map((l) => l[0])).size).toBe(6);
  });

  it('an approval given with a condition shows the condition', () => {
    expect(look(gate({ kind: 'approval', status: 'passed', decidedBy: 'human', note: 'only EU customers first' }))).toBe('✓ approval approved by human: only EU customers first');
    expect(look(gate({ kind: 'approval', status: 'waiting' }))).toBe('◷ approval waiting for you');
    expect(gateShort('human approval before deploy (waiting)')).toBe('approval');
  });
});

describe('footer', () => {
  const state = (patch: Partial<FooterState>): FooterState => ({
    focus: 'board',
    mode: 'owner',
    runId: 3,
    runState: 'running',
    hasQuestion: false,
    typing: false,
    files: false,
    confirmStop: false,
    notice: null,
    error: null,
    ...patch,
  });
  const footer = (patch: Partial<FooterState>, width = 200) => lineText(footerLine(state(patch), width), width);

  it('says what Ctrl-C does in every mode: asks to stop a run this terminal drives, else detaches', () => {
    for (const focus of ['board', 'question', 'detail', 'doc', 'files', 'help'] as const) {
      expect(footer({ focus })).toContain('Ctrl-C stop (asks first)');
      expect(footer({ focus, mode: 'attach' })).toContain('Ctrl-C detach');
      expect(footer({ focus, runState: 'completed' })).toContain('Ctrl-C detach');
    }
  });

  it('keeps the keys to get out when cut to 80 columns', () => {
    for (const focus of ['board', 'question', 'detail', 'doc', 'files'] as const) {
      const line = footer({ focus, hasQuestion: true }, 80);
      expect(line.length).toBeLessThanOrEqual(80);
      expect(line).toMatch(/Ctrl-C/);
    }
    expect(footer({ focus: 'board' }, 80)).toContain('? keys');
    expect(footer({ focus: 'question', typing: true })).toContain('typing: q and ? are text');
    expect(footer({ focus: 'board', runState: 'completed' })).toContain('q close');
    expect(footer({ focus: 'board', runState: 'completed' })).not.toContain('p pause');
  });
});

describe('Screen', () => {
  it('writes every row of the first frame, then only the rows that changed', () => {
    const screen = new Screen({ write: () => true });
    const first = screen.diff(['a', 'b', 'c']);
    expect(first).toContain('\u001B[1;1Ha\u001B[K');
    expect(first).toContain('\u001B[3;1Hc\u001B[K');
    const second = screen.diff(['a', 'B', 'c']);
    expect(second).toBe('\u001B[2;1HB\u001B[K');
    expect(screen.diff(['a', 'B', 'c'])).toBe('');
    // A shorter frame clears the rows it no longer has.
    expect(screen.diff(['a', 'B'])).toBe('\u001B[3;1H\u001B[K');
    screen.invalidate();
    expect(screen.diff(['a', 'B'])).toContain('\u001B[1;1Ha');
  });
});
