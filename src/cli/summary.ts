import fs from 'node:fs';
import path from 'node:path';
import type { Board } from '../board/board.js';
import { dryRunOf, dryRunText, spendNote, wasSimulated } from '../board/dry-run.js';
import type { Run } from '../board/types.js';
import { groupDigits, type CommandIO } from './io.js';
import { writtenFiles, type WrittenFile } from './written-files.js';
import { formatDuration, runTimeMs } from './run-time.js';

/** How many written files the text summary names; the --json summary lists them all. */
const SHOWN_FILES = 12;

/** The workspace files the team wrote; for a run made before runs kept the workspace's time, the demo's known outputs. */
async function artifacts(run: Run): Promise<WrittenFile[]> {
  if (run.config.workspaceSince !== undefined) return writtenFiles(run.workspace, run.config.workspaceSince);
  const wanted = ['artifacts/model.json', 'dist/model-bundle.json', 'reports/metrics.json', 'reports/model-card.md', 'deploy/manifest.json'];
  return wanted.filter((rel) => fs.existsSync(path.join(run.workspace, rel))).map((rel) => ({ path: rel, mtimeMs: 0 }));
}

/** The files a person most likely wants first: the last ones written (a pipeline's deliverables come last). */
function newestFirst(files: readonly WrittenFile[]): string[] {
  return [...files].sort((a, b) => b.mtimeMs - a.mtimeMs).map((f) => f.path);
}

/**
 * The end-of-run summary. `durationMs` is the run's one duration (as `team runs` and the report
 * show it; on the simulated clock for --instant runs); `wallMs` is how long this process took.
 */
export async function summaryJson(board: Board, run: Run, wallMs: number, simulatedClock: boolean) {
  const [rows, totals, questions, durationMs] = await Promise.all([board.listTaskRows(run.id), board.runTotals(run.id), board.listQuestions(run.id), runTimeMs(board, run)]);
  const dry = dryRunOf(rows.map((t) => ({ status: t.status, simulated: wasSimulated(t) })));
  const written = await artifacts(run);
  return {
    run: run.id,
    team: run.team,
    status: run.status,
    reason: run.statusReason,
    backend: run.backend,
    seed: run.seed,
    tasks: { total: dry.total, completed: dry.completed, simulated: dry.simulated },
    dryRun: dry.dryRun,
    questions: questions.length,
    durationMs,
    simulatedClock,
    wallMs,
    tokens: totals.tokens,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    cacheReadTokens: totals.cacheReadTokens,
    costUsd: totals.costUsd,
    /** Tokens and cost are the simulated model's estimates, not a bill. */
    estimated: run.backend === 'sim',
    workspace: run.workspace,
    /** Every workspace file the team wrote, by path. */
    artifacts: written.map((f) => f.path),
    /** The same, the last written first. */
    latest: newestFirst(written),
  };
}

export async function printSummary(io: CommandIO, board: Board, run: Run, wallMs: number, simulatedClock: boolean): Promise<void> {
  const s = await summaryJson(board, run, wallMs, simulatedClock);
  const dryText = dryRunText({ ...s.tasks, dryRun: s.dryRun });
  const lines = [
    '',
    `Run ${s.run} (${s.team}) ${s.status}${s.dryRun ? ' (dry run)' : ''}${s.reason ? `: ${s.reason}` : ''}`,
    `  tasks      ${s.tasks.completed}/${s.tasks.total} completed${s.tasks.simulated > 0 ? ` (${s.tasks.simulated} simulated)` : ''}, ${s.questions} question(s) asked`,
    ...(dryText ? [`  ${dryText}`] : []),
    `  time       ${formatDuration(s.durationMs)}${simulatedClock ? ` of simulated team time (${formatDuration(wallMs)} here)` : ''}`,
    `  tokens     ${groupDigits(s.tokens)} (${groupDigits(s.inputTokens)} in, ${groupDigits(s.outputTokens)} out, ${groupDigits(s.cacheReadTokens)} cache read)${spendNote(run.backend)}`,
    `  cost       $${s.costUsd.toFixed(4)}${run.backend === 'sim' ? ' (simulated model: free)' : ''}`,
    `  workspace  ${s.workspace}${s.artifacts.length > 0 ? `, where the team wrote ${s.artifacts.length} file${s.artifacts.length === 1 ? '' : 's'}` : ''}`,
    ...s.latest.slice(0, SHOWN_FILES).map((a) => `             ${a}`),
    ...(s.artifacts.length > SHOWN_FILES ? [`             … and ${s.artifacts.length - SHOWN_FILES} more`] : []),
    `  report     team export ${s.run}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
}
