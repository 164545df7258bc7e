import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Run claim workers (test/helpers/claim-worker.ts) as separate node processes on one board file.
 * Each opens the board and reports ready; they are released together so their claims race.
 */
export async function runClaimWorkers(file: string, runId: number, names: string[], worker = WORKER, timeoutMs = 120_000): Promise<WorkerOutcome[]> {
  // Beside a board file; in the temp folder for a PostgreSQL board.
  const goFile = /^postgres(ql)?:\/\//i.test(file) ? path.join(os.tmpdir(), `teamboard-go-${process.pid}-${Date.now()}`) : `${file}.go`;
  fs.rmSync(goFile, { force: true });
  const children = names.map((name) => ({
    name,
    child: execa(process.execPath, ['--import', 'tsx', worker, file, String(runId), name, goFile], { cwd: REPO_ROOT, reject: false, timeout: timeoutMs }),
  }));
  const ready = () => names.every((name) => fs.existsSync(`${goFile}.${name}.ready`));
  let exited = false;
  void Promise.all(children.map((c) => c.child)).then(() => (exited = true));
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
