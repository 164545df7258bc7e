/**
 * A child process that works a board like a greedy agent: list, claim every open task it can,
 * complete what it claimed, repeat until nothing is left. Used by the multi-process race test
 * and the board benchmark.
 *
 *   node --import tsx test/helpers/claim-worker.ts <db file> <run id> <member name> [go file]
 *
 * With a go file, the worker writes `<go file>.<member name>.ready` once the board is open and
 * starts when the go file appears, so that several workers really start together.
 * Prints one JSON line (WorkerReport) on stdout; exits 1 on anything but a refused claim.
 */
import fs from 'node:fs';
import { BoardError } from '../../src/board/errors.js';
import { openBoard } from '../../src/board/open.js';

export interface WorkerReport {
  name: string;
  claimed: number[];
  completed: number[];
  /** Claims refused because another process got there first. */
  refused: number;
  /** Epoch ms when the worker started its first claim attempt, and when it finished. */
  startedAt: number;
  finishedAt: number;
}

const [file, runText, name, goFile] = process.argv.slice(2);
if (!file || !runText || !name) {
  process.stderr.write('usage: claim-worker.ts <db file> <run id> <member name> [go file]\n');
  process.exit(2);
}

const board = await openBoard(file);
const runId = Number(runText);
const actor = { kind: 'member' as const, name, role: null };
if (goFile) {
  await board.listTasks(runId);
  fs.writeFileSync(`${goFile}.${name}.ready`, '');
  while (!fs.existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 5));
}

const report: WorkerReport = { name, claimed: [], completed: [], refused: 0, startedAt: Date.now(), finishedAt: 0 };
for (;;) {
  const open = (await board.listTasks(runId)).filter((t) => t.status === 'pending' && t.owner === null && t.blockedBy.length === 0);
  if (open.length === 0) break;
  const mine: number[] = [];
  for (const task of open) {
    try {
      await board.updateTask(runId, task.id, { status: 'in_progress' }, actor);
      mine.push(task.id);
    } catch (error) {
      if (!(error instanceof BoardError)) throw error;
      report.refused++;
    }
  }
  for (const id of mine) await board.updateTask(runId, id, { status: 'completed' }, actor);
  report.claimed.push(...mine);
  report.completed.push(...mine);
}
report.finishedAt = Date.now();
await board.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
