/**
 * Permission questions end to end: the built CLI, the anthropic backend against a local fake
 * Messages API whose scripted replies run commands the agent's definition does not allow. A
 * question is asked, shown by `team status`, answered with `team answer`, exported, and recorded
 * on a tape that a replay follows to the same decisions; on the live board (tmux) a person answers
 * it with keys. Without a sandbox, `team start` says so in one line with the fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { startFakeMessagesApi, type FakeCall, type FakeMessagesApi, type FakeReply } from '../../src/models/fake/messages-api.js';
import type { Report } from '../../src/report/index.js';
import { agentFile, BIN, ensureBuilt, resultsOf, spawnTeam, statusJson, team, tempDir, waitForOpenQuestion, write } from '../helpers/runtime.js';
import { hasTmux, startTmux, warnWithoutTmux, type Tmux } from '../helpers/tmux.js';

warnWithoutTmux('test/e2e/permissions.test.ts');

let cwd: string;
let api: FakeMessagesApi | undefined;
let term: Tmux | undefined;
let run: ResultPromise | undefined;

beforeAll(ensureBuilt);

beforeEach(() => {
  cwd = tempDir('teamboard-permissions-');
  write(cwd, 'teams/perm.yaml', TEAM);
  write(cwd, 'agents/operator.md', agentFile('operator', { tools: 'Read, Bash(ls:*), Bash(cat:*)' }));
  fs.mkdirSync(path.join(cwd, '.team'));
});

afterEach(async () => {
  term?.kill();
  term = undefined;
  run?.kill('SIGKILL');
  await run?.catch(() => undefined);
  run = undefined;
  await api?.close();
  api = undefined;
  fs.rmSync(cwd, { recursive: true, force: true });
});

const TEAM = `
name: perm
members:
  - { name: op, agent: operator }
pipeline: [work]
tasks:
  - id: job
    subject: Make two files and tidy up
    stage: work
    description: Work.
    sim: { steps: [ { bash: "ls" } ] }
`;

const COMMANDS = { first: 'touch a.txt', second: 'touch b.txt', third: 'rm a.txt' };

/** op claims the task, runs the three commands one turn each, completes the task and ends its turn. */
function responder(results: Map<string, { text: string; isError: boolean }>) {
  const tool = (id: string, name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, id, name, input });
  const steps = [
    [tool('toolu_claim', 'TaskUpdate', { taskId: '1', status: 'in_progress', owner: 'op' })],
    [tool('toolu_first', 'Bash', { command: COMMANDS.first })],
    [tool('toolu_second', 'Bash', { command: COMMANDS.second })],
    [tool('toolu_third', 'Bash', { command: COMMANDS.third })],
    [tool('toolu_done', 'TaskUpdate', { taskId: '1', status: 'completed' })],
  ];
  return (call: FakeCall): FakeReply => {
    for (const message of call.request.messages) {
      for (const block of resultsOf(message)) results.set(block.tool_use_id, { text: String(block.content), isError: block.is_error === true });
    }
    const step = steps[call.request.messages.filter((m) => m.role === 'assistant').length];
    return { content: step ?? [{ type: 'text', text: 'All done.' }] };
  };
}

const claude = (url: string) => ({ ANTHROPIC_API_KEY: 'sk-ant-permissions', ANTHROPIC_BASE_URL: url });

/** Waits for question q<n> on the board, then reads it as `team status` shows it. */
async function openPermission(n: number) {
  await waitForOpenQuestion(cwd, `permission question q${n}`, (q) => q.id === n);
  const shown = (await statusJson(cwd)).questions.find((q) => q.id === `q${n}`);
  if (!shown) throw new Error(`team status does not show q${n}`);
  return shown;
}

function errorOf(result: { text: string } | undefined): unknown {
  return result ? (JSON.parse(result.text) as { error?: unknown }).error : undefined;
}

describe('permission questions through the CLI', () => {
  it('are shown by team status, answered with team answer, exported, recorded on a tape and replayed to the same decisions', async () => {
    const results = new Map<string, { text: string; isError: boolean }>();
    api = await startFakeMessagesApi({ port: 0, responder: responder(results) });
    const tape = path.join(cwd, 'perm.tape');
    run = spawnTeam(cwd, ['start', 'perm', '--headless', '--record', tape], claude(api.url));

    const q1 = await openPermission(1);
    expect(q1).toMatchObject({
      askedBy: 'op',
      kind: 'permission',
      questions: [{ question: 'Allow op to run `touch a.txt`?', header: 'Permission' }],
      context: { command: 'touch a.txt', pattern: 'touch:*', cause: '"touch a.txt" does not match any allowed pattern (Bash(ls:*), Bash(cat:*))', taskId: 1 },
    });
    const text = await team(cwd, ['status', '1']);
    expect(text.stdout).toContain('  q1: "touch a.txt" does not match any allowed pattern (Bash(ls:*), Bash(cat:*))\n');
    expect(text.stdout).toContain('  q1 command: touch a.txt\n');
    expect(text.stdout).toContain('  q1 from op [Permission] Allow op to run `touch a.txt`?\n');
    expect(text.stdout).toContain('      1. Allow once - Run this command line this one time; ask again next time.\n');
    expect(text.stdout).toContain('      2. Allow for the run - Allow Bash(touch:*) to op until the run ends, and run it.\n');
    expect(text.stdout).toContain('      3. Deny - Do not run it; a note ("deny: why") is the reason op reads.\n');
    expect(text.stdout).toContain('    answer: team answer 1 q1 <number or label, optionally followed by ": note">');
    // Own words are not a decision: refused with the choices.
    expect((await team(cwd, ['answer', '1', 'q1', 'sure, why not'])).exitCode).toBe(1);
    expect(await team(cwd, ['answer', '1', 'q1', 'allow-pattern'])).toMatchObject({ exitCode: 0 });

    // touch b.txt matches the pattern now: the next question is about rm.
    const q2 = await openPermission(2);
    expect(q2).toMatchObject({ questions: [{ question: 'Allow op to run `rm a.txt`?' }], context: { pattern: 'rm:*' } });
    expect(await team(cwd, ['answer', '1', 'q2', 'deny: keep a.txt, it is the result'])).toMatchObject({ exitCode: 0 });
    const finished = await run;
    run = undefined;
    expect(finished.exitCode, String(finished.stdout)).toBe(0);

    const ws = path.join(cwd, '.team', 'runs', '1', 'workspace');
    expect(fs.readdirSync(ws).sort()).toEqual(['a.txt', 'b.txt']);
    expect(results.get('toolu_first')?.isError).toBe(false);
    expect(results.get('toolu_second')?.isError).toBe(false);
    expect(errorOf(results.get('toolu_third'))).toBe('permission denied by the person (team answer) for "rm a.txt": keep a.txt, it is the result');

    const exported = await team(cwd, ['export', '1', '--format', 'json']);
    const decisions = (JSON.parse(exported.stdout) as Report).decisions;
    expect(decisions.map((d) => [d.id, d.kind, d.askedBy, d.parts[0]?.answer, d.answeredBy])).toEqual([
      ['q1', 'permission', 'op', 'Allow for the run', 'cli'],
      ['q2', 'permission', 'op', 'Deny (note: keep a.txt, it is the result)', 'cli'],
    ]);
    expect((await team(cwd, ['export', '1', '--format', 'md'])).stdout).toContain('[permission]');

    // The tape gives the same answers back, as the same person, and the replayed run acts on them the same way.
    const replay = await team(cwd, ['start', 'perm', '--backend', 'replay', '--tape', tape, '--headless']);
    expect(replay.exitCode, replay.stdout).toBe(0);
    expect(fs.readdirSync(path.join(cwd, '.team', 'runs', '2', 'workspace')).sort()).toEqual(['a.txt', 'b.txt']);
    const board = await openBoard(path.join(cwd, '.team', 'board.db'));
    try {
      const questions = await board.listQuestions(2);
      expect(questions.map((q) => [q.kind, q.payload.questions[0]?.question, q.answers?.[0]?.picked, q.answers?.[0]?.text, q.answeredBy])).toEqual([
        ['permission', 'Allow op to run `touch a.txt`?', ['Allow for the run'], null, 'cli'],
        ['permission', 'Allow op to run `rm a.txt`?', ['Deny'], 'keep a.txt, it is the result', 'cli'],
      ]);
    } finally {
      await board.close();
    }
  }, 90_000);

  it.skipIf(!hasTmux)('are answered on the live board with keys; with --no-sandbox the header says unsandboxed', async () => {
    const results = new Map<string, { text: string; isError: boolean }>();
    api = await startFakeMessagesApi({ port: 0, responder: responder(results) });
    const t = startTmux({ name: 'permissions', columns: 120, rows: 40, cwd });
    term = t;
    t.run(`ANTHROPIC_API_KEY=sk-ant-permissions ANTHROPIC_BASE_URL=${api.url} HOME=${cwd} node ${BIN} start perm --no-sandbox; echo "team exited with $?"`);

    const first = await t.see('Permission q1 for op', 30_000);
    expect(first.split('\n')[0]).toContain('unsandboxed');
    expect(first).toContain('Allow op to run `touch a.txt`?');
    expect(first).toContain('command: touch a.txt');
    // Allow once: the next touch asks again.
    t.keys('1');
    await t.see('Permission q2 for op', 30_000);
    expect(t.capture()).toContain('Allow op to run `touch b.txt`?');
    t.keys('2');
    await t.see('Permission q3 for op', 30_000);
    expect(t.capture()).toContain('Allow op to run `rm a.txt`?');
    t.keys('3');
    await t.until('the finished board', () => /● completed/.test(t.capture().split('\n')[0] ?? ''), 30_000);
    t.keys('q');
    await t.until('team to exit', () => t.capture(true).includes('team exited with 0'));

    expect(errorOf(results.get('toolu_third'))).toBe('permission denied by the person at the board for "rm a.txt": no reason given');
    expect(fs.readdirSync(path.join(cwd, '.team', 'runs', '1', 'workspace')).sort()).toEqual(['a.txt', 'b.txt']);
    const board = await openBoard(path.join(cwd, '.team', 'board.db'));
    try {
      expect((await board.listQuestions(1)).map((q) => [q.answers?.[0]?.picked[0], q.answeredBy])).toEqual([
        ['Allow once', 'human'],
        ['Allow for the run', 'human'],
        ['Deny', 'human'],
      ]);
    } finally {
      await board.close();
    }
  }, 90_000);
});

describe('where no sandbox can be had', () => {
  /** A PATH holding every program of /usr/bin and /bin except bubblewrap. */
  function pathWithoutBwrap(): string {
    const dir = path.join(cwd, 'no-bwrap-bin');
    fs.mkdirSync(dir);
    for (const from of ['/usr/bin', '/bin']) {
      if (!fs.existsSync(from)) continue;
      for (const name of fs.readdirSync(from)) {
        if (name === 'bwrap' || fs.existsSync(path.join(dir, name))) continue;
        fs.symlinkSync(path.join(from, name), path.join(dir, name));
      }
    }
    return dir;
  }

  it('team start refuses Claude with one line and the fix, and creates no run; the simulated model runs unsandboxed and says so', async () => {
    const PATH = pathWithoutBwrap();
    const refused = await team(cwd, ['start', 'perm', '--headless'], { PATH, ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      "team: no sandbox for Claude's commands here: bubblewrap (bwrap) is not installed; fix: apt-get install bubblewrap, or pass --no-sandbox to let them run unsandboxed",
    );
    expect(fs.existsSync(path.join(cwd, '.team', 'runs'))).toBe(false);

    const sim = await team(cwd, ['start', 'perm', '--headless', '--auto-answer', '--instant'], { PATH });
    expect(sim.exitCode, sim.stdout).toBe(0);
    expect(sim.stderr.split('\n')[0]).toBe("team: no sandbox here: bubblewrap (bwrap) is not installed; fix: apt-get install bubblewrap. The simulated model's commands run unsandboxed");
    const board = await openBoard(path.join(cwd, '.team', 'board.db'));
    try {
      expect((await board.requireRun(1)).config.unsandboxed).toBe(true);
    } finally {
      await board.close();
    }
  }, 60_000);
});
