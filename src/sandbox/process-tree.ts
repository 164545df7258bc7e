import fs from 'node:fs';

/** Sends a signal to a process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function signalProcess(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Children of a process (Linux /proc; empty elsewhere or when it is gone). */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tasks) {
    try {
      for (const word of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) {
        if (word.trim() !== '') children.push(Number(word));
      }
    } catch {
      // The thread ended while we looked.
    }
  }
  return children;
}

/** Every process below `pid`, however it detached (new group, new session), as long as its parent lives. */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    for (const child of childrenOf(next)) {
      if (found.includes(child)) continue;
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** A process seen at one moment: its pid and start time, so a pid reused later is never signalled. */
export interface SeenProcess {
  pid: number;
  start: string;
}

/**
 * The processes of a command: every descendant of `rootPid`, including those that started a group or
 * session of their own (`setsid`), as long as they have not been orphaned yet. With `freeze`, each is
 * stopped as it is found so nothing forks while the tree is being collected.
 */
export function snapshotTree(rootPid: number, freeze: boolean): SeenProcess[] {
  const seen = new Map<number, string>();
  for (let round = 0; round < 5; round++) {
    let fresh = 0;
    for (const pid of descendantsOf(rootPid)) {
      if (seen.has(pid)) continue;
      const start = startTimeOf(pid);
      if (start === null) continue;
      if (freeze) signalProcess(pid, 'SIGSTOP');
      seen.set(pid, start);
      fresh++;
    }
    if (fresh === 0 || !freeze) break;
  }
  return [...seen].map(([pid, start]) => ({ pid, start }));
}

/** Signals the processes of a snapshot that are still the same processes. */
export function signalSnapshot(processes: readonly SeenProcess[], signal: NodeJS.Signals): void {
  for (const p of processes) {
    if (startTimeOf(p.pid) === p.start) signalProcess(p.pid, signal);
  }
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  if (!signalProcess(pid, 0)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (null when gone). */
export function startTimeOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
