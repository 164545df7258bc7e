import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { bwrapArgs, type SandboxPlan } from './bwrap-args.js';
import type { SandboxLimits } from './config.js';
import { forgetProcess, recordProcess } from './orphans.js';
import { PidsCgroup, PidsCgroupError, type PidsReading, pidsCgroupSupport } from './pids-cgroup.js';
import { childrenOf, signalProcess, startTimeOf } from './process-tree.js';

/** How often the process count and memory of a sandbox are checked. */
export const WATCHDOG_INTERVAL_MS = 100;
const START_TIMEOUT_MS = 10_000;
const NPROC_HEADROOM = 8;
const MEMORY_EVERY = 5;
export const COMMAND_NICENESS = 10;
/** Processes of a sandbox that are not its commands': bubblewrap's monitor, its PID 1 and the holder. */
const SANDBOX_OWN_PROCESSES = 3;

export class SandboxStartError extends Error {
  override name = 'SandboxStartError';
}

/**
 * One run's sandbox: a bubblewrap process that holds the namespaces (user, mount, PID, network, IPC,
 * UTS) for as long as the run lasts. Every command of the run enters those namespaces with nsenter,
 * so a server one command starts in the background answers on the sandbox's loopback to the next
 * command, and killing the holder ends every process the run's commands started.
 */
export class SandboxSession {
  /** Why the sandbox ended, when it did (a limit, or the holder died). */
  ended: string | null = null;
  /** What the sandbox's pids cgroup said when the kernel's limit ended the sandbox. */
  endedPids: PidsReading | null = null;
  private watchdog: NodeJS.Timeout | undefined;
  private checking = false;
  private ticks = 0;

  private constructor(
    private readonly monitor: ChildProcess,
    /** The sandbox's PID 1 (bubblewrap's reaper), as the host sees it. */
    readonly initPid: number,
    /**
     * The holder (`sleep infinity`, PID 2), as the host sees it: commands enter its namespaces and the
     * watchdog reads the sandbox's /proc through it. It was started inside the sandbox, so its owner
     * may always inspect it; bubblewrap's own processes may turn undumpable, and then only root may.
     */
    readonly holderPid: number,
    readonly limits: SandboxLimits,
    private readonly sharesNetwork: boolean,
    private readonly stateDir: string | undefined,
    /** The kernel's bound on the sandbox's processes, when this process may make cgroups. */
    readonly cgroup: PidsCgroup | null,
  ) {
    monitor.on('error', () => {
      this.ended ??= 'the sandbox ended unexpectedly';
    });
    const initStart = startTimeOf(initPid);
    monitor.once('exit', () => {
      this.ended ??= 'the sandbox ended unexpectedly';
      this.stopWatchdog();
      // Without its monitor the sandbox must not live on, whatever happened to bubblewrap.
      if (startTimeOf(initPid) === initStart) signalProcess(initPid, 'SIGKILL');
      void this.cgroup?.remove();
      if (this.stateDir === undefined) return;
      if (monitor.pid !== undefined) forgetProcess(this.stateDir, monitor.pid);
      forgetProcess(this.stateDir, initPid);
    });
    this.watchdog = setInterval(() => void this.check(), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
  }

  static async start(plan: SandboxPlan, limits: SandboxLimits, stateDir?: string): Promise<SandboxSession> {
    // bwrap reports the sandbox's pid before the sandbox is set up; the holder says `ready` once it
    // runs, which is after every mount is in place. A command entering earlier would see the host.
    const cgroup = cgroupFor(limits);
    const args = ['bwrap', ...bwrapArgs(plan), '--info-fd', '3', '--', '/bin/sh', '-c', 'echo ready && exec sleep infinity'];
    const [file = 'bwrap', ...rest] = cgroup?.wrap(args) ?? args;
    const monitor = spawn(file, rest, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    let initPid: number;
    try {
      initPid = await readInitPid(monitor);
    } catch (error) {
      void cgroup?.remove();
      throw error;
    }
    const holderPid = childrenOf(initPid)[0];
    if (holderPid === undefined) {
      if (monitor.pid !== undefined) signalProcess(monitor.pid, 'SIGKILL');
      void cgroup?.remove();
      throw new SandboxStartError('the sandbox started without its holder process');
    }
    if (stateDir !== undefined) {
      // Both bubblewrap's monitor and the sandbox's PID 1: killing either ends the sandbox.
      for (const pid of [monitor.pid, initPid]) {
        if (pid !== undefined) recordProcess(stateDir, { kind: 'sandbox', id: pid, start: startTimeOf(pid) ?? '', mark: randomUUID() });
      }
    }
    // The sandbox does not keep the process alive; --die-with-parent ends it when the process ends.
    monitor.unref();
    const stderr = monitor.stderr;
    if (stderr) {
      stderr.resume();
      if ('unref' in stderr && typeof stderr.unref === 'function') stderr.unref();
    }
    return new SandboxSession(monitor, initPid, holderPid, limits, plan.network, stateDir, cgroup);
  }

  get alive(): boolean {
    return this.ended === null;
  }

  /** The command line that runs `command` inside the sandbox, in `cwd`, with the per-command limits. */
  enterArgs(command: string, cwd: string): string[] {
    const args = [
      // Below the team process's priority: a busy or runaway command cannot starve the board or the watchdog.
      'nice',
      '-n',
      String(COMMAND_NICENESS),
      'nsenter',
      `--target=${this.holderPid}`,
      '--user',
      '--mount',
      '--pid',
      // A shared network is the host's own namespace: there is nothing to enter (and a non-root user may not).
      ...(this.sharesNetwork ? [] : ['--net']),
      '--ipc',
      '--uts',
      '--preserve-credentials',
      // --wdns changes directory inside the sandbox's mount namespace; --wd would keep a handle on
      // the host's directory tree, from which `cd ..` leads out.
      `--wdns=${cwd}`,
      // No setuid or file capabilities inside: bubblewrap mounts everything nosuid.
      '--',
      ...limitArgs(this.limits, true),
      'bash',
      '-c',
      command,
    ];
    // nsenter's child is a child of this process, not of bubblewrap: it enters the cgroup on its own.
    return this.cgroup?.wrap(args) ?? args;
  }

  /** Ends the sandbox and every process in it. */
  kill(reason = 'the run ended'): void {
    this.ended ??= reason;
    this.stopWatchdog();
    signalProcess(this.initPid, 'SIGKILL');
    signalProcess(this.holderPid, 'SIGKILL');
    if (this.monitor.pid !== undefined) signalProcess(this.monitor.pid, 'SIGKILL');
    if (this.cgroup !== null) {
      // The PID namespace goes with its PID 1; the nsenter of a running command is outside it.
      this.cgroup.killAll();
      void this.cgroup.remove();
    }
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** Kills the whole sandbox when its processes together pass the process or memory limit. */
  private async check(): Promise<void> {
    if (this.checking || !this.alive) return;
    this.checking = true;
    try {
      // A full cgroup refuses forks; the sandbox ends then rather than leave a fork bomb spinning at the limit.
      if (this.cgroup !== null && (await this.cgroup.refused()) > 0 && this.alive) {
        this.endedPids = this.cgroup.reading();
        this.kill(`the sandbox was stopped: its commands tried to run more than ${this.limits.processes} processes at once (limit processes)`);
        return;
      }
      const pids = await sandboxPids(this.holderPid);
      // RLIMIT_NPROC keeps a non-root sandbox at the limit (forks fail there); root is exempt from it.
      // Either way, reaching the limit ends the sandbox rather than leave a fork bomb spinning.
      // Within a cgroup the count cannot reach pids.max: only processes that left the cgroup could.
      if (pids.length >= (this.cgroup?.max ?? this.limits.processes)) {
        this.kill(`the sandbox was stopped: its commands reached ${this.limits.processes} processes at once (limit processes)`);
        return;
      }
      // Memory costs a read per process: every MEMORY_EVERY-th check, and never while the count races up.
      if (++this.ticks % MEMORY_EVERY !== 0 || pids.length > this.limits.processes / 2) return;
      const rssKb = await residentKb(this.holderPid, pids);
      if (rssKb > this.limits.memoryMb * 1024) {
        this.kill(`the sandbox was stopped: its processes used more than ${this.limits.memoryMb} MiB of memory together (limit memoryMb)`);
      }
    } finally {
      this.checking = false;
    }
  }
}

/**
 * A pids cgroup for a new sandbox, where this process may make one: room for the sandbox's own
 * processes and `limits.processes` for its commands (each command's nsenter among them).
 */
function cgroupFor(limits: SandboxLimits): PidsCgroup | null {
  const support = pidsCgroupSupport();
  if (!support.ok) return null;
  try {
    return PidsCgroup.create(support.home, limits.processes + SANDBOX_OWN_PROCESSES);
  } catch (error) {
    // The watchdog (and RLIMIT_NPROC for a non-root user) still bound the sandbox.
    if (error instanceof PidsCgroupError) return null;
    throw error;
  }
}

/** Resource limits for one command, as a prlimit prefix. */
export function limitArgs(limits: SandboxLimits, sandboxed: boolean): string[] {
  return [
    'prlimit',
    `--fsize=${limits.fileSizeMb * 1024 * 1024}`,
    '--core=0',
    // Inside the sandbox's user namespace RLIMIT_NPROC counts only the sandbox's processes; outside it
    // would count every process of the user, so unsandboxed commands do not get it.
    // A little above the watchdog's threshold, so the watchdog sees the limit reached and ends the sandbox.
    ...(sandboxed ? [`--nproc=${limits.processes + NPROC_HEADROOM}`] : []),
    '--',
  ];
}

/** PIDs in the sandbox's PID namespace, read from its own /proc. */
async function sandboxPids(holderPid: number): Promise<string[]> {
  try {
    return (await fs.readdir(`/proc/${holderPid}/root/proc`)).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

async function residentKb(holderPid: number, pids: string[]): Promise<number> {
  const sizes = await Promise.all(
    pids.map(async (pid) => {
      try {
        const status = await fs.readFile(`/proc/${holderPid}/root/proc/${pid}/status`, 'utf8');
        return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      } catch {
        return 0; // The process ended while we looked.
      }
    }),
  );
  return sizes.reduce((sum, kb) => sum + kb, 0);
}

function readInitPid(monitor: ChildProcess): Promise<number> {
  const info = monitor.stdio[3];
  const { stdout, stderr } = monitor;
  return new Promise((resolve, reject) => {
    let infoText = '';
    let outText = '';
    let errors = '';
    const fail = (message: string): void => {
      clearTimeout(timer);
      if (monitor.pid !== undefined) signalProcess(monitor.pid, 'SIGKILL');
      reject(new SandboxStartError(message));
    };
    const timer = setTimeout(() => fail(`bubblewrap did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const settle = (): void => {
      const match = /"child-pid"\s*:\s*(\d+)/.exec(infoText);
      if (!match || !outText.includes('ready')) return;
      clearTimeout(timer);
      monitor.removeAllListeners('exit');
      monitor.removeAllListeners('error');
      if (isReadable(info)) info.destroy();
      stdout?.destroy();
      resolve(Number(match[1]));
    };
    stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    monitor.once('error', (error) => fail(error.message));
    monitor.once('exit', (code) => fail(`bubblewrap exited (code ${code}) before the sandbox was ready: ${errors.trim() || 'no message'}`));
    if (!isReadable(info) || !stdout) {
      fail('bubblewrap has no info pipe');
      return;
    }
    info.on('data', (chunk: Buffer) => {
      infoText += chunk.toString('utf8');
      settle();
    });
    stdout.on('data', (chunk: Buffer) => {
      outText += chunk.toString('utf8');
      settle();
    });
  });
}

function isReadable(stream: unknown): stream is Readable {
  return typeof stream === 'object' && stream !== null && 'on' in stream && 'destroy' in stream;
}
