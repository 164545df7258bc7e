import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import type { WorkerReport } from './claim-worker.js';

export type { WorkerReport };

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKER = path.join(REPO_ROOT, 'test', 'helpers', 'claim-worker.ts');
/** A worker that takes tasks with claimNext, as a member's loop does. */
export const CLAIM_NEXT_WORKER = path.join(REPO_ROOT, 'test', 'helpers', 'claim-next-worker.ts');

export interface WorkerOutcome {
  name: string;
  exitCode: number | undefined;
  stderr: string;
  report: WorkerReport | undefined;
}

/** Bundled workers live under node_modules, so that the packages they import resolve as from the repo. */
const BUNDLES = path.join(REPO_ROOT, 'node_modules', '.cache', 'teamboard-test-workers');
const bundles = new Map<string, Promise<string>>();

/**
 * The worker script and the sources it imports as one ES module, which plain node runs. Under tsx
 * each worker process resolved and compiled the board's sources through a loader thread: more CPU
 * than its share of a 2,000-task race, times every process. Named by its content, made once per
 * test process.
 */
function bundled(worker: string): Promise<string> {
  let made = bundles.get(worker);
  if (!made) {
    made = (async () => {
      const result = await build({
        entryPoints: [worker],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Packages too: node resolved and loaded pg's and drizzle's hundred-odd modules one by one in
        // every process. better-sqlite3 finds its native addon from its own folder, and pg-native is
        // optional (pg asks for it only when told to).
        external: ['better-sqlite3', 'pg-native'],
        // Bundled CommonJS packages (pg) call require(); an ES module has none of its own.
        banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
        logLevel: 'warning',
      });
      const text = result.outputFiles[0]?.text;
      if (text === undefined) throw new Error(`esbuild made nothing of ${worker}`);
      const file = path.join(BUNDLES, `${path.basename(worker, '.ts')}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
      if (fs.existsSync(file)) return file;
      fs.mkdirSync(BUNDLES, { recursive: true });
      // Several test processes may bundle at once: each writes its own file and renames it into place.
      const partial = `${file}.${process.pid}`;
      fs.writeFileSync(partial, text);
      fs.renameSync(partial, file);
      return file;
    })();
    bundles.set(worker, made);
  }
  return made;
}

/**
 * Run claim workers (test/helpers/claim-worker.ts) as separate node processes on one board file.
 * Each opens the board and reports ready; they are released together so their claims race.
 */
export async function runClaimWorkers(file: string, runId: number, names: string[], worker = WORKER, timeoutMs = 120_000): Promise<WorkerOutcome[]> {
  // Beside a board file; in the temp folder for a PostgreSQL board.
  const goFile = /^postgres(ql)?:\/\//i.test(file) ? path.join(os.tmpdir(), `teamboard-go-${process.pid}-${Date.now()}`) : `${file}.go`;
  fs.rmSync(goFile, { force: true });
  const script = await bundled(worker);
  const children = names.map((name) => ({
    name,
    child: execa(process.execPath, [script, file, String(runId), name, goFile], { cwd: REPO_ROOT, reject: false, timeout: timeoutMs }),
  }));
  const ready = () => names.every((name) => fs.existsSync(`${goFile}.${name}.ready`));
  // One worker that dies before it is ready ends the wait: the others start, and its exit code and
  // stderr fail the test at once, instead of everyone waiting for the go file until the time limit.
  let exited = false;
  for (const { child } of children) void child.then(() => (exited = true));
  while (!ready() && !exited) await new Promise((resolve) => setTimeout(resolve, 5));
  fs.writeFileSync(goFile, '');
  const outcomes = await Promise.all(
    children.map(async ({ name, child }) => {
      const result = await child;
      let report: WorkerReport | undefined;
      try {
        report = JSON.parse(result.stdout) as WorkerReport;
      } catch {
        report = undefined;
      }
      return { name, exitCode: result.exitCode, stderr: result.stderr, report };
    }),
  );
  for (const name of names) fs.rmSync(`${goFile}.${name}.ready`, { force: true });
  fs.rmSync(goFile, { force: true });
  return outcomes;
}
