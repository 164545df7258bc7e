import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Board } from '../../src/board/board.js';
import { canDisableUserns } from '../../src/sandbox/bwrap-args.js';
import type { SandboxSettings } from '../../src/sandbox/config.js';
import { sandboxAvailable } from '../../src/sandbox/detect.js';
import { realClock } from '../../src/shared/clock.js';
import { bashTool, killBashProcessGroups } from '../../src/tools/bash.js';
import { editTool } from '../../src/tools/edit.js';
import { globTool } from '../../src/tools/glob.js';
import { grepTool } from '../../src/tools/grep.js';
import { readTool } from '../../src/tools/read.js';
import { runTool } from '../../src/tools/run-tool.js';
import type { Tool, ToolContext, ToolResult } from '../../src/tools/tool.js';
import { writeTool } from '../../src/tools/write.js';
import { dirOutsideTmp } from '../helpers/outside-tmp.js';
import { gone, startedSoon } from '../helpers/host-processes.js';
import { forkOnTheHost, pidsCgroupForTests } from './pids-cgroup-helpers.js';

/**
 * The escape suite: each probe is a call of a real tool, with the real sandbox, trying to reach what
 * an agent must not. Every probe is refused or contained, and the next call still works.
 */

const check = await sandboxAvailable();
if (!check.ok) console.warn(`SKIPPING the sandbox escape suite: bubblewrap is not usable here (${check.reason}; fix: ${check.fix})`);
const skip = !check.ok;
const userns = canDisableUserns();
if (!skip && !userns) console.warn('SKIPPING the user namespace probe: only a root caller with bubblewrap 0.8 or later shuts user namespaces off in the sandbox');

const SECRET_KEY = 'sk-ant-escape-suite-0123456789';
const SSH_KEY = '-----BEGIN FAKE PRIVATE KEY----- escape-suite';
const BOARD_BYTES = 'SQLite format 3\0 escape-suite board';

// Not under the temporary folder: the sandbox gives commands a private /tmp, which would hide
// anything there for the wrong reason.
const scratchBase = dirOutsideTmp('teamboard-escape-tests');
let scratch: string;
let home: string;
let teamHome: string;
let ws: string;
let outside: string;
let savedHome: string | undefined;
let settings: SandboxSettings;
let ctx: ToolContext;

beforeAll(() => {
  savedHome = process.env.HOME;
  process.env.ANTHROPIC_API_KEY = SECRET_KEY;
});

afterAll(() => {
  killBashProcessGroups();
  delete process.env.ANTHROPIC_API_KEY;
  fs.rmSync(scratchBase, { recursive: true, force: true });
});

beforeEach(() => {
  fs.mkdirSync(scratchBase, { recursive: true });
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(scratchBase, 'run-')));
  home = path.join(scratch, 'home');
  teamHome = path.join(scratch, 'project', '.team');
  ws = path.join(teamHome, 'runs', '1', 'workspace');
  outside = path.join(scratch, 'outside');
  for (const dir of [path.join(home, '.ssh'), path.join(home, '.aws'), ws, path.join(teamHome, 'runs', '2', 'workspace'), outside]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(path.join(home, '.ssh', 'id_rsa'), SSH_KEY);
  fs.writeFileSync(path.join(home, '.aws', 'credentials'), `aws_secret_access_key=${SECRET_KEY}`);
  fs.writeFileSync(path.join(teamHome, 'board.db'), BOARD_BYTES);
  fs.writeFileSync(path.join(teamHome, 'runs', '2', 'workspace', 'other-run.txt'), 'another run');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET outside\n');
  process.env.HOME = home;
  settings = { mode: 'bwrap', teamHome, stateDir: path.join(teamHome, 'runs', '1') };
  ctx = { board: null as unknown as Board, runId: 1, member: 'prober', role: null, workspace: ws, clock: realClock, sandbox: settings };
});

afterEach(() => {
  killBashProcessGroups();
  process.env.HOME = savedHome;
  fs.rmSync(scratch, { recursive: true, force: true });
});

function call(tool: Tool, input: unknown, extra: Partial<ToolContext> = {}): Promise<ToolResult> {
  return runTool(tool, input, { ...ctx, ...extra });
}

function body(result: ToolResult): Record<string, unknown> {
  return JSON.parse(result.content) as Record<string, unknown>;
}

async function bash(command: string, extra: Partial<ToolContext> = {}, timeout?: number): Promise<Record<string, unknown>> {
  return body(await call(bashTool, timeout === undefined ? { command } : { command, timeout }, extra));
}

/** Everything a command printed. */
function printed(result: Record<string, unknown>): string {
  return `${String(result.stdout)}${String(result.stderr)}`;
}

async function stillWorks(): Promise<void> {
  expect(await bash('echo still here')).toMatchObject({ exitCode: 0, stdout: 'still here\n' });
}

describe.skipIf(skip)('sandbox escape suite', () => {
  it('cannot write outside the workspace', async () => {
    const result = await bash(`echo pwned > ${outside}/new.txt; touch ${home}/pwned /usr/local/pwned ${scratch}/pwned; echo done`);
    expect(result.stdout).toBe('done\n');
    expect(String(result.stderr)).toContain('Read-only file system');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    expect(fs.existsSync(path.join(home, 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(scratch, 'pwned'))).toBe(false);
    expect(await bash('echo ok > inside.txt && cat inside.txt && echo tmp > /tmp/t && cat /tmp/t')).toMatchObject({ stdout: 'ok\ntmp\n' });
    await stillWorks();
  });

  it('does not see the secrets in the home folder', async () => {
    const result = await bash(`cat ${home}/.ssh/id_rsa ${home}/.aws/credentials; ls -a ${home}/.ssh; echo "home=$HOME"`);
    expect(printed(result)).not.toContain('FAKE PRIVATE KEY');
    expect(printed(result)).not.toContain(SECRET_KEY);
    expect(String(result.stdout)).toContain('home=/tmp/home');
  });

  it.skipIf(!userns)('cannot make a user namespace of its own (root over its own mounts)', async () => {
    const result = await bash('unshare -r id; unshare -rm true; echo after');
    expect(result.stdout).toBe('after\n');
    expect(printed(result)).not.toContain('uid=0');
    await stillWorks();
  });

  it('does not see the API key in any process environment, its parent\'s included', async () => {
    const result = await bash(
      `cat /proc/${process.pid}/environ /proc/$PPID/environ 2>&1; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; done; env; ps -ef`,
    );
    expect(printed(result)).not.toContain(SECRET_KEY);
  });

  it('cannot connect to a listener on the host loopback unless the network is allowed', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const refused = await bash(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`);
      expect(refused.exitCode).not.toBe(0);
      expect(printed(refused)).not.toContain('hello from the host');
      expect(connections).toBe(0);
      const allowed = await bash(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`, { sandbox: { ...settings, network: true } });
      expect(allowed).toMatchObject({ exitCode: 0, stdout: 'hello from the host\n' });
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });

  it('keeps a server a command started reachable by later commands, on the sandbox loopback', async () => {
    fs.writeFileSync(
      path.join(ws, 'serve.js'),
      "require('node:http').createServer((q, s) => s.end('pong')).listen(0, '127.0.0.1', function () { require('node:fs').writeFileSync('port', String(this.address().port)); });",
    );
    const started = await bash(`${JSON.stringify(process.execPath)} serve.js > serve.log 2>&1 & for i in $(seq 100); do [ -s port ] && break; sleep 0.05; done; cat port`);
    expect(started.exitCode).toBe(0);
    const answer = await bash(
      `${JSON.stringify(process.execPath)} -e "fetch('http://127.0.0.1:' + require('fs').readFileSync('port', 'utf8')).then((r) => r.text()).then(console.log)"`,
    );
    expect(answer).toMatchObject({ exitCode: 0, stdout: 'pong\n' });
  });

  it('does not see the board database, other runs, or the team CLI\'s state', async () => {
    const result = await bash(
      `cat ${teamHome}/board.db; ls -a ${teamHome} ${teamHome}/runs ${teamHome}/runs/2/workspace; cat ${teamHome}/runs/2/workspace/other-run.txt; sqlite3 ${teamHome}/board.db .tables; touch ${teamHome}/planted; echo done`,
    );
    expect(printed(result)).not.toContain('escape-suite board');
    expect(printed(result)).not.toContain('another run');
    expect(await bash(`ls -a ${teamHome} ${teamHome}/runs`)).toMatchObject({ stdout: `${teamHome}:\n.\n..\nruns\n\n${teamHome}/runs:\n.\n..\n1\n` });
    expect(fs.existsSync(path.join(teamHome, 'planted'))).toBe(false);
    expect(body(await call(readTool, { file_path: '../../../board.db' })).error).toBe(
      `path "../../../board.db" is outside the workspace ${ws}; use a path inside it`,
    );
  });

  it('refuses $(...), backticks and bash -c around a command the agent may not run', async () => {
    const limited = { bashPatterns: ['git:*', 'node:*'] };
    for (const command of [
      'git log $(touch pwned-1)',
      'git log `touch pwned-2`',
      "bash -c 'git status; touch pwned-3'",
      'eval "touch pwned-4"',
      'git status > ../../../board.db',
    ]) {
      const result = await call(bashTool, { command }, limited);
      expect(result.isError).toBe(true);
      expect(String(body(result).error)).toMatch(/^command refused: /);
    }
    expect(fs.readdirSync(ws)).toEqual([]);
    expect(fs.readFileSync(path.join(teamHome, 'board.db'), 'utf8')).toBe(BOARD_BYTES);
  });

  it('cannot make a hard link to a file outside, and the file tools refuse one made from outside', async () => {
    const linked = await bash(`ln ${outside}/secret.txt stolen.txt; ln /etc/hostname host.txt; ls`);
    expect(String(linked.stderr)).toContain('Invalid cross-device link');
    expect(fs.readdirSync(ws)).toEqual([]);

    fs.linkSync(path.join(outside, 'secret.txt'), path.join(ws, 'hard.txt'));
    expect(body(await call(readTool, { file_path: 'hard.txt' })).error).toBe(
      '"hard.txt" has 2 hard links; another of its names may be outside the workspace, so it is not read. Refused: a hard link can point at a file outside the workspace',
    );
    expect(body(await call(editTool, { file_path: 'hard.txt', old_string: 'SECRET', new_string: 'pwned' })).error).toMatch(/hard links/);
    expect(JSON.parse((await call(grepTool, { pattern: 'SECRET' })).content)).toEqual({
      files: [],
      count: 0,
      truncated: false,
      note: 'skipped 1 file(s) with more than one hard link (hard.txt); read them with Bash',
    });
    expect(body(await call(writeTool, { file_path: 'hard.txt', content: 'replaced' }))).toEqual({ ok: true, path: 'hard.txt', bytes: 8 });
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('SECRET outside\n');
  });

  it('never blocks on a FIFO', async () => {
    expect(await bash('mkfifo pipe && echo made')).toMatchObject({ exitCode: 0, stdout: 'made\n' });
    expect(body(await call(readTool, { file_path: 'pipe' })).error).toBe(
      '"pipe" is not a regular file ("pipe" is a FIFO (named pipe), not a regular file); the file tools only read and write regular files',
    );
    expect(body(await call(writeTool, { file_path: 'pipe', content: 'x' })).error).toMatch(/FIFO/);
    expect(body(await call(editTool, { file_path: 'pipe', old_string: 'a', new_string: 'b' })).error).toMatch(/FIFO/);
    expect(JSON.parse((await call(grepTool, { pattern: 'x' })).content)).toMatchObject({ files: [] });
    expect(JSON.parse((await call(globTool, { pattern: '*' })).content)).toMatchObject({ files: [] });
  });

  it('cannot reach outside through a symlink swapped in between check and use', async () => {
    fs.writeFileSync(path.join(outside, 'f'), 'SECRET outside\n');
    // Flips ws/d between a real folder and a link to the outside folder, as fast as it can.
    const flipper = spawn(
      'bash',
      ['-c', `cd ${ws}; while :; do rm -rf d; mkdir d; echo inside > d/f; rm -rf d; ln -s ${outside} d; done`],
      { stdio: 'ignore' },
    );
    try {
      const outcomes = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const results = await Promise.all([
          call(readTool, { file_path: 'd/f' }),
          call(writeTool, { file_path: 'd/planted', content: 'pwned' }),
          call(editTool, { file_path: 'd/f', old_string: 'SECRET', new_string: 'pwned' }),
          call(grepTool, { pattern: 'SECRET|inside', path: 'd', output_mode: 'content' }),
        ]);
        for (const result of results) {
          expect(result.content).not.toContain('SECRET outside');
          outcomes.add(result.isError ? 'refused' : 'done');
        }
      }
      expect(outcomes.has('refused')).toBe(true);
    } finally {
      flipper.kill('SIGKILL');
      await new Promise((r) => flipper.once('exit', r));
    }
    expect(fs.readdirSync(outside).sort()).toEqual(['f', 'secret.txt']);
    expect(fs.readFileSync(path.join(outside, 'f'), 'utf8')).toBe('SECRET outside\n');
  }, 60_000);

  it('stops a catastrophic Grep pattern without blocking the process', async () => {
    fs.writeFileSync(path.join(ws, 'evil.txt'), `${'a'.repeat(29)}!\n`);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const before = ticks;
    const result = await call(grepTool, { pattern: '^(a+)+$' });
    clearInterval(ticker);
    expect(body(result).error).toBe(
      'the pattern took more than 2000 ms on "evil.txt" and the search was stopped; it probably backtracks catastrophically (nested quantifiers like (a+)+ or (a|a)*): simplify it, or narrow path or glob',
    );
    // A blocked event loop would not have run the interval while the pattern was matched.
    expect(ticks - before).toBeGreaterThan(10);
    expect(JSON.parse((await call(grepTool, { pattern: '^a+!$' })).content)).toMatchObject({ files: ['evil.txt'] });
  }, 30_000);

  it('ends setsid and orphaned children with the run', async () => {
    const detached = ['sleep', '4301'];
    const orphan = ['sleep', '4302'];
    const result = await bash(`setsid sleep 4301 > /dev/null 2>&1 & (sleep 4302 > /dev/null 2>&1 &) ; echo left`);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'left\n' });
    expect(startedSoon(detached)).toBe(1);
    expect(startedSoon(orphan)).toBe(1);
    killBashProcessGroups();
    expect(await gone(detached)).toBe(true);
    expect(await gone(orphan)).toBe(true);
  });

  it('bounds a fork bomb: the sandbox is stopped, the tool returns, the host keeps pids to fork, and the next command works', async () => {
    const { support, expected } = pidsCgroupForTests('the fork bomb test');
    const limits = { sandbox: { ...settings, limits: { processes: 128 } } };
    const host = forkOnTheHost();
    const bomb = await bash(':(){ :|:& };:; sleep 5', limits, 20_000);
    const forks = await host.stop();
    expect(bomb.exitCode).not.toBe(0);
    if (support.ok || expected) {
      // The kernel refused the forks past the cgroup's limit: the bomb never held more.
      expect(String(bomb.error)).toMatch(/^the sandbox was stopped: its commands tried to run more than 128 processes at once \(limit processes\)/);
    } else {
      expect(String(bomb.error)).toMatch(/^the sandbox was stopped: its commands reached 128 processes at once \(limit processes\)/);
    }
    // As root without a cgroup only the watchdog bounds the bomb, and the host may run out of pids first.
    if (support.ok || process.getuid?.() !== 0) expect(forks.failed).toEqual([]);
    else console.warn(`the fork bomb ran with only the watchdog to bound it; forks that failed on the host meanwhile: ${forks.failed.length}`);
    expect(forks.ok).toBeGreaterThan(0);
    const next = await bash('echo alive', limits);
    expect(next).toMatchObject({ exitCode: 0, stdout: 'alive\n' });
  }, 30_000);

  it('bounds endless output: nothing on disk, the result truncated, the command killed', async () => {
    const result = await bash('yes');
    expect(result).toMatchObject({ exitCode: null, truncated: true });
    const file = await bash('yes > big.txt', { sandbox: { ...settings, limits: { fileSizeMb: 1 } } });
    expect(file.exitCode).not.toBe(0);
    expect(fs.statSync(path.join(ws, 'big.txt')).size).toBeLessThanOrEqual(1024 * 1024);
    await stillWorks();
  });

  it('kills a command that never ends when its time is up', async () => {
    const forever = ['sleep', '4303'];
    const result = await bash('sleep 4303', {}, 300);
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(await gone(forever)).toBe(true);
    await stillWorks();
  });
});

describe.skipIf(skip)('after kill -9 of the team process', () => {
  let child: ChildProcess | null = null;

  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
  });

  /** Runs a command through the real runner in a separate Node process, which is then killed with SIGKILL. */
  async function runAndKill(mode: 'bwrap' | 'none', command: string, stateDir: string): Promise<void> {
    const script = path.join(scratch, 'runner.mts');
    const runner = path.resolve('src/sandbox/runner.ts');
    fs.writeFileSync(
      script,
      `import { runCommand } from ${JSON.stringify(runner)};
const outcome = await runCommand({ command: ${JSON.stringify(command)}, workspace: ${JSON.stringify(ws)}, parentEnv: process.env,
  settings: { mode: ${JSON.stringify(mode)}, stateDir: ${JSON.stringify(stateDir)} }, timeoutMs: 10000, keepBytes: 1000 });
console.log('ran', outcome.exitCode);
setInterval(() => {}, 1000);`,
    );
    child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child?.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ran') && resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
  }

  it('leaves nothing of a sandboxed run alive', async () => {
    await runAndKill('bwrap', 'setsid sleep 4304 > /dev/null 2>&1 & sleep 4305 > /dev/null 2>&1 & echo started', path.join(scratch, 'state'));
    expect(await gone(['sleep', '4304'])).toBe(true);
    expect(await gone(['sleep', '4305'])).toBe(true);
  }, 30_000);

  it('lets a resumed run kill what unsandboxed commands left behind', async () => {
    const { killOrphans } = await import('../../src/sandbox/orphans.js');
    const stateDir = path.join(scratch, 'state');
    await runAndKill('none', 'setsid sleep 4306 > /dev/null 2>&1 & sleep 4307 > /dev/null 2>&1 & echo started', stateDir);
    expect(startedSoon(['sleep', '4306'])).toBe(1);
    expect(startedSoon(['sleep', '4307'])).toBe(1);
    expect(killOrphans(stateDir)).toBeGreaterThanOrEqual(2);
    expect(await gone(['sleep', '4306'])).toBe(true);
    expect(await gone(['sleep', '4307'])).toBe(true);
    expect(killOrphans(stateDir)).toBe(0);
  }, 30_000);
});
