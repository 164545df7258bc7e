/**
 * The escape suite through the runtime: a scripted model, served by a local fake Messages API, makes
 * each probe as a tool call of a member of a real `team start` (the built CLI, the anthropic backend,
 * the real SDK, the real sandbox). Every probe is refused or contained, the run goes on (the model's
 * next turn arrives with the probe's result), and the run completes. test/sandbox/escape.test.ts
 * probes the tools one by one; this suite checks what the runtime adds: the settings it gives Bash
 * (the team home hidden, the environment), permission questions, and the end of the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { startFakeMessagesApi, type FakeCall, type FakeMessagesApi, type FakeReply } from '../../src/models/fake/messages-api.js';
import type { AssistantBlock, ToolUseBlock } from '../../src/models/model.js';
import { sandboxAvailable } from '../../src/sandbox/detect.js';
import { ownerOf, sweepStaleCgroups } from '../../src/sandbox/pids-cgroup.js';
import { forkOnTheHost, pidsCgroupForTests, type HostForks } from '../sandbox/pids-cgroup-helpers.js';
import { agentFile, ensureBuilt, REPO_ROOT, resultsOf, spawnTeam, write } from '../helpers/runtime.js';
import { dirOutsideTmp } from '../helpers/outside-tmp.js';
import { gone, hostProcesses, startedSoon } from '../helpers/host-processes.js';

const check = await sandboxAvailable();
if (!check.ok) console.warn(`SKIPPING the runtime escape suite: bubblewrap is not usable here (${check.reason}; fix: ${check.fix})`);
const skip = !check.ok;
const cgroup = pidsCgroupForTests('the runtime escape suite');

/** The pids cgroups a team process made for its sandboxes that are still there. */
function cgroupsOf(pid: number): string[] {
  if (!cgroup.support.ok) return [];
  return fs.readdirSync(cgroup.support.home.dir).filter((name) => ownerOf(name)?.pid === pid);
}

const API_KEY = 'sk-ant-escape-e2e-0123456789';
const SSH_KEY = '-----BEGIN FAKE PRIVATE KEY----- escape-e2e';
const SECRET = 'SECRET outside';
const BIN = JSON.stringify(path.join(REPO_ROOT, 'bin', 'team.js'));

// Not under the temporary folder: commands get a private /tmp, which would hide things there for the wrong reason.
const base = dirOutsideTmp('teamboard-escape-e2e');
let project: string;
let teamHome: string;
let ws: string;
let outside: string;
let api: FakeMessagesApi | undefined;
let flipper: ChildProcess | undefined;

beforeAll(ensureBuilt);

beforeEach(() => {
  fs.mkdirSync(base, { recursive: true });
  project = fs.realpathSync(fs.mkdtempSync(path.join(base, 'project-')));
  teamHome = path.join(project, '.team');
  ws = path.join(teamHome, 'runs', '1', 'workspace');
  outside = path.join(project, 'outside');
  // The CLI runs with HOME at the project (test/helpers/runtime.ts cliEnv): its ~/.ssh is this one.
  write(project, '.ssh/id_rsa', SSH_KEY);
  write(project, 'outside/secret.txt', `${SECRET}\n`);
  // The project's own .team, so the CLI does not find one in a parent folder.
  fs.mkdirSync(teamHome, { recursive: true });
});

afterEach(async () => {
  flipper?.kill('SIGKILL');
  flipper = undefined;
  await api?.close();
  api = undefined;
  fs.rmSync(project, { recursive: true, force: true });
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const TEAM = `
name: escape
members:
  - { name: prober, agent: prober }
  - { name: guarded, agent: guarded }
pipeline: [work]
sandbox:
  limits: { processes: 64, outputMb: 1 }
tasks:
  - { id: probe, subject: Probe the sandbox, stage: work, role: prober, description: Probe. }
  - { id: guard, subject: Try commands the definition does not allow, stage: work, role: guarded, description: Try. }
`;

function writeTeam(): void {
  write(project, 'teams/escape.yaml', TEAM);
  write(project, 'agents/prober.md', agentFile('prober', { tools: 'Read, Write, Edit, Glob, Grep, Bash' }));
  write(project, 'agents/guarded.md', agentFile('guarded', { tools: 'Read, Bash(ls:*), Bash(echo:*)' }));
}

/* ------------------------------------------------------------------ the scripted model */

/** A tool_use block whose input the test can read back. */
interface Call extends ToolUseBlock {
  input: Record<string, unknown>;
}

interface Step {
  calls: Call[];
  /** Runs in the test process when the model is about to make these calls (sets a trap up). */
  before?: () => void;
}

let ids = 0;
const use = (name: string, input: Record<string, unknown>): Call => ({ type: 'tool_use', id: `toolu_${String(++ids).padStart(4, '0')}`, name, input });
const bash = (command: string, timeout?: number) => use('Bash', timeout === undefined ? { command } : { command, timeout });

interface Result {
  text: string;
  isError: boolean;
}

/**
 * A responder playing each member's steps in order (the step is the number of the member's turns so
 * far), keeping every tool result it is sent. The last step ends the member's turn with a text.
 */
function scripted(steps: Record<string, Step[]>, results: Map<string, Result>, onRequest?: (member: string, turn: number) => void) {
  return (call: FakeCall): FakeReply => {
    const member = call.speaker?.member ?? '?';
    for (const message of call.request.messages) {
      for (const block of resultsOf(message)) {
        results.set(block.tool_use_id, { text: typeof block.content === 'string' ? block.content : JSON.stringify(block.content), isError: block.is_error === true });
      }
    }
    const turn = call.request.messages.filter((m) => m.role === 'assistant').length;
    onRequest?.(member, turn);
    const step = steps[member]?.[turn];
    if (!step) return { content: [{ type: 'text', text: `${member} is done` } satisfies AssistantBlock] };
    step.before?.();
    return { content: step.calls };
  };
}

function claim(taskId: string, owner: string): Step {
  return { calls: [use('TaskUpdate', { taskId, status: 'in_progress', owner })] };
}

function complete(taskId: string): Step {
  return { calls: [use('TaskUpdate', { taskId, status: 'completed' })] };
}

function parsed(result: Result | undefined): Record<string, unknown> {
  if (!result) throw new Error('the model never got this result: the run did not go on after the probe');
  return JSON.parse(result.text) as Record<string, unknown>;
}

function printed(result: Result | undefined): string {
  const body = parsed(result);
  return `${String(body.stdout ?? '')}${String(body.stderr ?? '')}${String(body.error ?? '')}`;
}

const claude = (url: string) => ({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: url });

describe.skipIf(skip)('escape suite through the runtime (scripted model, fake Messages API, real sandbox)', () => {
  it('every probe is refused or contained, each next turn happens, and the run completes', async () => {
    writeTeam();
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;

    const results = new Map<string, Result>();
    let teamPid = 0;
    const seenAlive: number[] = [];
    let hostForks: ReturnType<typeof forkOnTheHost> | undefined;
    let forks: HostForks | undefined;
    let bombCgroups: string[] = [];
    const p = {
      write: use('Write', { file_path: `${outside}/planted.txt`, content: 'pwned' }),
      writeBash: bash(`echo pwned > ${outside}/bash.txt; echo pwned > ${teamHome}/planted; touch ${project}/planted; echo done`),
      secrets: bash(`cat ${project}/.ssh/id_rsa ~/.ssh/id_rsa; ls -a ${project}/.ssh; echo "home=$HOME"; env`),
      readKey: use('Read', { file_path: `${project}/.ssh/id_rsa` }),
      environ: bash(`cat /proc/$PPID/environ /proc/__TEAM_PID__/environ 2>&1; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; done; ps -ef`),
      loopback: bash(`(exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3 && echo CONNECTED) 2>&1; (exec 3<>/dev/tcp/127.0.0.1/__API_PORT__ && echo CONNECTED-TO-API) 2>&1; echo tried`),
      race: [0, 1, 2, 3, 4, 5].flatMap(() => [
        use('Read', { file_path: 'd/f' }),
        use('Write', { file_path: 'd/planted', content: 'pwned' }),
        use('Edit', { file_path: 'd/f', old_string: 'SECRET', new_string: 'pwned' }),
        use('Grep', { pattern: 'SECRET|inside', path: 'd', output_mode: 'content' }),
      ]),
      board: bash(
        [
          `node ${BIN} answer 1 q1 allow-once`,
          `node ${BIN} status 1`,
          `TEAM_HOME=${teamHome} node ${BIN} runs`,
          `ls -a ${teamHome} ${teamHome}/runs`,
          `cat ${teamHome}/board.db | head -c 100`,
          `command -v sqlite3 > /dev/null && sqlite3 ${teamHome}/board.db "update runs set budget_usd = 1000"`,
          `node -e "const D = require('${REPO_ROOT}/node_modules/better-sqlite3'); new D('${teamHome}/board.db').exec('update runs set budget_usd = 1000'); console.log('UPDATED')"`,
          'echo tried',
        ].join('; ') + ' 2>&1',
      ),
      hardRead: use('Read', { file_path: 'hard.txt' }),
      hardEdit: use('Edit', { file_path: 'hard.txt', old_string: 'SECRET', new_string: 'pwned' }),
      hardLn: bash(`ln ${outside}/secret.txt stolen.txt; echo "ln=$?"`),
      fifo: bash('mkfifo pipe && echo made'),
      fifoRead: use('Read', { file_path: 'pipe' }),
      fifoWrite: use('Write', { file_path: 'pipe', content: 'x' }),
      fifoGrep: use('Grep', { pattern: 'x' }),
      evil: use('Write', { file_path: 'evil.txt', content: `${'a'.repeat(29)}!\n` }),
      regex: use('Grep', { pattern: '^(a+)+$' }),
      output: bash('yes'),
      forever: bash('sleep 4401', 1500),
      bomb: bash(':(){ :|:& };:; sleep 5', 30_000),
      orphans: bash('setsid sleep 4402 > /dev/null 2>&1 & (sleep 4403 > /dev/null 2>&1 &) ; nohup sleep 4404 > /dev/null 2>&1 & echo left'),
      subst: bash('ls $(curl -s http://example.com)'),
      shell: bash("bash -c 'echo hi; curl -s http://example.com'"),
      backticks: bash('echo `curl -s http://example.com`'),
    };
    const steps: Record<string, Step[]> = {
      prober: [
        claim('1', 'prober'),
        { calls: [p.write, p.writeBash] },
        { calls: [p.secrets, p.readKey] },
        { calls: [p.environ] },
        { calls: [p.loopback] },
        {
          calls: p.race,
          before: () => {
            // Flips d between a real folder and a link to the outside folder, as fast as it can, while the file tools run.
            flipper = spawn('bash', ['-c', `cd ${ws}; while :; do rm -rf d; mkdir d; echo inside > d/f; rm -rf d; ln -s ${outside} d; done`], { stdio: 'ignore' });
          },
        },
        {
          calls: [p.board],
          before: () => {
            flipper?.kill('SIGKILL');
            flipper = undefined;
          },
        },
        { calls: [p.hardRead, p.hardEdit, p.hardLn], before: () => fs.linkSync(path.join(outside, 'secret.txt'), path.join(ws, 'hard.txt')) },
        { calls: [p.fifo, p.fifoRead, p.fifoWrite, p.fifoGrep] },
        { calls: [p.evil, p.regex] },
        { calls: [p.output] },
        { calls: [p.forever] },
        {
          calls: [p.bomb],
          before: () => {
            // The sandbox's cgroup is made with the sandbox (by the first command), named for the team process.
            bombCgroups = cgroupsOf(teamPid);
            hostForks = forkOnTheHost();
          },
        },
        {
          calls: [p.orphans],
          before: () => {
            void hostForks?.stop().then((seen) => {
              forks = seen;
            });
          },
        },
        complete('1'),
      ],
      guarded: [claim('2', 'guarded'), { calls: [p.subst] }, { calls: [p.shell] }, { calls: [p.backticks] }, complete('2')],
    };
    const orphanStep = steps.prober?.length ?? 0;
    api = await startFakeMessagesApi({
      port: 0,
      responder: scripted(steps, results, (member, turn) => {
        // The turn after the orphans probe: its background processes outlived the call, as they may.
        if (member === 'prober' && turn === orphanStep - 1) seenAlive.push(...['4402', '4403', '4404'].map((n) => startedSoon(['sleep', n])));
      }),
    });
    const apiPort = api.port;
    for (const step of Object.values(steps).flat()) {
      for (const call of step.calls) {
        if (typeof call.input.command === 'string') call.input = { ...call.input, command: call.input.command.replace('__API_PORT__', String(apiPort)) };
      }
    }

    let run: ResultPromise | undefined;
    try {
      run = spawnTeam(project, ['start', 'escape', '--headless', '--auto-answer'], claude(api.url));
      teamPid = run.pid ?? 0;
      p.environ.input = { command: String(p.environ.input.command).replace('__TEAM_PID__', String(teamPid)) };
      const finished = await run;
      expect(finished.exitCode, `${String(finished.stdout)}\n${String(finished.stderr)}`).toBe(0);
    } finally {
      run?.kill('SIGKILL');
      listener.close();
    }

    // Every probe got its result: the run went on after each one.
    for (const call of Object.values(p).flat()) expect(results.has(call.id), `${call.name} ${JSON.stringify(call.input).slice(0, 80)}`).toBe(true);

    // Writes outside the workspace: refused by the file tools, read-only in the sandbox.
    expect(parsed(results.get(p.write.id)).error).toMatch(/outside the workspace/);
    expect(printed(results.get(p.writeBash.id))).toContain('Read-only file system');
    expect(fs.readdirSync(outside).sort()).toEqual(['secret.txt']);
    expect(fs.existsSync(path.join(teamHome, 'planted'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'planted'))).toBe(false);

    // The home's secrets, the API key and the run's controls are not there.
    const secrets = printed(results.get(p.secrets.id));
    expect(secrets).not.toContain('FAKE PRIVATE KEY');
    expect(secrets).toContain('home=/tmp/home');
    expect(secrets).toContain('TEAM_RUN_ID=1');
    expect(secrets).toContain('TEAM_MEMBER=prober');
    for (const name of ['ANTHROPIC', 'TEAM_HOME', 'TEAM_BOARD_URL', API_KEY, 'board.db']) expect(secrets).not.toContain(name);
    expect(parsed(results.get(p.readKey.id)).error).toMatch(/outside the workspace/);
    expect(printed(results.get(p.environ.id))).not.toContain(API_KEY);

    // No connection to the host's loopback: neither a listener nor the Messages API.
    const loopback = printed(results.get(p.loopback.id));
    expect(loopback).not.toContain('CONNECTED');
    expect(loopback).toContain('tried');
    expect(connections).toBe(0);

    // The symlink swapped in between check and use never led out.
    for (const call of p.race) expect(results.get(call.id)?.text).not.toContain(SECRET);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe(`${SECRET}\n`);

    // The board and its database cannot be reached from a command: nothing was answered or changed by it.
    const boardProbe = printed(results.get(p.board.id));
    expect(boardProbe).not.toContain('UPDATED');
    expect(boardProbe).not.toContain('SQLite format');
    const board = await openBoard(path.join(teamHome, 'board.db'));
    try {
      const questions = await board.listQuestions(1);
      expect(questions.map((q) => [q.kind, q.askedBy, q.status, q.answeredBy])).toEqual([
        ['permission', 'guarded', 'answered', 'auto'],
        ['permission', 'guarded', 'answered', 'auto'],
        ['permission', 'guarded', 'answered', 'auto'],
      ]);
      expect(questions.map((q) => q.payload.context?.command)).toEqual([p.subst.input.command, p.shell.input.command, p.backticks.input.command]);
      expect((await board.requireRun(1)).budgetUsd).toBeNull();
    } finally {
      await board.close();
    }

    // $(...), bash -c and backticks around a command the definition does not allow: asked, denied, the agent reads why.
    for (const call of [p.subst, p.shell, p.backticks]) {
      expect(results.get(call.id)?.isError).toBe(true);
      expect(parsed(results.get(call.id)).error).toMatch(/^permission denied by --auto-answer for "curl -s http:\/\/example\.com": nobody is at the board/);
    }

    // A hard link made from outside is not followed; one cannot be made inside.
    expect(parsed(results.get(p.hardRead.id)).error).toMatch(/2 hard links/);
    expect(parsed(results.get(p.hardEdit.id)).error).toMatch(/hard links/);
    expect(printed(results.get(p.hardLn.id))).toContain('Invalid cross-device link');
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe(`${SECRET}\n`);

    // A FIFO never blocks a call.
    expect(parsed(results.get(p.fifoRead.id)).error).toMatch(/FIFO/);
    expect(parsed(results.get(p.fifoWrite.id)).error).toMatch(/FIFO/);
    expect(results.get(p.fifoGrep.id)?.isError).toBe(false);

    // A catastrophic pattern is stopped; endless output and a command that never ends are killed; a fork bomb is bounded.
    expect(parsed(results.get(p.regex.id)).error).toMatch(/backtracks catastrophically/);
    expect(parsed(results.get(p.output.id))).toMatchObject({ truncated: true, error: expect.stringMatching(/more output than allowed/) });
    expect(parsed(results.get(p.forever.id))).toMatchObject({ timedOut: true });
    if (cgroup.support.ok || cgroup.expected) {
      // The kernel refused the bomb's forks past its cgroup's limit, and the host kept pids to fork meanwhile.
      expect(parsed(results.get(p.bomb.id)).error).toMatch(/^the sandbox was stopped: its commands tried to run more than 64 processes at once \(limit processes\)/);
      expect(bombCgroups).toHaveLength(1);
      expect(forks?.failed).toEqual([]);
      expect(forks?.ok).toBeGreaterThan(0);
      // The team removed its sandboxes' cgroups when the run ended.
      expect(cgroupsOf(teamPid)).toEqual([]);
    } else {
      expect(parsed(results.get(p.bomb.id)).error).toMatch(/^the sandbox was stopped: its commands reached 64 processes at once \(limit processes\)/);
    }

    // setsid and orphaned children may outlive their call, never the run.
    expect(seenAlive).toEqual([1, 1, 1]);
    for (const sleep of ['4401', '4402', '4403', '4404']) expect(await gone(['sleep', sleep]), `sleep ${sleep}`).toBe(true);
  }, 120_000);

  it('after kill -9 of team, a sandboxed run leaves nothing alive; an unsandboxed one is cleaned up before team resume runs anything', async () => {
    writeTeam();
    let resumed = false;
    const aliveAtResume: number[] = [];
    const steps: Record<string, Step[]> = {
      prober: [claim('1', 'prober'), { calls: [bash('setsid sleep 4411 > /dev/null 2>&1 & sleep 4412 > /dev/null 2>&1 & echo left')] }],
      guarded: [],
    };
    const hang = new Promise<FakeReply>(() => undefined);
    const results = new Map<string, Result>();
    const respond = scripted(steps, results);
    api = await startFakeMessagesApi({
      port: 0,
      responder: (call) => {
        if (call.speaker?.member !== 'prober') return hang;
        const turn = call.request.messages.filter((m) => m.role === 'assistant').length;
        if (resumed) {
          aliveAtResume.push(hostProcesses(['sleep', '4411']), hostProcesses(['sleep', '4412']));
          return { content: [{ type: 'text', text: 'back' }] };
        }
        // After the command: hang, so the test kills team while its commands' processes live.
        return turn < 2 ? respond(call) : hang;
      },
    });

    for (const mode of ['sandboxed', 'unsandboxed'] as const) {
      fs.rmSync(teamHome, { recursive: true, force: true });
      fs.mkdirSync(teamHome, { recursive: true });
      resumed = false;
      const flags = mode === 'unsandboxed' ? ['--no-sandbox'] : [];
      const run = spawnTeam(project, ['start', 'escape', '--headless', ...flags], claude(api.url));
      // Both background children, each may exec a moment after the other (setsid forks first).
      const started = () => hostProcesses(['sleep', '4411']) > 0 && hostProcesses(['sleep', '4412']) > 0;
      for (let i = 0; i < 800 && !started(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(hostProcesses(['sleep', '4411']), mode).toBe(1);
      run.kill('SIGKILL');
      await run.catch(() => undefined);
      if (mode === 'sandboxed') {
        // The sandbox dies with its parent, and every process in it.
        expect(await gone(['sleep', '4411'])).toBe(true);
        expect(await gone(['sleep', '4412'])).toBe(true);
        if (cgroup.support.ok || cgroup.expected) {
          // Its cgroup stays behind, until the sweep of the next process that makes one (this one's here,
          // unless another team process started meanwhile swept it first).
          if (!cgroup.support.ok) throw new Error(`no writable pids cgroup: ${cgroup.support.reason}`);
          await sweepStaleCgroups(cgroup.support.home.dir);
          expect(cgroupsOf(run.pid ?? 0)).toEqual([]);
        }
        continue;
      }
      // Unsandboxed commands outlive a killed team...
      await new Promise((r) => setTimeout(r, 200));
      expect(hostProcesses(['sleep', '4411'])).toBe(1);
      // ...until the run is resumed: they are killed before any member takes a turn.
      resumed = true;
      const again = spawnTeam(project, ['resume', '1', '--headless', '--no-sandbox'], claude(api.url));
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (aliveAtResume.length > 0) {
            clearInterval(timer);
            resolve();
          }
        }, 25);
      });
      again.kill('SIGKILL');
      await again.catch(() => undefined);
      expect(aliveAtResume.slice(0, 2)).toEqual([0, 0]);
    }
    const board = await openBoard(path.join(teamHome, 'board.db'));
    try {
      expect((await board.requireRun(1)).config.unsandboxed).toBe(true);
    } finally {
      await board.close();
    }
  }, 60_000);
});
