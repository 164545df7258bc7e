import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type PidsCgroupSupport, pidsCgroupSupport } from '../../src/sandbox/pids-cgroup.js';

/**
 * Whether this machine must give sandboxes a pids cgroup: running as root with a pids hierarchy
 * mounted read-write (cgroup v1's pids, or cgroup v2 with the pids controller). There a test of the
 * cgroup fails instead of skipping: CI runs as root on such a machine, and a skip would hide a bug.
 */
export function pidsCgroupExpected(): boolean {
  if (process.getuid?.() !== 0) return false;
  let mountinfo: string;
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false;
  }
  return mountinfo.split('\n').some((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || !(fields[5] ?? '').split(',').includes('rw')) return false;
    const [type, superOptions] = [fields[dash + 1], fields[dash + 3] ?? ''];
    if (type === 'cgroup') return superOptions.split(',').includes('pids');
    if (type !== 'cgroup2') return false;
    try {
      return fs.readFileSync(path.join(fields[4] ?? '/', 'cgroup.controllers'), 'utf8').split(/\s+/).includes('pids');
    } catch {
      return false;
    }
  });
}

/**
 * The pids cgroup support of this process, said loudly when it is missing: which branch of a test
 * is skipped, and why. Where the cgroup is expected, a missing one is an error the caller asserts.
 */
export function pidsCgroupForTests(what: string): { support: PidsCgroupSupport; expected: boolean } {
  const support = pidsCgroupSupport();
  const expected = pidsCgroupExpected();
  if (!support.ok && !expected) {
    console.warn(`SKIPPING ${what} with a pids cgroup: none is writable here (${support.reason}); only the watchdog and RLIMIT_NPROC are tested`);
  }
  return { support, expected };
}

/** What a bystander saw while it forked `true` again and again. */
export interface HostForks {
  ok: number;
  /** The errors of the forks that failed (EAGAIN when the host's pids ran out). */
  failed: string[];
}

/**
 * A bystander on the host: forks `true` every few milliseconds until stopped, as an unrelated
 * shell of the machine would. With the sandbox's processes bounded, none of its forks fails.
 */
export function forkOnTheHost(): { stop: () => Promise<HostForks> } {
  const seen: HostForks = { ok: 0, failed: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const child = spawn('true', { stdio: 'ignore' });
        child.once('error', (error) => {
          seen.failed.push(error.message);
          resolve();
        });
        child.once('exit', (code) => {
          if (code === 0) seen.ok++;
          else seen.failed.push(`exit ${code}`);
          resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return seen;
    },
  };
}
