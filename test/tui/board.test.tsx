import { afterEach, describe, expect, it } from 'vitest';
import { coordinator } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { askMetric, seedBoard, waitFor, type TestBoard, stable } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await tb?.close();
});

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect([...line].length, `line too wide: "${line}"`).toBeLessThanOrEqual(columns);
}

describe('board frame', () => {
  it('shows the header, the four columns, the members and the activity at 120 columns', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 });
    const frame = ui.frame();
    const lines = frame.split('\n');
    expect(lines[0]).toBe('churn-project · run 1 · sim seed 7 · ● running 1:45 · 2/6 tasks done · $0.42 / $5.00 · 26k tok (sim estimate)');
    expect(lines[1]).toBe('data ██ 2/2 › features ░ 0/1 › training ░ 0/1 › validation 0/0 › [◷ approval waiting for you] deploy ░ 0/1');
    expect(lines[2]).toBe(`workspace ${tb.dir}/ws`);
    expect(frame).toMatch(/Ready \(1\) ─+ Blocked \(2\) ─+ In progress \(1\) ─+ Done \(2\) ─+/);
    expect(frame).toContain('#4 Write the data dictionary');
    expect(frame).toContain('#5 train Train the churn mod…');
    expect(frame).toContain('  ← #3 ');
    expect(frame).toContain('ds: Building the feature t…');
    expect(frame).toContain('✓ #2 data Profile the data');
    expect(frame).toMatch(/^● ds {5}data-scientist {2}working {2,}#3 Build the feature table {2,}1\.5k {3}\$0\.01$/m);
    expect(frame).toContain('● devops devops-engineer dead (stopped answering)');
    expect(frame).toContain('● mle    ml-engineer     idle · next #5 ← #3');
    expect(frame).toContain('00:05 ds          Bash: python generate.py --rows 5000');
    expect(frame).toContain('00:45 ds          “Joining billing with usage now.”');
    expect(frame).toContain('00:35 ds          updated #2: metrics.churn_rate=0.21');
    // One line per step: the plan's creation and status changes are not news in the feed.
    expect(frame).not.toContain('created #1');
    expect(frame).not.toContain('is working');
    expect(frame.split('\n').at(-1)).toBe('←→↑↓ select · ⏎ details · p pause · f files · m member · PgUp/PgDn feed · ? keys · q detach · Q stop · Ctrl-C detach');
    expectFits(frame, 120, 40);
    expect(stable(frame)).toMatchSnapshot();
  });

  it('switches to a 2×2 grid at 80×24 and fits the screen', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 80, rows: 24 });
    const frame = ui.frame();
    expect(frame).toMatch(/^Ready \(1\) ─+ Blocked \(2\) ─+$/m);
    expect(frame).toMatch(/^In progress \(1\) ─+ Done \(2\) ─+$/m);
    expectFits(frame, 80, 24);
    expect(frame.split('\n')).toHaveLength(23);
    expect(stable(frame)).toMatchSnapshot();
  });

  it('stacks the columns on a narrow terminal', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 50, rows: 30 });
    const frame = ui.frame();
    expect(frame).toMatch(/^Ready \(1\) ─+$/m);
    expect(frame).toMatch(/^Done \(2\) ─+$/m);
    expectFits(frame, 50, 30);
  });

  it('collapses a long column into "+N more" instead of overflowing', async () => {
    tb = await seedBoard();
    for (let i = 0; i < 30; i++) await tb.board.createTask(tb.runId, { subject: `Extra chore ${i + 1}` }, coordinator);
    ui = await mountBoard(tb, { columns: 120, rows: 30 });
    const frame = ui.frame();
    expect(frame).toContain('Ready (31)');
    const more = /\+(\d+) more/.exec(frame);
    expect(more).not.toBeNull();
    const shown = (frame.match(/^#\d+ (Extra chore|Write the data)/gm) ?? []).length;
    expect(shown + Number(more?.[1])).toBe(31);
    expectFits(frame, 120, 30);
  });

  it('re-lays out when the terminal is resized', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, null);
    Object.defineProperty(ui.stdout, 'columns', { value: 120, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { value: 40, configurable: true });
    ui.stdout.emit('resize');
    await waitFor(() => expect(ui?.frame()).toMatch(/Ready \(1\) ─+ Blocked \(2\) ─+ In progress/));
    expectFits(ui.frame(), 120, 40);
    Object.defineProperty(ui.stdout, 'columns', { value: 80, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { value: 24, configurable: true });
    ui.stdout.emit('resize');
    await waitFor(() => expect(ui?.frame()).toMatch(/^In progress \(1\) ─+ Done \(2\) ─+$/m));
    expectFits(ui.frame(), 80, 24);
  });

  it('re-renders a fixed size when the size prop changes', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, { columns: 120, rows: 40 });
    expect(ui.frame().split('\n')).toHaveLength(39);
    ui.rerender({ columns: 70, rows: 16 });
    expectFits(ui.frame(), 70, 16);
    expect(ui.frame().split('\n')).toHaveLength(15);
  });

  it('shows what another connection writes (another process attached to the same board)', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    const other = await openBoard(tb.file);
    try {
      await other.createTask(tb.runId, { subject: 'Written by another process' }, coordinator);
      await waitFor(() => expect(ui?.frame()).toContain('#7 Written by another process'));
      expect(ui.frame()).toContain('Ready (2)');
    } finally {
      await other.close();
    }
  });

  it('does not render while nothing changes (the clock moves once a second)', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb);
    await new Promise((r) => setTimeout(r, 60));
    const before = ui.frames();
    await new Promise((r) => setTimeout(r, 300));
    expect(ui.frames()).toBeLessThanOrEqual(before + 1);
    await askMetric(tb);
    await waitFor(() => expect(ui?.frame()).toContain('Question q1 from mle'));
    expect(ui.frames()).toBeGreaterThan(before);
  });

  it('says so when the run cannot be read', async () => {
    tb = await seedBoard();
    ui = await mountBoard({ ...tb, runId: 42 });
    expect(ui.frame()).toContain('run 42 does not exist; list runs with `team runs`');
  });
});
