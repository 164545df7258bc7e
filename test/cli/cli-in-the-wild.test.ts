/**
 * The CLI as people and scripts use it (issue 9, points 6 and 7): owned tasks are not taken by
 * accident, five processes racing through the CLI claim each task once, output into a closed pipe
 * ends quietly, the nearest .team/ is found from a subfolder, a broken team file shows every
 * mistake, and agent-written escape sequences never reach the terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human, memberActor } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { openBoard } from '../../src/board/open.js';
import type { RunConfig } from '../../src/board/types.js';
import { tempDir } from '../helpers/board.js';
import { BIN, ensureBuilt, write } from '../helpers/runtime.js';

let cwd: string;

beforeAll(ensureBuilt);

beforeEach(() => {
  cwd = tempDir('teamboard-wild-');
});

afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

const ENV = { TEAM_HOME: undefined, TEAM_BOARD_URL: undefined, ANTHROPIC_API_KEY: undefined, NO_COLOR: '1', CI: 'true' };

async function team(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const result = await execa(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? cwd, reject: false, env: { ...ENV, ...opts.env }, extendEnv: true, timeout: 60_000 });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
}

const CONFIG: RunConfig = { team: 'wild', description: 'seeded by the test', pipeline: [], members: [], gates: [], teamFile: '' };

/** A board in `<dir>/.team/board.db` with one run, seeded through the Board interface. */
async function seeded(dir: string, seed: (board: Board, runId: number) => Promise<void>): Promise<void> {
  const board = await openBoard(path.join(dir, '.team', 'board.db'));
  try {
    const run = await board.createRun({ team: 'wild', backend: 'sim', workspace: dir, config: CONFIG }, human);
    await seed(board, run.id);
  } finally {
    await board.close();
  }
}

describe('owned tasks (built CLI)', () => {
  it('refuses to take an in-progress task from its owner unless --reassign is given', async () => {
    await seeded(cwd, async (board, runId) => void (await board.createTask(runId, { subject: 'Profile data' }, human)));
    expect(await team(['tasks', 'update', '1', '--status', 'in_progress', '--owner', 'p1'])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await team(['tasks', 'update', '1', '--status', 'in_progress', '--owner', 'p2'])).toEqual({
      stdout: '',
      stderr: 'team: task #1 is in progress, owned by p1; pass --reassign to take it from p1',
      exitCode: 1,
    });
    expect(await team(['tasks', 'update', '1', '--owner', 'p2', '--reassign'])).toEqual({ stdout: 'Updated task #1: owner', stderr: '', exitCode: 0 });
    expect(JSON.parse((await team(['tasks', 'get', '1', '--json'])).stdout)).toMatchObject({ owner: 'p2', status: 'in_progress' });
    // That `tasks update --help` lists --reassign is checked with the other options in tasks-cli.test.ts.
  });

  it('five processes racing through the CLI for the same 30 tasks claim each exactly once', { timeout: 300_000 }, async () => {
    const TASKS = 30;
    await seeded(cwd, async (board, runId) => {
      for (let i = 1; i <= TASKS; i++) await board.createTask(runId, { subject: `Task ${i}` }, human);
    });
    const racers = ['p1', 'p2', 'p3', 'p4', 'p5'];
    // Each racer is a shell claiming tasks 1..TASKS in order, one `team` process per claim; the exit
    // code and what it printed are kept per task.
    const script = `for n in $(seq 1 ${TASKS}); do "${process.execPath}" "${BIN}" tasks update $n --status in_progress --owner "$1" >"out/$1.$n" 2>"err/$1.$n"; echo "$n $?" >> "out/$1.codes"; done`;
    fs.mkdirSync(path.join(cwd, 'out'));
    fs.mkdirSync(path.join(cwd, 'err'));
    await Promise.all(racers.map((name) => execa('sh', ['-c', script, 'racer', name], { cwd, env: ENV, extendEnv: true, timeout: 280_000 })));

    const read = (rel: string) => fs.readFileSync(path.join(cwd, rel), 'utf8');
    for (let n = 1; n <= TASKS; n++) {
      const outcomes = racers.map((name) => {
        const code = read(`out/${name}.codes`).split('\n').find((line) => line.startsWith(`${n} `))?.split(' ')[1];
        return { name, code, stdout: read(`out/${name}.${n}`), stderr: read(`err/${name}.${n}`) };
      });
      const winners = outcomes.filter((o) => o.code === '0');
      expect(winners.map((w) => w.stdout), `task #${n}`).toEqual([`Updated task #${n}: owner, status (pending -> in_progress)\n`]);
      const owner = winners[0]?.name ?? '';
      for (const lost of outcomes.filter((o) => o.code !== '0')) {
        expect(lost.code, `${lost.name} on #${n}`).toBe('1');
        expect(lost.stdout).toBe('');
        expect(lost.stderr).toBe(`team: task #${n} is in progress, owned by ${owner}; pass --reassign to take it from ${owner}\n`);
      }
    }
    const board = await openBoard(path.join(cwd, '.team', 'board.db'), { mustExist: true });
    try {
      const claims = (await board.listEvents(1)).flatMap((e) => (e.type === 'task.claimed' ? [e.payload.taskId] : []));
      expect(claims.sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, i) => i + 1));
      expect((await board.listTaskRows(1)).every((t) => t.status === 'in_progress' && t.owner !== null)).toBe(true);
    } finally {
      await board.close();
    }
  });
});

describe('output into a pipe that closes early (built CLI)', () => {
  it('ends quietly, exit 0 and nothing on stderr, for status, runs --json and tasks list', async () => {
    // Enough output that the pipe fills: `head` leaves while the command still writes.
    const board = await openBoard(path.join(cwd, '.team', 'board.db'));
    try {
      for (let i = 0; i < 200; i++) await board.createRun({ team: `empty-${i}`, backend: 'sim', workspace: cwd, config: CONFIG }, human);
      const run = await board.createRun({ team: 'wild', backend: 'sim', workspace: cwd, config: CONFIG }, human);
      for (let i = 1; i <= 900; i++) await board.createTask(run.id, { subject: `A task with a long subject to fill the pipe, number ${i}` }, human);
    } finally {
      await board.close();
    }
    // More than a pipe holds (64 KiB on Linux), so the writer meets the closed pipe.
    expect((await team(['tasks', 'list'])).stdout.length).toBeGreaterThan(65_536);
    for (const [command, reader, read] of [
      ['status', 'head -1', 'Run 201  wild  running'],
      ['runs --json', 'head -c 10', '[\n  {\n    '],
      ['tasks list', 'head -1', 'Run 201 (wild, running)'],
    ] as const) {
      const piped = await execa('bash', ['-c', `"${process.execPath}" "${BIN}" ${command} | ${reader}; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd, reject: false, env: ENV, extendEnv: true });
      expect(piped.stderr, command).toBe('exit 0');
      expect(piped.stdout, command).toBe(read);
    }
  });
});

describe('a run whose output pipe closes (built CLI)', () => {
  it('stops cleanly, recorded as stopped with why, exit 3, and team resume finishes it', async () => {
    const step = { bash: 'sleep 0.2; echo step >> steps.log' };
    const tasks = ['one', 'two', 'three', 'four'].map((id) => ({ id, subject: `Step ${id}`, description: 'A step.', stage: 'work', sim: { steps: [step, step] } }));
    write(cwd, 'teams/slow.yaml', JSON.stringify({ name: 'slow', members: [{ name: 'ds', agent: 'data-scientist' }], pipeline: ['work'], tasks }));
    // `head -1` leaves after the first line; the run is seconds from done and prints on.
    const piped = await execa('bash', ['-c', `"${process.execPath}" "${BIN}" start slow --instant --headless --no-sandbox | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], {
      cwd,
      reject: false,
      env: ENV,
      extendEnv: true,
    });
    expect(piped.stdout).toMatch(/^run 1 started: team slow, backend sim/i);
    expect(piped.stderr.split('\n')).toEqual(expect.arrayContaining(['team: the output of run 1 was closed; stopping it (resume it with `team resume 1`)', 'exit 3']));
    const [run] = JSON.parse((await team(['runs', '--json'])).stdout) as { state: string; reason: string | null }[];
    expect(run).toMatchObject({ state: 'stopped', reason: 'stopped because its output was closed (the reading end of a pipe went away)' });
    const resumed = await team(['resume', '1', '--instant', '--headless', '--no-sandbox']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse((await team(['runs', '--json'])).stdout)).toEqual([expect.objectContaining({ state: 'completed' })]);
  });
});

describe('the nearest .team/ (built CLI)', () => {
  it('read commands from a subfolder use the board in a parent folder and create nothing', async () => {
    await seeded(cwd, async (board, runId) => void (await board.createTask(runId, { subject: 'Found from below' }, human)));
    const sub = path.join(cwd, 'src', 'deep');
    fs.mkdirSync(sub, { recursive: true });
    const reads: [string[], string][] = [
      [['tasks', 'list'], 'Found from below'],
      [['tasks', 'get', '1'], 'Found from below'],
      [['runs'], 'wild'],
      [['status'], 'Found from below'],
      [['board', '--json'], 'Found from below'],
      [['export', '1'], 'Found from below'],
    ];
    for (const [args, shows] of reads) {
      const result = await team(args, { cwd: sub });
      expect(result.exitCode, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain(shows);
    }
    expect(fs.readdirSync(sub)).toEqual([]);
    expect(fs.readdirSync(path.join(cwd, 'src'))).toEqual(['deep']);
    // A change from below goes to the same board.
    expect(await team(['tasks', 'create', '--subject', 'Made below'], { cwd: sub })).toMatchObject({ stdout: 'Created task #2 "Made below" in run 1', exitCode: 0 });
    expect(fs.existsSync(path.join(sub, '.team'))).toBe(false);
  });

  it('TEAM_HOME wins over the nearest .team/', async () => {
    await seeded(cwd, async (board, runId) => void (await board.createTask(runId, { subject: 'In the project' }, human)));
    const home = path.join(cwd, 'elsewhere');
    await seeded(home, async (board, runId) => void (await board.createTask(runId, { subject: 'In TEAM_HOME' }, human)));
    const sub = path.join(cwd, 'src');
    fs.mkdirSync(sub);
    const listed = await team(['tasks', 'list'], { cwd: sub, env: { TEAM_HOME: path.join(home, '.team') } });
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('In TEAM_HOME');
    expect(listed.stdout).not.toContain('In the project');
    expect(fs.readdirSync(sub)).toEqual([]);
  });
});

describe('team start on a team file with several mistakes (built CLI)', () => {
  it('prints every error with its file, line and fix, exits 1 and creates nothing', async () => {
    write(
      cwd,
      'teams/broken.yaml',
      [
        'name: broken',
        'description: three mistakes',
        'members:',
        '  - { name: ds, agent: data-scientst }',
        'pipeline: [work]',
        'tasks:',
        '  - id: a',
        '    subject: A',
        '    description: Do a.',
        '    stage: wrok',
        '  - id: b',
        '    subject: B',
        '    description: Do b.',
        '    stage: work',
        '    blockedBy: [zzz]',
        '',
      ].join('\n'),
    );
    const started = await team(['start', 'broken', '--headless']);
    expect(started.exitCode).toBe(1);
    expect(started.stdout).toBe('');
    const lines = started.stderr.split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^team: teams\/broken\.yaml:4: member "ds" uses unknown agent "data-scientst" \(did you mean "data-scientist"\?\)\. Fix: /),
      expect.stringMatching(/^team: teams\/broken\.yaml:10: task "a" has stage "wrok", which is not in the pipeline \(did you mean "work"\?\)\. Fix: /),
      expect.stringMatching(/^team: teams\/broken\.yaml:15: task "b" is blocked by unknown task "zzz"\. Fix: /),
    ]);
    // The same three as `team teams validate` lists.
    const validated = await team(['teams', 'validate', 'broken']);
    for (const line of lines) expect(validated.stdout).toContain(line.replace(/^team: /, ''));
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);
  });
});

describe('escape sequences in agent-written text (built CLI)', () => {
  const EVIL = '\u001b]0;pwned\u0007\u001b[2J';

  it('tasks list/get, status, export and board --plain show them harmlessly', async () => {
    await seeded(cwd, async (board, runId) => {
      await board.addMember(runId, { name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'sim' }, coordinator);
      const ds = memberActor('ds', 'data-scientist');
      const task = await board.createTask(runId, { subject: `Evil ${EVIL}subject`, description: `line one ${EVIL}\nline two \u001b[31mred\u001b[0m`, metadata: { note: `a note ${EVIL}` } }, human);
      await board.updateTask(runId, task.id, { status: 'in_progress', owner: 'ds' }, ds);
      await board.noteLastAction(runId, 'ds', `Bash: echo ${EVIL}done`);
      await board.sendMessage(runId, { from: 'ds', to: 'ds', body: `to myself ${EVIL}` }, ds);
      await board.askQuestion(
        runId,
        {
          kind: 'agent',
          askedBy: 'ds',
          taskId: task.id,
          payload: { questions: [{ question: `Which one ${EVIL}?`, header: 'Pick', multiSelect: false, options: [{ label: `One ${EVIL}`, description: `first ${EVIL}` }, { label: 'Two', description: 'second' }] }] },
        },
        ds,
      );
    });
    const shown = new Map<string, string>();
    for (const args of [['tasks', 'list'], ['tasks', 'get', '1'], ['status'], ['export', '1'], ['board', '--plain'], ['runs']]) {
      const result = await team(args);
      expect(result.exitCode, args.join(' ')).toBe(0);
      for (const text of [result.stdout, result.stderr]) {
        expect(text, args.join(' ')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
      shown.set(args.join(' '), result.stdout);
    }
    expect(shown.get('tasks list')).toContain('Evil subject');
    expect(shown.get('tasks get 1')).toContain('line two red');
    const status = shown.get('status');
    expect(status).toContain('Bash: echo done');
    expect(status).toContain('Which one ?');
    // JSON keeps the text as written, escaped, so a script reads exactly what the agent wrote.
    const json = await team(['tasks', 'get', '1', '--json']);
    expect(json.stdout).not.toContain('\u001b');
    expect((JSON.parse(json.stdout) as { subject: string }).subject).toBe(`Evil ${EVIL}subject`);
  });
});
