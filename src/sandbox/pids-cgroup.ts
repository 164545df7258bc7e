import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signalProcess, startTimeOf } from './process-tree.js';

/**
 * A pids cgroup per sandbox: the kernel refuses a fork past `pids.max`, whoever runs teamboard (root
 * is exempt from RLIMIT_NPROC, not from a cgroup). Used when this process may create cgroups: a
 * writable cgroup v1 pids hierarchy (root, usually), or a cgroup v2 folder with the pids controller
 * that may be enabled for its children (root, or a subtree systemd delegated to the user).
 */

/** Names of the sandboxes' cgroups: `teamboard-<pid namespace>-<owner pid>-<owner start time>-<n>`. */
export const CGROUP_PREFIX = 'teamboard-';

/** Where this process creates its sandboxes' cgroups. */
export interface PidsCgroupHome {
  version: 1 | 2;
  /** The cgroup folder the sandboxes' cgroups are made in: this process's own cgroup. */
  dir: string;
}

export type PidsCgroupSupport = { ok: true; home: PidsCgroupHome } | { ok: false; reason: string };

/** What a sandbox's cgroup says: its limit, the most processes it held, and how many forks the kernel refused. */
export interface PidsReading {
  max: number;
  /** null where the kernel has no pids.peak (before Linux 6.1 on cgroup v1). */
  peak: number | null;
  refused: number;
}

export class PidsCgroupError extends Error {
  override name = 'PidsCgroupError';
}

/** The text of /proc/self/mountinfo and /proc/self/cgroup, from which the candidate folders are found. */
export interface CgroupSources {
  mountinfo: string;
  selfCgroup: string;
}

/**
 * This process's own cgroup folder in each mounted hierarchy that can hold a pids limit: cgroup v2
 * first (the pids controller must still be checked in its cgroup.controllers), then cgroup v1's pids
 * hierarchy. Mounts that do not show this process's cgroup (another cgroup namespace's root) are skipped.
 */
export function pidsCgroupCandidates(sources: CgroupSources): PidsCgroupHome[] {
  const own = new Map<string, string>();
  for (const line of sources.selfCgroup.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers = '', cgroupPath = ''] = match;
    if (controllers === '') own.set('v2', cgroupPath);
    else if (controllers.split(',').includes('pids')) own.set('pids', cgroupPath);
  }
  const found: PidsCgroupHome[] = [];
  for (const line of sources.mountinfo.split('\n')) {
    const mount = parseMount(line);
    if (mount === null) continue;
    const version = mount.fstype === 'cgroup2' ? 2 : mount.fstype === 'cgroup' && mount.superOptions.split(',').includes('pids') ? 1 : null;
    if (version === null) continue;
    const cgroupPath = own.get(version === 2 ? 'v2' : 'pids');
    if (cgroupPath === undefined) continue;
    const rel = path.posix.relative(mount.root, cgroupPath);
    if (rel.startsWith('..') || path.posix.isAbsolute(rel)) continue;
    const dir = path.posix.join(mount.mountPoint, rel);
    if (!found.some((f) => f.dir === dir)) found.push({ version, dir });
  }
  return found.sort((a, b) => b.version - a.version);
}

interface Mount {
  root: string;
  mountPoint: string;
  fstype: string;
  superOptions: string;
}

/** One line of /proc/self/mountinfo: `id parent major:minor root mount-point options [optional...] - fstype source super-options`. */
function parseMount(line: string): Mount | null {
  const fields = line.trim().split(' ');
  const dash = fields.indexOf('-');
  if (dash < 6 || fields.length < dash + 4) return null;
  const [root, mountPoint] = [fields[3], fields[4]];
  const [fstype, superOptions] = [fields[dash + 1], fields[dash + 3]];
  if (root === undefined || mountPoint === undefined || fstype === undefined || superOptions === undefined) return null;
  return { root: unescapeMount(root), mountPoint: unescapeMount(mountPoint), fstype, superOptions };
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

let support: PidsCgroupSupport | null = null;

/**
 * Whether this process can give its sandboxes a pids cgroup, found once (a few small reads, one test
 * cgroup made and removed, one `sh` moved into it). The first call also removes the cgroups that
 * processes which have ended left behind.
 */
export function pidsCgroupSupport(): PidsCgroupSupport {
  if (support !== null) return support;
  support = detectPidsCgroup();
  if (support.ok) void sweepStaleCgroups(support.home.dir).catch(() => undefined);
  return support;
}

function detectPidsCgroup(): PidsCgroupSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `cgroups are Linux's; this is ${process.platform}` };
  let sources: CgroupSources;
  try {
    sources = { mountinfo: fs.readFileSync('/proc/self/mountinfo', 'utf8'), selfCgroup: fs.readFileSync('/proc/self/cgroup', 'utf8') };
  } catch {
    return { ok: false, reason: 'no /proc/self/mountinfo or /proc/self/cgroup' };
  }
  const candidates = pidsCgroupCandidates(sources);
  if (candidates.length === 0) return { ok: false, reason: 'no pids cgroup hierarchy is mounted' };
  const reasons: string[] = [];
  for (const home of candidates) {
    const problem = probeHome(home);
    if (problem === null) return { ok: true, home };
    reasons.push(problem);
  }
  return { ok: false, reason: reasons.join('; ') };
}

/**
 * Null when sandboxes' cgroups can be made in `home` and a process moved into one; else why not.
 * Exported for the tests, which also point it at folders that are not cgroups.
 */
export function probeHome(home: PidsCgroupHome): string | null {
  if (home.version === 2) {
    const problem = enablePidsController(home.dir);
    if (problem !== null) return problem;
  }
  const dir = path.join(home.dir, `${ownerTag()}probe`);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) return `${home.dir} is not writable (${codeOf(error)})`;
  }
  try {
    if (!fs.existsSync(path.join(dir, 'pids.max'))) return `${home.dir} gives its children no pids.max`;
    writeControl(path.join(dir, 'pids.max'), '64');
    // Moving a process in needs more than making the folder (cgroup v2: the common ancestor's cgroup.procs).
    const moved = spawnSync('/bin/sh', ['-c', 'echo $$ > "$0"', path.join(dir, 'cgroup.procs')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
    if (moved.status !== 0) return `a process cannot be moved into a cgroup under ${home.dir} (${oneLine(moved.stderr?.toString() ?? '') || `exit ${moved.status}`})`;
    return null;
  } catch (error) {
    return `${home.dir} cannot hold a pids limit (${codeOf(error)})`;
  } finally {
    removeQuietly(dir);
  }
}

/** cgroup v2 gives a child the pids controller only when the parent lists it in cgroup.subtree_control. */
function enablePidsController(dir: string): string | null {
  const control = path.join(dir, 'cgroup.subtree_control');
  try {
    if (!words(path.join(dir, 'cgroup.controllers')).includes('pids')) return `the pids controller is not available in ${dir}`;
    if (words(control).includes('pids')) return null;
    writeControl(control, '+pids');
    return null;
  } catch (error) {
    // EBUSY: this process's own cgroup holds processes, so (outside the root) it may not pass controllers down.
    return `the pids controller cannot be enabled for the children of ${dir} (${codeOf(error)})`;
  }
}

let made = 0;
/** This process's cgroups not removed yet: at exit, what is still in them is killed and they are removed. */
const live = new Set<PidsCgroup>();
/** How long the exit of this process may wait for its sandboxes' last processes to go. */
const EXIT_WAIT_MS = 1_000;

/** The cgroup of one sandbox: made before the sandbox starts, removed once its processes are gone. */
export class PidsCgroup {
  private removal: Promise<boolean> | null = null;

  private constructor(
    readonly dir: string,
    readonly max: number,
  ) {}

  /** Makes a cgroup in `home` whose processes may not together pass `max`. */
  static create(home: PidsCgroupHome, max: number): PidsCgroup {
    const dir = path.join(home.dir, `${ownerTag()}${++made}`);
    try {
      fs.mkdirSync(dir);
      writeControl(path.join(dir, 'pids.max'), String(max));
    } catch (error) {
      removeQuietly(dir);
      throw new PidsCgroupError(`could not make the pids cgroup ${dir}: ${codeOf(error)}`);
    }
    const cgroup = new PidsCgroup(dir, max);
    if (live.size === 0) process.once('exit', removeAllAtExit);
    live.add(cgroup);
    return cgroup;
  }

  /**
   * Runs `argv` in this cgroup: a shell writes its own pid to cgroup.procs and then becomes the
   * command, so the command is inside before it can fork. Moving a child in after it was spawned
   * would race with its first fork.
   */
  wrap(argv: readonly string[]): string[] {
    return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', path.join(this.dir, 'cgroup.procs'), ...argv];
  }

  /** How many forks the kernel refused because the cgroup was full. */
  async refused(): Promise<number> {
    try {
      return maxEvents(await fs.promises.readFile(path.join(this.dir, 'pids.events'), 'utf8'));
    } catch {
      return 0;
    }
  }

  reading(): PidsReading {
    const peak = readNumber(path.join(this.dir, 'pids.peak'));
    let refused = 0;
    try {
      refused = maxEvents(fs.readFileSync(path.join(this.dir, 'pids.events'), 'utf8'));
    } catch {
      // Removed already.
    }
    return { max: this.max, peak, refused };
  }

  /** Kills every process in the cgroup (cgroup v2's cgroup.kill where there is one, else each member). */
  killAll(): void {
    killMembers(this.dir);
  }

  /** Removes the cgroup once its last process has ended (waits up to `timeoutMs`; a later sweep takes what is left). */
  remove(timeoutMs = 10_000): Promise<boolean> {
    this.removal ??= removeWhenEmpty(this.dir, timeoutMs).then((removed) => {
      if (removed) this.forget();
      return removed;
    });
    return this.removal;
  }

  forget(): void {
    live.delete(this);
    if (live.size === 0) process.removeListener('exit', removeAllAtExit);
  }
}

/**
 * At exit, the sandboxes would die with this process (--die-with-parent) and leave empty cgroups for
 * the next process's sweep: kill what is in them now and remove them, waiting a moment for the kernel.
 */
function removeAllAtExit(): void {
  const until = Date.now() + EXIT_WAIT_MS;
  for (const cgroup of live) killMembers(cgroup.dir);
  for (const cgroup of live) {
    while (!tryRemove(cgroup.dir) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  live.clear();
}

/** cgroup v2's cgroup.kill where there is one (it catches processes forked meanwhile), else each member, until none is left. */
function killMembers(dir: string): void {
  try {
    writeControl(path.join(dir, 'cgroup.kill'), '1');
    return;
  } catch {
    // cgroup v1, or a kernel before 5.14.
  }
  // A member may fork between the read and the kill: read again until no new member shows up
  // (killed ones stay listed until the kernel has finished them).
  const signalled = new Set<number>();
  for (let round = 0; round < 20; round++) {
    const fresh = membersOf(dir).filter((pid) => !signalled.has(pid));
    if (fresh.length === 0) return;
    for (const pid of fresh) {
      signalProcess(pid, 'SIGKILL');
      signalled.add(pid);
    }
  }
}

/**
 * Removes the sandboxes' cgroups in `homeDir` that a process which has ended left behind (crashed, or
 * killed with -9), killing what is still in them. Cgroups of live processes, and of processes in
 * another PID namespace (whose pids mean nothing here), are left alone. Returns how many were removed.
 */
export async function sweepStaleCgroups(homeDir: string): Promise<number> {
  let names: string[];
  try {
    names = fs.readdirSync(homeDir);
  } catch {
    return 0;
  }
  const namespace = pidNamespace();
  const stale = names.filter((name) => {
    const owner = ownerOf(name);
    return owner !== null && owner.namespace === namespace && startTimeOf(owner.pid) !== owner.start;
  });
  const removed = await Promise.all(
    stale.map((name) => {
      const dir = path.join(homeDir, name);
      killMembers(dir);
      return removeWhenEmpty(dir, 2_000);
    }),
  );
  return removed.filter(Boolean).length;
}

/** The owner written in a sandbox cgroup's name, or null for a folder that is not one. */
export function ownerOf(name: string): { namespace: string; pid: number; start: string } | null {
  const match = new RegExp(`^${CGROUP_PREFIX}(\\d+)-(\\d+)-(\\d+)-(?:\\d+|probe)$`).exec(name);
  if (!match) return null;
  const [, namespace = '', pid = '', start = ''] = match;
  return { namespace, pid: Number(pid), start };
}

/** `teamboard-<pid namespace>-<pid>-<start time>-`: what makes a cgroup's name this process's. */
export function ownerTag(): string {
  return `${CGROUP_PREFIX}${pidNamespace()}-${process.pid}-${startTimeOf(process.pid) ?? '0'}-`;
}

let namespaceId: string | null = null;

function pidNamespace(): string {
  if (namespaceId !== null) return namespaceId;
  try {
    namespaceId = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  } catch {
    namespaceId = '0';
  }
  return namespaceId;
}

async function removeWhenEmpty(dir: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!tryRemove(dir)) {
    if (Date.now() >= until) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, 25).unref());
  }
  return true;
}

/** True once the folder is gone; false while processes are still in it (EBUSY) or it cannot be removed. */
function tryRemove(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    return isCode(error, 'ENOENT');
  }
}

/** Writes a cgroup's control file; never creates one (a folder that is not a cgroup gets no stray file). */
function writeControl(file: string, value: string): void {
  fs.writeFileSync(file, value, { flag: 'r+' });
}

function removeQuietly(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Gone already, or busy: a later sweep removes it.
  }
}

function membersOf(dir: string): number[] {
  try {
    return fs
      .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
  } catch {
    return [];
  }
}

/** The `max` line of pids.events: forks refused because the cgroup was at pids.max. */
function maxEvents(text: string): number {
  return Number(/^max (\d+)$/m.exec(text)?.[1] ?? 0);
}

function readNumber(file: string): number | null {
  try {
    const value = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function words(file: string): string[] {
  return fs.readFileSync(file, 'utf8').trim().split(/\s+/);
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function codeOf(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
