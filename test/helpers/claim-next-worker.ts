/**
 * A child process that works a board the way a member's loop does: take the next task it may
 * (`claimNext`), complete it, repeat until no task is left. Used by the claimNext race test and
 * the PostgreSQL board bench.
 *
 *   node --import tsx test/helpers/claim-next-worker.ts <board file or URL> <run id> <member name> [go file]
 *
 * With a go file, the worker writes `<go file>.<member name>.ready` once the board is open and
 * starts when the go file appears. Prints one JSON line (WorkerReport) on stdout.
 */
import fs from 'node:fs';
import { memberActor } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import type { WorkerReport } from './claim-worker.js';

const [location, runText, name, goFile] = process.argv.slice(2);
if (!location || !runText || !name) {
  process.stderr.write('usage: claim-next-worker.ts <board file or URL> <run id> <member name> [go file]\n');
  process.exit(2);
}

const board = await openBoard(location);
const runId = Number(runText);
const actor = memberActor(name, null);
if (goFile) {
  await board.listTasks(runId);
  fs.writeFileSync(`${goFile}.${name}.ready`, '');
  while (!fs.existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 5));
}

// `refused` counts the times nothing was free while tasks were still pending (others held them).
const report: WorkerReport = { name, claimed: [], completed: [], refused: 0, startedAt: Date.now(), finishedAt: 0 };
for (;;) {
  const task = await board.claimNext(runId, actor);
  if (task) {
    report.claimed.push(task.id);
    await board.updateTask(runId, task.id, { status: 'completed' }, actor);
    report.completed.push(task.id);
    continue;
  }
  const pending = (await board.listTasks(runId, { status: 'pending' })).length;
  if (pending === 0) break;
  report.refused++;
  await board.waitForChange(runId, 50);
}
report.finishedAt = Date.now();
await board.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
