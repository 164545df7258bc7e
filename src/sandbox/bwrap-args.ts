import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Places under the user's home that hold credentials. Hidden (an empty folder or an empty file in
 * their place) in every sandbox; the team file can add more with `sandbox.paths.hide`.
 */
export const HIDDEN_HOME_PATHS: readonly string[] = [
  '.ssh',
  '.aws',
  '.config',
  '.netrc',
  '.docker',
  '.kube',
  '.gnupg',
  '.azure',
  '.npmrc',
  '.yarnrc',
  '.pypirc',
  '.git-credentials',
  '.pgpass',
  '.my.cnf',
  '.password-store',
  '.vault-token',
  '.terraform.d',
  '.local/share/keyrings',
  '.cache/huggingface',
  '.bash_history',
  '.zsh_history',
  '.python_history',
  '.node_repl_history',
  '.psql_history',
  '.mysql_history',
  '.sqlite_history',
  '.claude',
  '.claude.json',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.m2/settings.xml',
  '.gradle/gradle.properties',
  '.nuget/NuGet/NuGet.Config',
  '.boto',
  '.s3cfg',
  '.databrickscfg',
  '.kaggle',
  '.ipython',
];

/** Host folders replaced by empty, read-only ones: other users' and the desktop's sockets (/run/user/<uid>, docker.sock, ...). */
const HIDDEN_SYSTEM_DIRS: readonly string[] = ['/run'];

/** The device nodes a command may use; no /dev/pts, so no terminal can be opened. */
const DEVICES: readonly string[] = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'];

export interface SandboxPlan {
  /** Real path of the run's workspace: writable, at the same path as outside. */
  workspace: string;
  /** Home whose secrets are hidden. */
  home: string;
  /** Team home (board database, other runs): hidden, except the workspace. */
  teamHome?: string;
  network: boolean;
  read: readonly string[];
  write: readonly string[];
  hide: readonly string[];
  tmpSizeMb: number;
  /**
   * No user namespaces of their own for commands: inside one a command is root over its own mounts,
   * which the kernel's namespace code has too often let out. bubblewrap (0.8 and later) does it by
   * nesting a user namespace, which only a root caller's nsenter can enter with the others.
   */
  disableUserns: boolean;
  /** User and group the commands have inside: never 0, so they hold no capabilities. */
  uid: number;
  gid: number;
}

/** The command's home inside the sandbox (in the private /tmp, so it lives as long as the run's sandbox). */
export const SANDBOX_HOME = '/tmp/home';
export const SANDBOX_TMP = '/tmp';

/**
 * bubblewrap arguments for a run's sandbox: the host file system read-only, secrets hidden, a private
 * /tmp, the workspace writable, new user, PID, IPC and UTS namespaces and (unless allowed) a network
 * namespace of its own. Followed by the command that keeps the sandbox alive.
 */
export function bwrapArgs(plan: SandboxPlan): string[] {
  const args = [
    '--unshare-user',
    '--uid',
    String(plan.uid),
    '--gid',
    String(plan.gid),
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    'sandbox',
    '--unshare-cgroup-try',
    ...(plan.disableUserns ? ['--disable-userns'] : []),
    ...(plan.network ? [] : ['--unshare-net']),
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/local/bin:/usr/bin:/bin',
    '--ro-bind',
    '/',
    '/',
    // A /dev of our own without devpts: bwrap's --dev mounts devpts, which makes it nest a second
    // user namespace that later commands could not join.
    '--tmpfs',
    '/dev',
    ...DEVICES.flatMap((dev) => (fs.existsSync(dev) ? ['--dev-bind', dev, dev] : [])),
    '--symlink',
    '/proc/self/fd',
    '/dev/fd',
    '--symlink',
    '/proc/self/fd/0',
    '/dev/stdin',
    '--symlink',
    '/proc/self/fd/1',
    '/dev/stdout',
    '--symlink',
    '/proc/self/fd/2',
    '/dev/stderr',
    '--size',
    String(plan.tmpSizeMb * 1024 * 1024),
    '--tmpfs',
    '/dev/shm',
    '--proc',
    '/proc',
    '--perms',
    '1777',
    '--size',
    String(plan.tmpSizeMb * 1024 * 1024),
    '--tmpfs',
    SANDBOX_TMP,
    '--dir',
    SANDBOX_HOME,
  ];
  // Covered places are empty tmpfs mounts, made read-only once everything is bound into them.
  const readOnly: string[] = [];
  const hidden: string[] = [SANDBOX_TMP];
  if (isDirectory('/var/tmp')) {
    args.push('--size', String(plan.tmpSizeMb * 1024 * 1024), '--tmpfs', '/var/tmp');
    hidden.push('/var/tmp');
  }
  for (const dir of HIDDEN_SYSTEM_DIRS) {
    if (!isDirectory(dir)) continue;
    args.push('--tmpfs', dir);
    hidden.push(dir);
    readOnly.push(dir);
  }
  if (plan.network) {
    // /etc/resolv.conf often points into /run (systemd-resolved): keep the name server reachable.
    const resolver = realOrNull('/etc/resolv.conf');
    if (resolver !== null && isUnder('/run', resolver)) args.push('--ro-bind', resolver, resolver);
  }
  const hides = [
    ...homesOf(plan.home).flatMap((home) => HIDDEN_HOME_PATHS.map((rel) => path.join(home, rel))),
    ...(plan.teamHome !== undefined ? [plan.teamHome] : []),
    ...plan.hide,
  ];
  // Hidden places inside the workspace are covered after the workspace is bound, the others before.
  const inWorkspace: string[] = [];
  // A place under a covered folder (a project under /tmp) is hidden already, unless a bind below
  // brings it back: the workspace, or a folder the team file lets commands read or write.
  const boundLater = [plan.workspace, ...plan.read, ...plan.write].flatMap((p) => realOrNull(p) ?? []);
  for (const target of hides) {
    const real = realOrNull(target);
    if (real === null || real === '/') continue;
    const covered = hidden.some((dir) => isUnder(dir, real)) && !boundLater.some((bound) => isUnder(bound, real) || isUnder(real, bound));
    if (covered) continue;
    hidden.push(real);
    if (isDirectory(real)) readOnly.push(real);
    if (isUnder(plan.workspace, real)) inWorkspace.push(...hideArgs(real));
    else args.push(...hideArgs(real));
  }
  for (const p of plan.read) {
    const real = realOrNull(p);
    if (real !== null) args.push('--ro-bind', real, real);
  }
  for (const p of plan.write) {
    const real = realOrNull(p);
    if (real !== null) args.push('--bind', real, real);
  }
  args.push('--bind', plan.workspace, plan.workspace, ...inWorkspace);
  for (const dir of readOnly) args.push('--remount-ro', dir);
  args.push('--chdir', plan.workspace);
  return args;
}

let bwrapHelp: string | null = null;

/** Whether this process's sandboxes can shut user namespaces off (see SandboxPlan.disableUserns). */
export function canDisableUserns(): boolean {
  return process.getuid?.() === 0 && bwrapOffers('--disable-userns');
}

/** Whether the installed bubblewrap has an option (its help lists it); asked once per process. */
export function bwrapOffers(option: string): boolean {
  bwrapHelp ??= spawnSync('bwrap', ['--help'], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';
  return new RegExp(`^\\s*${option}\\b`, 'm').test(bwrapHelp);
}

function hideArgs(real: string): string[] {
  return isDirectory(real) ? ['--perms', '0700', '--tmpfs', real] : ['--ro-bind', '/dev/null', real];
}

/** The sandbox's uid/gid: the caller's own, or 1000 when the caller is root (root inside would keep capabilities). */
export function sandboxIds(): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  return { uid: uid === 0 ? 1000 : uid, gid: gid === 0 ? 1000 : gid };
}

/** The given home and, when $HOME was pointed elsewhere, the user's home from the password database. */
function homesOf(home: string): string[] {
  let own: string | null = null;
  try {
    own = os.userInfo().homedir;
  } catch {
    // No password entry for this uid (some containers).
  }
  return own !== null && own !== home ? [home, own] : [home];
}

export function isUnder(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
