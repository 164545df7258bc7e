import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { OutputCapture } from './output-capture.js';
import { type SeenProcess, signalGroup, signalSnapshot, snapshotTree } from './process-tree.js';

/** After SIGTERM, how long a stopped command gets before SIGKILL. */
export const KILL_GRACE_MS = 2_000;
/**
 * After the command's own process exits, how long to wait for the end of its output when a background
 * process it started still holds the pipe. What the exited process wrote is already in the pipe.
 */
const OUTPUT_SETTLE_MS = 50;

export type StopReason = 'timeout' | 'abort' | 'output';

export interface SpawnOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of the start and of the end of each stream to keep. */
  keepBytes: number;
  /** Output (both streams) after which the command is killed. */
  outputLimitBytes: number;
  /** Called with the process group id as soon as the command started. */
  onStart?: (pgid: number) => void;
}

export interface SpawnOutcome {
  /** Why the process did not start (then nothing ran). */
  startError?: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: OutputCapture;
  stderr: OutputCapture;
  stopped: StopReason | null;
  /** The process group, when members of it (background processes) are still running. */
  leftGroup: number | null;
}

/**
 * Runs argv in a process group of its own with stdout and stderr on pipes whose start and end are
 * kept in memory, so no amount of output reaches the disk. A timeout, an abort or too much output
 * kills the command's whole process tree. Background processes the command leaves behind keep their
 * pipes: they are drained (and dropped) after the call returns, and closed once they pass the limit.
 */
export function spawnCaptured(argv: readonly string[], options: SpawnOptions): Promise<SpawnOutcome> {
  const [file, ...args] = argv;
  const stdout = new OutputCapture(options.keepBytes);
  const stderr = new OutputCapture(options.keepBytes);
  if (file === undefined) return Promise.resolve(notStarted('empty command line', stdout, stderr));

  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid;
  if (pgid !== undefined) options.onStart?.(pgid);
  let stopped: StopReason | null = null;
  let seen: SeenProcess[] = [];
  let forceKill: NodeJS.Timeout | undefined;
  let returned = false;
  let drainedAfter = 0;

  const finalKill = (): void => {
    clearTimeout(forceKill);
    if (pgid === undefined) return;
    seen = [...seen, ...snapshotTree(pgid, true)];
    signalSnapshot(seen, 'SIGKILL');
    signalGroup(pgid, 'SIGKILL');
  };
  const stop = (why: StopReason): void => {
    if (stopped !== null || pgid === undefined) return;
    stopped = why;
    if (why === 'output') {
      finalKill();
      return;
    }
    // Collect the tree while it is whole: once the command's own process exits, its detached
    // children are orphaned and can no longer be found through it.
    seen = snapshotTree(pgid, false);
    signalGroup(pgid, 'SIGTERM');
    signalSnapshot(seen, 'SIGTERM');
    forceKill = setTimeout(finalKill, KILL_GRACE_MS);
  };

  const onData = (capture: OutputCapture, stream: Readable) => (chunk: Buffer) => {
    if (returned) {
      drainedAfter += chunk.length;
      if (drainedAfter > options.outputLimitBytes) stream.destroy();
      return;
    }
    capture.push(chunk);
    if (stdout.total + stderr.total > options.outputLimitBytes) stop('output');
  };
  const ended = (stream: Readable | null): Promise<void> =>
    new Promise((resolve) => {
      if (!stream) return resolve();
      stream.on('data', onData(stream === child.stdout ? stdout : stderr, stream));
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
  const outputEnded = Promise.all([ended(child.stdout), ended(child.stderr)]);

  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = (): void => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // A stop that came while the sandbox was still starting must stop the command too.
  if (options.signal?.aborted) onAbort();

  return new Promise((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(notStarted(error.message, stdout, stderr));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped !== null) finalKill();
      void Promise.race([outputEnded, delay(OUTPUT_SETTLE_MS)]).then(() => {
        returned = true;
        for (const stream of [child.stdout, child.stderr]) {
          if (stream && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
        }
        const left = pgid !== undefined && stopped === null && signalGroup(pgid, 0) ? pgid : null;
        resolve({ exitCode: code, signal, stdout, stderr, stopped, leftGroup: left });
      });
    });
  });
}

function notStarted(message: string, stdout: OutputCapture, stderr: OutputCapture): SpawnOutcome {
  return { startError: message, exitCode: null, signal: null, stdout, stderr, stopped: null, leftGroup: null };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
