import fs from 'node:fs';

/** How many live (not zombie) processes on this host have exactly this command line. */
export function hostProcesses(argv: string[]): number {
  const wanted = `${argv.join('\0')}\0`;
  return fs.readdirSync('/proc').filter((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      return fs.readFileSync(`/proc/${name}/cmdline`, 'utf8') === wanted && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }).length;
}

/**
 * How many are running once they had a moment to start: a background child may exec after the shell
 * that started it returned. Synchronous (a fake API's responder is), and waits only while none is seen.
 */
export function startedSoon(argv: string[]): number {
  for (let i = 0; i < 200 && hostProcesses(argv) === 0; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  return hostProcesses(argv);
}

/** Whether every such process is gone within about 5 s. */
export async function gone(argv: string[]): Promise<boolean> {
  for (let i = 0; i < 200 && hostProcesses(argv) > 0; i++) await new Promise((r) => setTimeout(r, 25));
  return hostProcesses(argv) === 0;
}
