import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processLimit, sandboxAvailable } from '../../src/sandbox/detect.js';
import { ownerOf, ownerTag, PidsCgroup, pidsCgroupCandidates, probeHome, sweepStaleCgroups } from '../../src/sandbox/pids-cgroup.js';
import { startTimeOf } from '../../src/sandbox/process-tree.js';
import { killAll, runCommand } from '../../src/sandbox/runner.js';
import { dirOutsideTmp } from '../helpers/outside-tmp.js';
import { forkOnTheHost, pidsCgroupForTests } from './pids-cgroup-helpers.js';

/** A mountinfo line: `id parent dev root mount-point options - fstype source super-options`. */
const mount = (root: string, at: string, fstype: string, superOptions: string) => `40 31 0:38 ${root} ${at} rw,relatime shared:9 - ${fstype} ${fstype} ${superOptions}`;

describe('finding where sandboxes can get a pids cgroup', () => {
  it('on a hybrid machine, cgroup v2 (checked for the pids controller later) and then cgroup v1 pids, at this process`s own cgroup', () => {
    const mountinfo = [
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
      mount('/', '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'),
      mount('/', '/sys/fs/cgroup/pids', 'cgroup', 'rw,pids'),
      mount('/', '/sys/fs/cgroup/unified', 'cgroup2', 'rw'),
    ].join('\n');
    const selfCgroup = '8:pids:/ci/job-7\n4:memory:/process_api/a366\n0::/\n';
    expect(pidsCgroupCandidates({ mountinfo, selfCgroup })).toEqual([
      { version: 2, dir: '/sys/fs/cgroup/unified' },
      { version: 1, dir: '/sys/fs/cgroup/pids/ci/job-7' },
    ]);
  });

  it('on a unified machine, the process`s own cgroup v2 folder', () => {
    const mountinfo = mount('/', '/sys/fs/cgroup', 'cgroup2', 'rw,nsdelegate');
    const selfCgroup = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/team.scope\n';
    expect(pidsCgroupCandidates({ mountinfo, selfCgroup })).toEqual([{ version: 2, dir: '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/team.scope' }]);
  });

  it('takes the mount`s own root into account, and skips a mount that does not show the process`s cgroup', () => {
    const selfCgroup = '5:pids,cpu:/docker/abc\n0::/docker/abc\n';
    const mountinfo = [mount('/docker/abc', '/sys/fs/cgroup/pids', 'cgroup', 'rw,cpu,pids'), mount('/other', '/sys/fs/cgroup', 'cgroup2', 'rw')].join('\n');
    expect(pidsCgroupCandidates({ mountinfo, selfCgroup })).toEqual([{ version: 1, dir: '/sys/fs/cgroup/pids' }]);
  });

  it('reads escaped mount points, and finds nothing without a pids hierarchy', () => {
    expect(pidsCgroupCandidates({ mountinfo: mount('/', '/mnt/my\\040cgroups', 'cgroup', 'rw,pids'), selfCgroup: '3:pids:/\n' })).toEqual([
      { version: 1, dir: '/mnt/my cgroups' },
    ]);
    expect(pidsCgroupCandidates({ mountinfo: mount('/', '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'), selfCgroup: '4:memory:/\n' })).toEqual([]);
    expect(pidsCgroupCandidates({ mountinfo: '', selfCgroup: '' })).toEqual([]);
  });
});

const base = dirOutsideTmp('teamboard-pids-cgroup-tests');
let scratch: string;

beforeEach(() => {
  fs.mkdirSync(base, { recursive: true });
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(base, 'run-')));
});

afterEach(() => {
  killAll();
  fs.rmSync(scratch, { recursive: true, force: true });
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A pid that was alive a moment ago, with its start time: its owner has ended. */
async function deadProcess(): Promise<{ pid: number; start: string }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const start = startTimeOf(pid) ?? '';
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return { pid, start };
}

/** The pid namespace part of this process's cgroup names. */
function namespace(): string {
  return ownerOf(`${ownerTag()}1`)?.namespace ?? '';
}

describe('the checks that need no cgroup', () => {
  it('a folder that is not a cgroup cannot hold a pids limit, and the probe leaves nothing behind', () => {
    expect(probeHome({ version: 1, dir: scratch })).toBe(`${scratch} gives its children no pids.max`);
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(probeHome({ version: 1, dir: path.join(scratch, 'missing') })).toBe(`${path.join(scratch, 'missing')} is not writable (ENOENT)`);
    expect(probeHome({ version: 2, dir: scratch })).toMatch(/^the pids controller cannot be enabled for the children of .* \(ENOENT\)$/);
  });

  it('sweeps the cgroups of owners that ended, and only those', async () => {
    const dead = await deadProcess();
    const names = {
      dead: `teamboard-${namespace()}-${dead.pid}-${dead.start}-3`,
      deadProbe: `teamboard-${namespace()}-${dead.pid}-${dead.start}-probe`,
      reused: `teamboard-${namespace()}-${process.pid}-1-1`,
      mine: `${ownerTag()}1`,
      otherNamespace: `teamboard-1-${dead.pid}-${dead.start}-1`,
      unrelated: 'docker',
    };
    for (const name of Object.values(names)) fs.mkdirSync(path.join(scratch, name));
    // A pid reused by a process that started later is not the owner any more: swept too.
    expect(await sweepStaleCgroups(scratch)).toBe(3);
    expect(fs.readdirSync(scratch).sort()).toEqual([names.mine, names.otherNamespace, names.unrelated].sort());
    expect(await sweepStaleCgroups(path.join(scratch, 'missing'))).toBe(0);
  });
});

const { support, expected } = pidsCgroupForTests('the pids cgroup tests');

describe.skipIf(!support.ok && !expected)('with a writable pids cgroup (the kernel bounds the processes of each sandbox)', () => {
  /** The home the tests make cgroups in; fails the test where one is expected but missing. */
  function home() {
    if (!support.ok) throw new Error(`running as root with a pids hierarchy mounted read-write, yet no pids cgroup can be made: ${support.reason}`);
    return support.home;
  }

  it('is the process limit in force, and the sandbox check says so', async () => {
    const { dir, version } = home();
    expect(processLimit()).toEqual({
      kind: 'pids-cgroup',
      line: `process limit: pids cgroup (cgroup v${version}, under ${dir}): the kernel refuses a sandbox's forks past the limit`,
    });
    expect(await sandboxAvailable()).toMatchObject({ ok: true, processLimit: { kind: 'pids-cgroup' } });
  });

  it('sweeps a cgroup a crashed process left, killing what was still in it', async () => {
    // In a parent of the test's own, which the sweeps of other processes (team CLIs other tests start) do not look into.
    const parent = path.join(home().dir, `teamboard-tests-${process.pid}`);
    fs.mkdirSync(parent);
    try {
      if (home().version === 2) fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+pids', { flag: 'r+' });
      const dead = await deadProcess();
      const dir = path.join(parent, `teamboard-${namespace()}-${dead.pid}-${dead.start}-1`);
      fs.mkdirSync(dir);
      const left = spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec sleep 600', path.join(dir, 'cgroup.procs')], { stdio: 'ignore' });
      const exited = new Promise((resolve) => left.once('exit', (_code, signal) => resolve(signal)));
      await expect.poll(() => fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim()).toBe(String(left.pid));
      expect(await sweepStaleCgroups(parent)).toBe(1);
      expect(await exited).toBe('SIGKILL');
      expect(fs.existsSync(dir)).toBe(false);
    } finally {
      fs.rmdirSync(parent);
    }
  });

  it('holds a fork bomb at pids.max while the host still forks, and kills and removes it', async () => {
    const cgroup = PidsCgroup.create(home(), 40);
    const [file = '', ...args] = cgroup.wrap(['bash', '-c', ':(){ :|:& };:']);
    spawn(file, args, { stdio: 'ignore', detached: true }).unref();
    await expect.poll(() => cgroup.reading().refused, { timeout: 10_000 }).toBeGreaterThan(0);
    // The bomb is at its limit and trying for more; the host has pids to spare.
    const current = Number(fs.readFileSync(path.join(cgroup.dir, 'pids.current'), 'utf8'));
    const forked = spawnSync('true');
    expect(forked.error).toBeUndefined();
    expect(forked.status).toBe(0);
    expect(current).toBeLessThanOrEqual(40);
    expect(cgroup.reading()).toMatchObject({ max: 40, refused: expect.any(Number) });
    const { peak } = cgroup.reading();
    if (peak !== null) expect(peak).toBe(40);
    cgroup.killAll();
    expect(await cgroup.remove()).toBe(true);
    expect(fs.existsSync(cgroup.dir)).toBe(false);
  }, 30_000);

  it('stops a sandbox whose fork bomb filled its cgroup; the next command works; the cgroups are removed', async () => {
    const ws = path.join(scratch, 'ws');
    fs.mkdirSync(ws);
    const settings = { mode: 'bwrap' as const, limits: { processes: 64 } };
    const run = (command: string) => runCommand({ command, workspace: ws, parentEnv: process.env, settings, timeoutMs: 20_000, keepBytes: 2_000 });

    // A command cannot leave its cgroup, nor raise its limit: the cgroup file system is read-only inside.
    const cgroupDir = home().dir;
    const escape = await run(`cat /proc/self/cgroup; echo $$ > ${cgroupDir}/cgroup.procs; echo 100000 > ${cgroupDir}/${ownerTag()}*/pids.max; echo tried`);
    expect(escape.stdout.text(2_000)).toContain('tried');
    expect(escape.stderr.text(2_000).match(/Read-only file system/g)).toHaveLength(2);
    expect(escape.stdout.text(2_000)).toMatch(new RegExp(`${ownerTag()}\\d+`));

    const host = forkOnTheHost();
    const bomb = await run(':(){ :|:& };:; sleep 5');
    const forks = await host.stop();
    expect(bomb.sandboxEnded).toBe('the sandbox was stopped: its commands tried to run more than 64 processes at once (limit processes)');
    // 64 for the commands and 3 for the sandbox itself (bubblewrap's monitor, its PID 1, the holder).
    expect(bomb.sandboxPids).toMatchObject({ max: 67, refused: expect.any(Number) });
    expect(bomb.sandboxPids?.refused).toBeGreaterThan(0);
    if (bomb.sandboxPids?.peak !== null) expect(bomb.sandboxPids?.peak).toBe(67);
    expect(forks.failed).toEqual([]);
    expect(forks.ok).toBeGreaterThan(0);

    const next = await run('echo alive');
    expect(next).toMatchObject({ exitCode: 0, sandboxRestarted: bomb.sandboxEnded });
    expect(next.stdout.text(100)).toBe('alive\n');
    killAll();
    const mine = () => fs.readdirSync(cgroupDir).filter((name) => name.startsWith(ownerTag()));
    await expect.poll(mine, { timeout: 10_000 }).toEqual([]);
  }, 60_000);
});
