/**
 * Faults a careful user meets (issue 9, point 7), each through the built CLI: two `team resume`
 * started together, a board that fills its disk mid-run, a lost board next to an old workspace,
 * and escape sequences in what agents write, seen in the headless progress lines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { ensureBuilt, outputSeen, spawnTeam, statusJson, team, tempDir, waitFor, write } from '../helpers/runtime.js';

let cwd = '';

beforeAll(ensureBuilt, 120_000);

afterEach(() => {
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
  cwd = '';
});

/** Three legs; the second asks the person first, so a run can wait with no command running. */
const ASKING_RELAY = `
name: relay
description: Three legs run one after the other; the second asks first.
members:
  - { name: ds, agent: data-scientist }
pipeline: [work]
tasks:
  - id: leg-1
    subject: Run leg 1
    stage: work
    description: Run it.
    sim: { steps: [ { bash: "echo 'leg 1' >> relay.log" } ] }
  - id: leg-2
    subject: Run leg 2
    stage: work
    description: Ask whether to go on, then run it.
    blockedBy: [leg-1]
    sim:
      steps:
        - ask: { key: go, header: Go, question: Go on with leg 2?, options: [ { label: Go }, { label: Wait } ] }
        - bash: "echo 'leg 2' >> relay.log"
  - id: leg-3
    subject: Run leg 3
    stage: work
    description: Run it.
    blockedBy: [leg-2]
    sim: { steps: [ { bash: "echo 'leg 3' >> relay.log" } ] }
`;

/** Three legs; the second waits for a file named "go" in the workspace. */
const WAITING_RELAY = `
name: relay
description: Three legs run one after the other; the second waits for a go file.
members:
  - { name: ds, agent: data-scientist }
pipeline: [work]
tasks:
  - id: leg-1
    subject: Run leg 1
    stage: work
    description: Run it.
    sim: { steps: [ { bash: "echo 'leg 1' >> relay.log" } ] }
  - id: leg-2
    subject: Run leg 2
    stage: work
    description: Run it when the go file appears.
    blockedBy: [leg-1]
    sim: { steps: [ { bash: "while [ ! -f go ]; do sleep 0.05; done; echo 'leg 2' >> relay.log" } ] }
  - id: leg-3
    subject: Run leg 3
    stage: work
    description: Run it.
    blockedBy: [leg-2]
    sim: { steps: [ { bash: "echo 'leg 3' >> relay.log" } ] }
`;

const workspace = (dir: string, run = 1) => path.join(dir, '.team', 'runs', String(run), 'workspace');

describe('two `team resume` started together (built CLI)', () => {
  it('exactly one drives the run; the other exits 1 with one line naming the first; no script runs twice', async () => {
    cwd = tempDir('teamboard-resume-race-');
    write(cwd, 'teams/relay.yaml', ASKING_RELAY);
    const started = spawnTeam(cwd, ['start', 'relay', '--headless', '--instant']);
    await outputSeen(started, 'asks q1');
    started.kill('SIGKILL');
    expect((await started).signal).toBe('SIGKILL');

    const args = ['resume', '1', '--headless', '--instant'];
    const both = [spawnTeam(cwd, args), spawnTeam(cwd, args)] as const;
    // The loser leaves at once; the winner waits for the answer.
    const first = await Promise.race(both.map((child, i) => child.then(() => i)));
    const loser = await both[first === 0 ? 0 : 1];
    const winner = both[first === 0 ? 1 : 0];
    expect(loser.exitCode).toBe(1);
    expect(loser.stdout).toBe('');
    expect(loser.stderr).toMatch(/^team: run 1 is already driven by pid \d+ on \S+ \(heartbeat \d+s ago\); watch it with `team board 1`, or stop it with `team stop 1` first$/);
    const driver = /driven by (pid \d+ on \S+)/.exec(String(loser.stderr))?.[1];
    expect(driver).toBe(`pid ${winner.pid} on ${os.hostname()}`);

    await waitFor('the question again', async () => ((await statusJson(cwd)).questions.length > 0 ? true : undefined), 30_000, 100);
    expect(await team(cwd, ['answer', '1', 'q1', 'Go'])).toMatchObject({ exitCode: 0 });
    // Answered already: that is what any second answer hears, an option number out of range included.
    for (const again of ['Wait', '7']) {
      expect(await team(cwd, ['answer', '1', 'q1', again])).toEqual({ stdout: '', stderr: 'team: question q1 is already answered (by cli)', exitCode: 1 });
    }
    const done = await winner;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(String(done.stdout)).toContain('Run 1 (relay) completed: 3 tasks completed');
    expect(fs.readFileSync(path.join(workspace(cwd), 'relay.log'), 'utf8')).toBe('leg 1\nleg 2\nleg 3\n');

    const board = await openBoard(path.join(cwd, '.team', 'board.db'), { mustExist: true });
    try {
      const events = await board.listEvents(1);
      expect(events.filter((e) => e.type === 'run.resumed')).toHaveLength(1);
      const completed = events.flatMap((e) => (e.type === 'task.completed' ? [e.payload.taskId] : []));
      expect(completed).toEqual([1, 2, 3]);
    } finally {
      await board.close();
    }
  }, 120_000);
});

/** A size-limited tmpfs, to fill a board's disk mid-run; needs root (CI runs as root). */
function mountSmallDisk(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]).status === 0;
}

const canMount = (() => {
  const probe = tempDir('teamboard-mount-probe-');
  const ok = mountSmallDisk(path.join(probe, 'disk'));
  if (ok) spawnSync('umount', [path.join(probe, 'disk')]);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
})();
if (!canMount) {
  console.warn(
    '\n!!! SKIPPED the full-disk test in test/e2e/faults.test.ts: it mounts a small tmpfs, which needs root (`mount -t tmpfs`).\n!!! Run the tests as root (CI does) to include it.\n',
  );
}

describe('a board that cannot be written mid-run (built CLI)', () => {
  let disk = '';
  afterEach(() => {
    if (disk) spawnSync('umount', [disk]);
    disk = '';
  });

  it.skipIf(!canMount)('the run exits with one line naming the file and the fix, and `team resume` completes it', async () => {
    cwd = tempDir('teamboard-full-disk-');
    disk = path.join(cwd, 'disk');
    expect(mountSmallDisk(disk)).toBe(true);
    write(cwd, 'teams/relay.yaml', WAITING_RELAY);
    const file = path.join(disk, 'board.db');
    const ws = path.join(cwd, 'ws');
    const run = spawnTeam(cwd, ['start', 'relay', '--headless', '--instant', '--auto-answer', '--board', file, '--workspace', ws]);
    await outputSeen(run, 'claimed #2');
    // Fill the disk while leg 2 waits, then let it finish: the board cannot record what happened.
    spawnSync('sh', ['-c', `dd if=/dev/zero of=${path.join(disk, 'filler')} bs=64k 2>/dev/null; true`]);
    fs.writeFileSync(path.join(ws, 'go'), '');
    const failed = await run;
    expect(failed.exitCode).toBe(1);
    const lines = String(failed.stderr).split('\n');
    expect(lines[0]).toBe(`team: run 1 of relay on sim (simulated model, seed 42, no ANTHROPIC_API_KEY set); workspace ${ws}`);
    expect(lines.slice(1)).toEqual([`team: the disk holding the board database ${file} is full; free some space, then \`team resume\` the run`]);

    fs.rmSync(path.join(disk, 'filler'));
    const resumed = await team(cwd, ['resume', '1', '--headless', '--instant', '--auto-answer', '--board', file]);
    expect(resumed.stderr).toBe('team: resuming run 1 of relay on sim');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('Run 1 (relay) completed: 3 tasks completed');
    expect(fs.readFileSync(path.join(ws, 'relay.log'), 'utf8')).toMatch(/^leg 1\n(leg 2\n)+leg 3\n$/);
  }, 120_000);

  it('a damaged board file is named, with the fix, by every command', async () => {
    cwd = tempDir('teamboard-damaged-');
    write(cwd, 'teams/relay.yaml', ASKING_RELAY);
    const file = path.join(cwd, 'board.db');
    fs.writeFileSync(file, 'this is not a database, it only has the name of one'.repeat(100));
    const message = `team: the board database ${file} is damaged (file is not a database); move it aside and start again, or restore it from a copy`;
    for (const args of [['runs'], ['status'], ['tasks', 'list'], ['start', 'relay', '--headless']]) {
      expect(await team(cwd, [...args, '--board', file]), args.join(' ')).toEqual({ stdout: '', stderr: message, exitCode: 1 });
    }
  }, 60_000);
});

describe('a board lost next to its runs (built CLI)', () => {
  it('the next `team start` never works in an old run’s workspace', async () => {
    cwd = tempDir('teamboard-lost-board-');
    write(cwd, 'teams/relay.yaml', ASKING_RELAY);
    expect((await team(cwd, ['start', 'relay', '--headless', '--instant', '--auto-answer'])).exitCode).toBe(0);
    const old = workspace(cwd);
    fs.writeFileSync(path.join(old, 'deploy-manifest.json'), '{"left": "by the lost run"}\n');
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(cwd, '.team', `board.db${suffix}`), { force: true });

    const again = await team(cwd, ['start', 'relay', '--headless', '--instant', '--auto-answer']);
    expect(again.exitCode).toBe(0);
    const ws = (await statusJson(cwd)).run.workspace;
    expect(ws).not.toBe(old);
    expect(fs.readdirSync(ws).sort()).toEqual(['relay.log']);
    expect(fs.readFileSync(path.join(ws, 'relay.log'), 'utf8')).toBe('leg 1\nleg 2\nleg 3\n');
    // The old run's files are left as they were.
    expect(fs.readFileSync(path.join(old, 'relay.log'), 'utf8')).toBe('leg 1\nleg 2\nleg 3\n');
    expect(fs.existsSync(path.join(old, 'deploy-manifest.json'))).toBe(true);
  }, 120_000);
});

describe('escape sequences in agent-written text, headless (built CLI)', () => {
  it('progress lines and the summary show them harmlessly', async () => {
    cwd = tempDir('teamboard-escapes-');
    write(
      cwd,
      'teams/evil.yaml',
      [
        'name: evil',
        'description: "A team whose text holds escapes \\e]0;pwned\\a\\e[2J"',
        'members:',
        '  - { name: ds, agent: data-scientist }',
        'pipeline: [work]',
        'tasks:',
        '  - id: leg-1',
        '    subject: "Evil \\e]0;pwned\\a\\e[2J leg"',
        '    stage: work',
        '    description: "Run it \\e[31mred\\e[0m."',
        '    sim: { steps: [ { bash: "printf \'out \\\\033]0;pwned\\\\007\\\\033[2J\\\\n\'" } ] }',
        '',
      ].join('\n'),
    );
    const result = await team(cwd, ['start', 'evil', '--headless', '--instant', '--auto-answer']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('ds claimed #1 Evil  leg');
    expect(result.stdout).toContain('Run 1 (evil) completed');
    for (const text of [result.stdout, result.stderr]) expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const events = await team(cwd, ['start', 'evil', '--headless', '--instant', '--auto-answer', '--json']);
    expect(events.exitCode).toBe(0);
    expect(events.stdout).not.toContain('\u001b');
    expect(events.stdout).toContain('\\u001b]0;pwned');
  }, 120_000);
});
