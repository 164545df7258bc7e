import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LIMITS } from './config.js';
import { pidsCgroupSupport } from './pids-cgroup.js';
import { planFor } from './runner.js';
import { SandboxSession } from './session.js';
import { spawnCaptured } from './spawn-captured.js';

export type SandboxCheck = { ok: true; processLimit: ProcessLimit } | { ok: false; reason: string; fix: string };

/**
 * What bounds the number of a sandbox's processes here. A pids cgroup is the kernel's limit for anyone;
 * RLIMIT_NPROC is the kernel's for a non-root user; as root without a cgroup only the watchdog's
 * check every 100 ms stands between a fork bomb and the host's pids.
 */
export interface ProcessLimit {
  kind: 'pids-cgroup' | 'rlimit-nproc' | 'watchdog-only';
  /** One line for a person: which limit is in force and, when it is not the cgroup, why. */
  line: string;
}

const INSTALL_FIX = 'apt-get install bubblewrap';
let cached: Promise<SandboxCheck> | null = null;

/**
 * Whether commands can run in the bubblewrap sandbox here: starts one sandbox and runs `true` in it
 * (once per process). On failure, the reason in one line and what fixes it.
 */
export function sandboxAvailable(): Promise<SandboxCheck> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<SandboxCheck> {
  if (process.platform !== 'linux') {
    return { ok: false, reason: `the sandbox needs Linux (bubblewrap); this is ${process.platform}`, fix: 'run with --no-sandbox' };
  }
  for (const tool of ['bwrap', 'nsenter', 'prlimit', 'nice']) {
    if (onPath(tool)) continue;
    if (tool === 'bwrap') return { ok: false, reason: 'bubblewrap (bwrap) is not installed', fix: INSTALL_FIX };
    return { ok: false, reason: `${tool} (util-linux) is not installed`, fix: 'apt-get install util-linux' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-sandbox-check-'));
  let session: SandboxSession | null = null;
  try {
    session = await SandboxSession.start(planFor(fs.realpathSync(dir), { mode: 'bwrap' }), DEFAULT_LIMITS);
    const outcome = await spawnCaptured(session.enterArgs('true', fs.realpathSync(dir)), {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 10_000,
      keepBytes: 2_000,
      outputLimitBytes: 1_000_000,
    });
    if (outcome.exitCode === 0) return { ok: true, processLimit: processLimit() };
    const detail = outcome.startError ?? (outcome.stderr.text(500).trim() || `exit code ${outcome.exitCode}`);
    return { ok: false, reason: `a command could not enter the sandbox: ${oneLine(detail)}`, fix: namespaceFix(detail) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `bubblewrap cannot start a sandbox: ${oneLine(message)}`, fix: namespaceFix(message) };
  } finally {
    session?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Which process limit this process's sandboxes get (the cgroup check is made once). */
export function processLimit(): ProcessLimit {
  const support = pidsCgroupSupport();
  if (support.ok) {
    const { version, dir } = support.home;
    return { kind: 'pids-cgroup', line: `process limit: pids cgroup (cgroup v${version}, under ${dir}): the kernel refuses a sandbox's forks past the limit` };
  }
  if (process.getuid?.() === 0) {
    return {
      kind: 'watchdog-only',
      line: `process limit: watchdog only (running as root, no writable pids cgroup: ${support.reason}); a fork bomb may take many of the host's pids before it is stopped: run as a non-root user, or where /sys/fs/cgroup is writable`,
    };
  }
  return { kind: 'rlimit-nproc', line: `process limit: RLIMIT_NPROC (no writable pids cgroup: ${support.reason})` };
}

/** User namespaces refused by the kernel or AppArmor need a setting, not a package. */
function namespaceFix(message: string): string {
  if (/namespace|uid map|Operation not permitted|Permission denied/i.test(message)) {
    return 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap), or run with --no-sandbox';
  }
  return INSTALL_FIX;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
