import Database from 'better-sqlite3';
import { ensureBuilt } from '../helpers/runtime.js';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/board.js';
import { REPO_ROOT } from '../helpers/workers.js';

const BIN = path.join(REPO_ROOT, 'bin', 'team.js');

let cwd: string;

beforeAll(ensureBuilt);

beforeEach(() => {
  cwd = tempDir('teamboard-cli-');
});

afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

async function team(...args: string[]) {
  const env: Record<string, string | undefined> = { TEAM_HOME: undefined, ANTHROPIC_API_KEY: undefined, NO_COLOR: '1' };
  const result = await execa(process.execPath, [BIN, ...args], { cwd, reject: false, env, extendEnv: true });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

describe('team tasks (built CLI)', () => {
  it('deleting a task others wait for says which ones no longer wait', async () => {
    await team('tasks', 'create', '--subject', 'Generate the data');
    await team('tasks', 'create', '--subject', 'Profile the data', '--blocked-by', '1');
    expect(await team('tasks', 'update', '1', '--status', 'deleted')).toEqual({
      stdout: 'Updated task #1: deleted (pending -> deleted)\n#2 waited for #1 and no longer does; if it still needs other work first, add it with `team tasks update 2 --blocked-by <id>`',
      stderr: '',
      exitCode: 0,
    });
  });

  it('runs the issue scenario: a blocked start exits 1 with one line naming the blocker', async () => {
    expect(await team('tasks', 'create', '--subject', 'Profile data')).toEqual({ stdout: 'Created task #1 "Profile data" in run 1', stderr: '', exitCode: 0 });
    expect(await team('tasks', 'create', '--subject', 'Train', '--blocked-by', '1')).toEqual({ stdout: 'Created task #2 "Train" in run 1', stderr: '', exitCode: 0 });
    expect(fs.existsSync(path.join(cwd, '.team', 'board.db'))).toBe(true);

    const refused = await team('tasks', 'update', '2', '--status', 'in_progress', '--owner', 'mle');
    expect(refused).toEqual({
      stdout: '',
      stderr: 'team: cannot start task #2: blocked by #1 "Profile data" (pending, no owner yet). Wait for them to be completed, or pick another task',
      exitCode: 1,
    });

    const list = await team('tasks', 'list');
    expect(list.exitCode).toBe(0);
    expect(list.stderr).toBe('');
    expect(list.stdout.split('\n')).toEqual([
      'Run 1 (ad-hoc, running)',
      'ID  STATUS     STAGE  OWNER  ROLE  BLOCKED BY  SUBJECT',
      '#1  ○ pending  -      -      -     -           Profile data',
      '#2  ○ pending  -      -      -     #1          Train',
    ]);

    expect(await team('tasks', 'update', '1', '--status', 'completed')).toEqual({
      stdout: 'Updated task #1: status (pending -> completed)',
      stderr: '',
      exitCode: 0,
    });
    expect(await team('tasks', 'update', '2', '--status', 'in_progress', '--owner', 'mle')).toEqual({
      stdout: 'Updated task #2: owner, status (pending -> in_progress)',
      stderr: '',
      exitCode: 0,
    });
    expect((await team('tasks', 'list')).stdout).toContain('#2  ◐ in_progress  -      mle    -     -           Train');
  });

  it('prints JSON that parses with --json', async () => {
    expect(JSON.parse((await team('tasks', 'create', '--subject', 'Profile data', '--metadata', '{"rows": 5}', '--json')).stdout)).toEqual({
      task: { id: '1', subject: 'Profile data' },
      run: 1,
    });
    await team('tasks', 'create', '--subject', 'Train', '--blocked-by', '#1', '--role', 'ml-engineer');

    const list = JSON.parse((await team('tasks', 'list', '--json')).stdout) as { run: number; tasks: { id: number; blockedBy: number[]; role: string | null }[] };
    expect(list.run).toBe(1);
    expect(list.tasks.map((t) => [t.id, t.blockedBy, t.role])).toEqual([
      [1, [], null],
      [2, [1], 'ml-engineer'],
    ]);

    const detail = JSON.parse((await team('tasks', 'get', '2', '--json')).stdout) as Record<string, unknown>;
    expect(detail).toMatchObject({ id: 2, subject: 'Train', dependsOn: [1], blockedBy: [1], role: 'ml-engineer', metadata: {} });

    const update = await team('tasks', 'update', '1', '--metadata', '{"rows": null, "auc": 0.8}', '--json');
    expect(JSON.parse(update.stdout)).toEqual({ success: true, taskId: '1', updatedFields: ['metadata'] });
    expect(JSON.parse((await team('tasks', 'get', '1', '--json')).stdout)).toMatchObject({ metadata: { auc: 0.8 } });

    const filtered = JSON.parse((await team('tasks', 'list', '--status', 'completed', '--json')).stdout) as { tasks: unknown[] };
    expect(filtered.tasks).toEqual([]);
  });

  it('explains bad input on one line and exits 1', async () => {
    await team('tasks', 'create', '--subject', 'Profile data');
    expect(await team('tasks', 'update', '1', '--metadata', '{bad')).toEqual({
      stdout: '',
      stderr: `team: --metadata is not valid JSON (Expected property name or '}' in JSON at position 1); pass an object like '{"auc": 0.8}'`,
      exitCode: 1,
    });
    expect(await team('tasks', 'update', '1', '--metadata', '[1, 2]')).toEqual({
      stdout: '',
      stderr: `team: --metadata must be a JSON object like '{"auc": 0.8}'`,
      exitCode: 1,
    });
    expect(await team('tasks', 'get', '9')).toEqual({ stdout: '', stderr: 'team: task #9 does not exist in run 1; see `team tasks list`', exitCode: 1 });
    expect(await team('tasks', 'update', '9', '--status', 'completed')).toEqual({
      stdout: '',
      stderr: 'team: task #9 does not exist in run 1; use TaskList (or `team tasks list`) to see task ids',
      exitCode: 1,
    });
    expect(await team('tasks', 'get', 'abc')).toEqual({ stdout: '', stderr: 'team: "abc" is not a task id; use numbers like 1,2', exitCode: 1 });
    expect(await team('tasks', 'create', '--subject', 'Train', '--blocked-by', '1,x')).toEqual({
      stdout: '',
      stderr: 'team: "x" is not a task id; use numbers like 1,2',
      exitCode: 1,
    });
    expect(await team('tasks', 'list', '--run', '7')).toEqual({ stdout: '', stderr: 'team: run 7 does not exist; list runs with `team runs`', exitCode: 1 });
    expect(await team('tasks', 'list', '--run', '0')).toEqual({ stdout: '', stderr: 'team: "0" is not a run id; run ids are whole numbers from 1 (see `team runs`)', exitCode: 1 });
    // A status filter is checked, taken as people type it, and an empty result says why it is empty.
    expect(await team('tasks', 'list', '--status', 'bogus')).toEqual({ stdout: '', stderr: 'team: --status "bogus" is not a task status; use one of pending, in_progress, completed', exitCode: 1 });
    expect((await team('tasks', 'list', '--status', 'In-Progress')).stdout.split('\n')[1]).toBe('No in_progress tasks (1 in all).');
    expect((await team('tasks', 'list', '--status', 'done')).stdout.split('\n')[1]).toBe('No completed tasks (1 in all).');
    expect(await team('tasks', 'update', '1', '--blocked-by', '1')).toEqual({
      stdout: '',
      stderr: 'team: task #1 cannot block itself (cycle: #1 -> #1)',
      exitCode: 1,
    });

    const badStatus = await team('tasks', 'update', '1', '--status', 'done');
    expect(badStatus.exitCode).toBe(1);
    expect(badStatus.stderr.split('\n')[0]).toBe(
      "error: option '--status <status>' argument 'done' is invalid. Allowed choices are pending, in_progress, completed, deleted.",
    );
    const noSubject = await team('tasks', 'create');
    expect(noSubject.exitCode).toBe(1);
    expect(noSubject.stderr.split('\n')[0]).toBe("error: required option '--subject <text>' not specified");
  });

  it('says there is no board here instead of making one, and no run yet on an empty board', async () => {
    const none = `team: no board here: no .team/ in ${cwd} or its parents; start a run with \`team start churn-project\``;
    for (const args of [['tasks', 'list'], ['runs'], ['status'], ['board', '--plain'], ['export', '1'], ['answer', '1', 'q1', 'x'], ['stop', '1']]) {
      expect(await team(...args), args.join(' ')).toEqual({ stdout: '', stderr: none, exitCode: 1 });
    }
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);

    fs.mkdirSync(path.join(cwd, '.team'));
    await team('tasks', 'create', '--subject', 'A');
    fs.rmSync(path.join(cwd, '.team', 'board.db'));
    expect((await team('tasks', 'list')).stderr).toBe(none);
  });

  it('uses the board named by --board (before or after the command) or $TEAM_BOARD_URL', async () => {
    const file = path.join(cwd, 'boards', 'mine.db');
    expect((await team('--board', file, 'tasks', 'create', '--subject', 'On my board')).exitCode).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);
    expect((await team('tasks', 'list', '--board', 'boards/mine.db')).stdout).toContain('On my board');
    const viaEnv = await execa(process.execPath, [BIN, 'tasks', 'list'], { cwd, reject: false, env: { TEAM_HOME: undefined, TEAM_BOARD_URL: file } });
    expect(viaEnv.stdout).toContain('On my board');
    expect(await team('--board', path.join(cwd, 'nope.db'), 'runs')).toEqual({
      stdout: '',
      stderr: `team: no board at ${path.join(cwd, 'nope.db')}; start a run there with \`team start churn-project\`, or point --board at an existing board`,
      exitCode: 1,
    });
    // Another program's SQLite file, or an empty file, is refused and left exactly as it was.
    const other = path.join(cwd, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const empty = path.join(cwd, 'empty.db');
    fs.writeFileSync(empty, '');
    for (const file of [other, empty]) {
      const before = fs.readFileSync(file);
      expect(await team('--board', file, 'runs')).toEqual({
        stdout: '',
        stderr: `team: ${file} is not a teamboard board (it has none of the board's tables); point --board or TEAM_HOME at a board.db that \`team start\` made`,
        exitCode: 1,
      });
      expect(fs.readFileSync(file).equals(before), file).toBe(true);
      expect(fs.existsSync(`${file}-wal`), file).toBe(false);
    }
  });

  it('ends quietly when its output goes into a pipe that closed', async () => {
    await team('tasks', 'create', '--subject', 'A');
    // `true` exits without reading, long before node has started: the first write finds the pipe closed.
    for (const command of ['tasks list', 'status']) {
      const piped = await execa('sh', ['-c', `"${process.execPath}" "${BIN}" ${command} | true`], { cwd, reject: false, env: { TEAM_HOME: undefined } });
      expect(piped.stderr, command).toBe('');
    }
  });

  it('keeps the board in $TEAM_HOME when it is set', async () => {
    const home = path.join(cwd, 'elsewhere');
    const result = await execa(process.execPath, [BIN, 'tasks', 'create', '--subject', 'A'], { cwd, reject: false, env: { TEAM_HOME: home } });
    expect(result.exitCode).toBe(0);
    expect(fs.existsSync(path.join(home, 'board.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);
    // TEAM_HOME pointing at a file is named as the problem, not as a folder with no board yet.
    const file = path.join(cwd, 'a-file');
    fs.writeFileSync(file, 'not a folder\n');
    const wrong = await execa(process.execPath, [BIN, 'runs'], { cwd, reject: false, env: { TEAM_HOME: file } });
    expect({ stderr: wrong.stderr, exitCode: wrong.exitCode }).toEqual({ stderr: `team: ${file} is not a folder, so it holds no board; set TEAM_HOME to the folder that holds board.db`, exitCode: 1 });
  });

  it('has useful help', async () => {
    const help = await team('tasks', '--help');
    expect(help.exitCode).toBe(0);
    for (const text of ['Usage: team tasks', 'list [options]', 'get [options] <id>', 'create [options]', 'update [options] <id>', 'team tasks update 2 --status in_progress --owner mle']) {
      expect(help.stdout).toContain(text);
    }
    const update = await team('tasks', 'update', '--help');
    expect(update.exitCode).toBe(0);
    for (const option of ['--status <status>', '--owner <name>', '--reassign', '--blocked-by <ids>', '--metadata <json>', '--json']) {
      expect(update.stdout).toContain(option);
    }
  });
});
