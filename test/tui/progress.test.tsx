import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coordinator, human, memberActor } from '../../src/board/actor.js';
import type { Size } from '../../tui/layout.js';
import { SPINNER } from '../../tui/members-panel.js';
import { KEY_HELP } from '../../tui/help-overlay.js';
import { CONFIG, KEYS, MEMBERS, seedBoard, tempBoard, TEST_DRIVER, waitFor, type TestBoard } from './helpers.js';
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

function expectFits(frame: string, size: Size): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
  for (const line of lines) expect([...line].length, `line too wide: "${line}"`).toBeLessThanOrEqual(size.columns);
}

const ds = memberActor('ds', 'data-scientist');

describe.each(SIZES)('progress at a glance at $columns×$rows', (size) => {
  const wide = size.columns >= 100;

  it('the header counts tasks done, shows each stage, the clock as m:ss, spend labelled as estimates, and the workspace', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, size);
    const [first, strip, about] = ui.frame().split('\n');
    expect(first).toContain('● running 1:45');
    expect(first).toContain(wide ? '2/6 tasks done' : '2/6 done');
    expect(first).toContain('$0.42 / $5.00');
    expect(first).toContain(wide ? '26k tok (sim estimate)' : '26k tok');
    expect(strip).toMatch(wide ? /^data ██ 2\/2 › features ░ 0\/1 › training ░ 0\/1 › / : /^data 2\/2 › feat 0\/1 › train 0\/1 › /);
    expect(strip).toContain('[◷ approval');
    expect(about).toBe(`workspace ${tb.dir}/ws`);
    tb.tick(65_000);
    await tb.board.updateTask(tb.runId, 3, { status: 'completed' }, ds);
    await ui.see(/● running 2:50/);
    await ui.see(wide ? '3/6 tasks done' : '3/6 done');
    expect(ui.frame().split('\n')[1]).toMatch(wide ? /features █ 1\/1/ : /feat 1\/1/);
    expectFits(ui.frame(), size);
  });

  it('a member at work shows a spinner and the time on its step; an idle one what it waits for', async () => {
    tb = await seedBoard();
    await tb.board.updateMember(tb.runId, 'ds', { step: 'Bash python features.py' }, ds);
    tb.tick(12_000);
    ui = await mountBoard(tb, size);
    await ui.see(/● ds +(data-scientist +)?[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 0:12 Bash python features\.py/);
    const spinner = () => /● ds +(?:data-scientist +)?(\S) 0:12/.exec(ui?.frame() ?? '')?.[1];
    const seen = new Set<string>();
    await waitFor(() => {
      const s = spinner();
      if (s) seen.add(s);
      expect(seen.size).toBeGreaterThan(1);
    });
    for (const s of seen) expect(SPINNER).toContain(s);
    expect(ui.frame()).toMatch(/● mle +(ml-engineer +)?idle · next #5 ← #3/);
  });

  it('blocked cards name their own blockers and sum up stage waits and gates; an empty column gives its width away', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, size);
    const frame = ui.frame();
    expect(frame).toMatch(/#5 train Train the churn/);
    expect(frame).toMatch(/ {2}← #3( |$)/m);
    expect(frame).toMatch(/ {2}← after training · gate: a/);
    await tb.board.updateTask(tb.runId, 3, { status: 'completed' }, ds);
    await ui.see(/In progress \(0\) ──/);
    // The empty column keeps only its title; the others share its width.
    const row = ui.frame().split('\n').find((l) => l.includes('In progress (0)')) ?? '';
    expect(row).toMatch(/In progress \(0\) ── (Done|$)/);
    expect(ui.frame()).toContain('nobody working');
    expectFits(ui.frame(), size);
  });

  it('passed, overridden, failed and waiting gates each look different; an approval with a condition shows it', async () => {
    tb = await seedBoard();
    const metric = await tb.board.addGate(tb.runId, { before: 'deploy', spec: { kind: 'metric', task: 'evaluate', metric: 'auc', min: 0.75 } }, coordinator);
    await tb.board.setGateStatus(tb.runId, metric.id, 'failed', 'auc 0.68 < 0.75', coordinator);
    ui = await mountBoard(tb, { columns: 220, rows: size.rows });
    await ui.see('[◷ approval waiting for you] [✗ auc ≥ 0.75 failed] deploy');
    await tb.board.setGateStatus(tb.runId, metric.id, 'overridden', 'overridden by human', coordinator, 'human', 'ship it, we watch AUC weekly');
    await tb.board.setGateStatus(tb.runId, 1, 'passed', 'approved (human)', coordinator, 'human', 'only EU customers first');
    await ui.see('[✓ approval approved by human: only EU customers first] [⚑ auc ≥ 0.75 overridden by human: ship it, we watch AUC weekly] deploy');
    ui.rerender(size);
    // Narrower, the strip drops the notes first (the line below keeps them); the marks stay.
    await ui.see(/\[✓ approval( approved by human)?\] \[⚑ auc ≥ 0\.75( overridden by human)?\] deploy/);
    await waitFor(() => expect(ui?.frame().replace(/\s+/g, ' ')).toContain('approved with only EU customers first · auc ≥ 0.75 overridden: ship it'));
    expectFits(ui.frame(), size);
  });

  it('the feed shows one member with m, scrolls back with PgUp and forward with PgDn', async () => {
    tb = await seedBoard();
    for (let i = 1; i <= 30; i++) {
      await tb.board.appendEvent(tb.runId, 'mle', { type: 'tool.called', payload: { member: 'mle', tool: 'Bash', summary: `python sweep.py --trial ${i}`, ok: true, exitCode: 0 } });
    }
    ui = await mountBoard(tb, size);
    await ui.see('python sweep.py --trial 30');
    expect(ui.frame()).toMatch(/^Activity ─+ everyone$/m);
    await ui.press('m');
    await ui.see(/^Activity ─+ devops only$/m);
    await ui.press('m');
    await ui.see(/^Activity ─+ ds only$/m);
    const feed = (frame: string) =>
      frame
        .split('\n')
        .slice(frame.split('\n').findIndex((l) => l.startsWith('Activity ')) + 1, -1)
        .filter((l) => l !== '');
    expect(feed(ui.frame()).length).toBeGreaterThan(0);
    for (const line of feed(ui.frame())) expect(line).toMatch(/^\d\d:\d\d ds /);
    await ui.press('m', 'm');
    await ui.see(/^Activity ─+ mlops only$/m);
    await ui.press('m');
    await ui.see(/^Activity ─+ everyone$/m);
    await ui.press(KEYS.pageUp);
    await ui.see(/^Activity ─+ everyone · \d+ newer below$/m);
    expect(ui.frame()).not.toContain('python sweep.py --trial 30');
    await ui.press(KEYS.end);
    await ui.see(/^Activity ─+ everyone$/m);
    expect(ui.frame()).toContain('python sweep.py --trial 30');
  });

  it('? shows every key, by mode, and Esc closes it', async () => {
    tb = await seedBoard();
    ui = await mountBoard(tb, size);
    await ui.press('?');
    await ui.see(/^ Keys +what each key does, where/m);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      for (const line of ui.frame().split('\n')) seen.add(line.trim());
      if (!/↓ \d+ more/.test(ui.frame())) break;
      const before = ui.frame();
      await ui.press(KEYS.pageDown);
      await waitFor(() => expect(ui?.frame()).not.toBe(before));
    }
    const text = [...seen].join('\n');
    for (const { section, keys } of KEY_HELP) {
      expect(text).toContain(section);
      for (const [key, what] of keys) expect(text).toMatch(new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${what.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    expect(ui.frame().split('\n').at(-1)).toBe('Esc or ? close this · q detach · Ctrl-C detach');
    expectFits(ui.frame(), size);
    await ui.press(KEYS.escape);
    await ui.see(/^Ready \(1\)/m);
  });

  it('a finished run says how it ended and what to do next', async () => {
    tb = await seedBoard();
    await tb.board.setRunStatus(tb.runId, 'completed', 'every task is done', coordinator);
    ui = await mountBoard(tb, size);
    await ui.see(/ ✓ Run 1 completed +2 of 6 tasks done · \d+:\d\d of work/);
    await waitFor(() => expect(ui?.frame().replace(/\s+/g, ' ')).toContain('Next: team export 1 --format html writes the report · q closes the board'));
    expect(ui.frame().split('\n')[0]).toMatch(/● completed in \d+:\d\d/);
    expect(ui.frame().split('\n').at(-1)).toContain('q close');
    expect(ui.frame().split('\n').at(-1)).not.toContain('p pause');
    expectFits(ui.frame(), size);
  });

  it('a failed run says why and how to go on', async () => {
    tb = await seedBoard();
    await tb.board.setRunStatus(tb.runId, 'failed', 'gate before deploy failed and the person chose stop', coordinator);
    ui = await mountBoard(tb, size);
    await waitFor(() => {
      const flat = ui?.frame().replace(/\s+/g, ' ') ?? '';
      expect(flat).toContain('✗ Run 1 failed: gate before deploy failed and the person chose stop');
      expect(flat).toContain('Next: team resume 1 goes on from where it stopped · team export 1 shows what happened');
    });
  });
});

describe('run labels', () => {
  it('says when the run is a dry run and when its commands run without a sandbox', async () => {
    const t = await tempBoard();
    const run = await t.board.createRun({ team: 'churn-project', backend: 'sim', seed: 1, workspace: path.join(t.dir, 'ws'), config: { ...CONFIG, unsandboxed: true } }, human);
    for (const m of MEMBERS) await t.board.addMember(run.id, m, coordinator);
    const a = await t.board.createTask(run.id, { subject: 'Played without a script', role: 'data-scientist' }, coordinator);
    await t.board.createTask(run.id, { subject: 'Still to do', role: 'data-scientist' }, coordinator);
    await t.board.updateTask(run.id, a.id, { status: 'in_progress' }, ds);
    await t.board.updateTask(run.id, a.id, { status: 'completed', metadata: { simulated: true } }, ds);
    await t.board.claimRun(run.id, TEST_DRIVER, process.pid, coordinator);
    tb = { ...t, runId: run.id, crash: async () => undefined, close: () => t.board.close() };
    ui = await mountBoard(tb, { columns: 120, rows: 30 });
    expect(ui.frame().split('\n')[0]).toMatch(/· +unsandboxed$/);
    expect(ui.frame()).toContain('dry run: 1 of 2 tasks simulated');
    expect(ui.frame()).toContain('✓ #1 Played without a script (sim)');
  });
});
