import { Worker } from 'node:worker_threads';

/** Matching lines of one text: how many, and the first ones with their 1-based line numbers. */
export interface LineMatches {
  count: number;
  lines: [number, string][];
}

export class RegexTimeoutError extends Error {
  override name = 'RegexTimeoutError';
}

/**
 * The worker's program, plain JavaScript run with `eval` so it works from the TypeScript sources
 * (tests) and from dist alike. It compiles the pattern once and matches texts line by line.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const regex = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', (job) => {
  const lines = job.text.split(/\\r?\\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let count = 0;
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!regex.test(lines[i])) continue;
    count++;
    if (found.length < job.keep) found.push([i + 1, lines[i]]);
  }
  parentPort.postMessage({ count, lines: found });
});
`;

/**
 * A regular expression matched off the main thread: a pattern that backtracks catastrophically
 * (`^(a+)+$`) cannot block the process. Each `match` has a time limit; past it the worker is
 * terminated and the call fails with RegexTimeoutError.
 */
export class RegexWorker {
  private readonly worker: Worker;
  private closed = false;

  /** `source` and `flags` must already be a valid RegExp (compile it on the main thread first to report errors). */
  constructor(source: string, flags: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source, flags } });
    this.worker.unref();
  }

  match(text: string, keep: number, timeLimitMs: number, signal?: AbortSignal): Promise<LineMatches> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (result: LineMatches): void => {
        cleanup();
        resolve(result);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onAbort = (): void => {
        cleanup();
        this.close();
        reject(new RegexTimeoutError('the search was interrupted'));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.close();
        reject(new RegexTimeoutError(`matching took more than ${timeLimitMs} ms`));
      }, timeLimitMs);
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ text, keep });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker.terminate();
  }
}
