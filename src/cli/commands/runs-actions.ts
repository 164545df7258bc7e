/**
 * What `team runs`, `team status` and `team export` do, apart from parsing their arguments: the
 * commander commands (./runs.ts) and the plain forms' own dispatch (../plain-commands.ts) both
 * call these, and neither makes them load commander.
 */
import type { Board } from '../../board/board.js';
import { memberStatusText, shownMemberStatus } from '../../board/crashed-run.js';
import { dryRunOf, dryRunText, spendNote, wasSimulated, withSimulated, type DryRun } from '../../board/dry-run.js';
import { describeGate } from '../../board/gates.js';
import { liveWorkers, runState } from '../../board/liveness.js';
import type { RunState } from '../../board/snapshot.js';
import type { Run } from '../../board/types.js';
import { resolveRun, withBoard } from '../board-access.js';
import { columns, groupDigits, printJson, truncate, type CommandIO } from '../io.js';
import { formatDuration, runTimeMs } from '../run-time.js';
import { formatTaskTable } from './tasks-actions.js';

/**
 * What to do next with a run that cannot go on by itself; null when nothing is needed. `workers`:
 * the `team worker` processes still running its members, which a plain resume would take them from.
 */
export function nextStep(run: Run, state: RunState, workers: readonly string[] = []): string | null {
  if (state === 'crashed' && workers.length > 0) {
    const who = workers.length === 1 ? 'a `team worker` process' : `${workers.length} \`team worker\` processes`;
    return `run ${run.id} crashed: the process driving it stopped without ending it, and ${who} still run${workers.length === 1 ? 's' : ''} its members; go on with \`team resume ${run.id} --workers-only\``;
  }
  if (state === 'crashed') return `run ${run.id} crashed: the process driving it stopped without ending it; go on with \`team resume ${run.id}\``;
  if (state === 'stopped' || state === 'failed') return `run ${run.id} ${state}; \`team resume ${run.id}\` goes on from where it was`;
  return null;
}

/** The members a run's own process runs (not MCP seats): the ones `team resume --workers-only` leaves to workers. */
function localMembers(run: Run): Set<string> {
  return new Set(run.config.members.filter((m) => !m.external).map((m) => m.name));
}

async function runRow(board: Board, run: Run, now: number) {
  const [rows, totals, ms] = await Promise.all([board.listTaskRows(run.id), board.runTotals(run.id), runTimeMs(board, run)]);
  const dry = dryRunOf(rows.map((t) => ({ status: t.status, simulated: wasSimulated(t) })));
  return { run, state: runState(run, now), done: dry.completed, total: dry.total, dry, totals, ms };
}

/** A run's status with what a person must not miss about it: that nothing real was done. */
function stateText(state: RunState, dry: DryRun): string {
  return dry.dryRun ? `${state} (dry run)` : state;
}

/** `team runs`: every run, how it ended and what it cost. */
export async function showRuns(io: CommandIO, boardOption: string | undefined, opts: { json?: boolean }): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    // Heartbeats are wall-clock time, whatever clock a run's events use.
    const now = Date.now();
    const runs = await Promise.all((await board.listRuns()).map((run) => runRow(board, run, now)));
    if (opts.json) {
      return printJson(
        io,
        runs.map(({ run, state, done, total, dry, totals, ms }) => ({
          id: run.id,
          team: run.team,
          status: run.status,
          state,
          reason: run.statusReason,
          backend: run.backend,
          seed: run.seed,
          startedAt: new Date(run.startedAt).toISOString(),
          endedAt: run.endedAt ? new Date(run.endedAt).toISOString() : null,
          durationMs: ms,
          tasks: { done, total, simulated: dry.simulated },
          dryRun: dry.dryRun,
          tokens: totals.tokens,
          costUsd: totals.costUsd,
          estimated: run.backend === 'sim',
          workspace: run.workspace,
        })),
      );
    }
    if (runs.length === 0) return io.stdout('No runs yet. Start one with `team start churn-project`.\n');
    const rows = [['RUN', 'TEAM', 'STATUS', 'BACKEND', 'STARTED', 'TIME', 'TASKS', 'TOKENS', 'COST']];
    for (const { run, state, done, total, dry, totals, ms } of runs) {
      rows.push([String(run.id), run.team, stateText(state, dry), run.backend, new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' '), formatDuration(ms), `${done}/${total}`, groupDigits(totals.tokens), `$${totals.costUsd.toFixed(2)}${spendNote(run.backend)}`]);
    }
    io.stdout(`${columns(rows).join('\n')}\n`);
    for (const { run, dry } of runs) {
      const text = dryRunText(dry);
      if (text) io.stdout(`run ${run.id}: ${text}\n`);
    }
    const crashed = runs.filter((r) => r.state === 'crashed');
    for (const { run, state } of crashed) io.stdout(`${nextStep(run, state, liveWorkers(run, await board.listMembers(run.id), localMembers(run), now)) ?? ''}\n`);
  });
}

/** `team status [run]`: a run at a glance. */
export async function showStatus(io: CommandIO, boardOption: string | undefined, runText: string | undefined, opts: { json?: boolean }): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, runText);
    const now = Date.now();
    const state = runState(run, now);
    const [members, summaries, taskRows, gates, open, totals, ms] = await Promise.all([
      board.listMembers(run.id),
      board.listTasks(run.id),
      board.listTaskRows(run.id),
      board.listGates(run.id),
      board.listQuestions(run.id, 'open'),
      board.runTotals(run.id),
      runTimeMs(board, run),
    ]);
    const tasks = withSimulated(summaries, taskRows);
    const dry = dryRunOf(tasks);
    const next = nextStep(run, state, liveWorkers(run, members, localMembers(run), now));
    if (opts.json) {
      return printJson(io, {
        run: { id: run.id, team: run.team, status: run.status, state, reason: run.statusReason, backend: run.backend, seed: run.seed, workspace: run.workspace, budgetUsd: run.budgetUsd, durationMs: ms, dryRun: dry.dryRun, simulatedTasks: dry.simulated },
        next,
        totals: { ...totals, estimated: run.backend === 'sim' },
        // `state` is the member as people see it: not working once its run crashed.
        members: members.map((m) => ({ ...m, state: shownMemberStatus(m.status, state) })),
        tasks: tasks.map((t) => ({ ...t, simulated: t.simulated === true })),
        gates: gates.map((g) => ({ id: g.id, before: g.before, kind: g.kind, status: g.status, detail: g.detail, note: g.note, decidedBy: g.decidedBy, description: describeGate(g) })),
        questions: open.map((q) => ({ id: `q${q.id}`, askedBy: q.askedBy, kind: q.kind, questions: q.payload.questions, ...(q.payload.context ? { context: q.payload.context } : {}) })),
      });
    }
    const budget = run.budgetUsd !== null ? ` / $${run.budgetUsd.toFixed(2)}` : '';
    io.stdout(`Run ${run.id}  ${run.team}  ${stateText(state, dry)}${run.statusReason ? ` (${run.statusReason})` : ''}\n`);
    const dryText = dryRunText(dry);
    if (dryText) io.stdout(`  ${dryText}\n`);
    if (next) io.stdout(`  ${next}\n`);
    io.stdout(`  backend ${run.backend} seed ${run.seed}   time ${formatDuration(ms)}   tokens ${groupDigits(totals.tokens)}   cost $${totals.costUsd.toFixed(4)}${budget}${spendNote(run.backend)}\n`);
    io.stdout(`  workspace ${run.workspace}\n\nMembers\n`);
    const rows = [['NAME', 'ROLE', 'STATUS', 'TASK', 'TOKENS', 'COST', 'LAST ACTION']];
    // A seat for an MCP client that nobody took yet: say so, and how to take it, in full.
    const seats = new Set(run.config.members.filter((m) => m.external).map((m) => m.name));
    for (const m of members) {
      const open = seats.has(m.name) && m.status === 'starting';
      const status = open ? 'open seat' : memberStatusText(m.status, state);
      const last = open ? `join with: team mcp --run ${run.id} --as ${m.name}` : truncate(m.lastAction ?? '', 50);
      rows.push([m.name, m.role, status, m.currentTask ? `#${m.currentTask}` : '-', groupDigits(m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens), `$${m.costUsd.toFixed(4)}`, last]);
    }
    io.stdout(`${columns(rows).map((l) => `  ${l}`).join('\n')}\n\nTasks\n`);
    io.stdout(formatTaskTable(tasks).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
    if (gates.length) {
      const gateLine = (g: (typeof gates)[number]) => `  ${describeGate(g)}: ${g.status}${g.detail ? ` (${g.detail})` : ''}${g.note ? ` note: ${g.note}` : ''}`;
      io.stdout(`\nGates\n${gates.map(gateLine).join('\n')}\n`);
    }
    if (open.length) {
      io.stdout('\nWaiting for your answer\n');
      for (const q of open) {
        if (q.payload.context?.cause) io.stdout(`  q${q.id}: ${q.payload.context.cause}\n`);
        if (q.payload.context?.command) io.stdout(`  q${q.id} command: ${q.payload.context.command}\n`);
        for (const item of q.payload.questions) {
          io.stdout(`  q${q.id} from ${q.askedBy} [${item.header}] ${item.question}\n`);
          item.options.forEach((o, i) => io.stdout(`      ${i + 1}. ${o.label}${o.description ? ` - ${truncate(o.description, 70)}` : ''}\n`));
        }
        const how = q.kind === 'agent' ? 'number, label or your own words' : 'number or label, optionally followed by ": note"';
        io.stdout(`    answer: team answer ${run.id} q${q.id} <${how}>\n`);
      }
    }
  });
}

/** `team export <run>`: a run's report as Markdown, JSON or one HTML page. */
export async function exportRun(io: CommandIO, boardOption: string | undefined, runText: string, opts: { format: 'md' | 'json' | 'html' }): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, runText);
    const { buildReport, reportHtml, reportJson, reportMarkdown } = await import('../../report/index.js');
    const report = await buildReport(board, run.id);
    io.stdout(opts.format === 'json' ? reportJson(report) : opts.format === 'html' ? reportHtml(report) : reportMarkdown(report));
  });
}
