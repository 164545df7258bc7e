import { type Command, Option } from 'commander';
import { human } from '../../board/actor.js';
import { BoardError } from '../../board/errors.js';
import { listGates, describeGate } from '../../board/gates.js';
import { listMembers, runTotals } from '../../board/members.js';
import { answerQuestion, getQuestion, listQuestions, parseQuestionId, payloadOf, resolveAnswers } from '../../board/questions.js';
import { listRuns, type Run } from '../../board/runs.js';
import { listTasks } from '../../board/views.js';
import { resolveRun } from '../board-access.js';
import { columns, printJson, processIO, truncate, type CommandIO } from '../io.js';
import { formatDuration } from '../summary.js';
import { formatTaskTable, withBoard } from './tasks.js';
import { buildReport, reportMarkdown } from '../export-report.js';

function duration(run: Run): string {
  return formatDuration((run.endedAt ?? Date.now()) - run.startedAt);
}

export function registerRunCommands(program: Command, io: CommandIO = processIO): void {
  program
    .command('runs')
    .description('list runs: how each ended and what it cost')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      withBoard(io, (board) => {
        const runs = listRuns(board).map((run) => {
          const tasks = listTasks(board, run.id);
          const totals = runTotals(board, run.id);
          return { run, done: tasks.filter((t) => t.status === 'completed').length, total: tasks.length, totals };
        });
        if (opts.json) {
          return printJson(io, runs.map(({ run, done, total, totals }) => ({ id: run.id, team: run.team, status: run.status, reason: run.statusReason, backend: run.backend, seed: run.seed, startedAt: new Date(run.startedAt).toISOString(), endedAt: run.endedAt ? new Date(run.endedAt).toISOString() : null, tasks: { done, total }, tokens: totals.tokens, costUsd: totals.costUsd, workspace: run.workspace })));
        }
        if (runs.length === 0) return io.stdout('No runs yet. Start one with `team start churn-project`.\n');
        const rows = [['RUN', 'TEAM', 'STATUS', 'BACKEND', 'STARTED', 'TIME', 'TASKS', 'TOKENS', 'COST']];
        for (const { run, done, total, totals } of runs) {
          rows.push([String(run.id), run.team, run.status, run.backend, new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' '), duration(run), `${done}/${total}`, totals.tokens.toLocaleString('en-US'), `$${totals.costUsd.toFixed(2)}`]);
        }
        io.stdout(`${columns(rows).join('\n')}\n`);
      });
    });

  program
    .command('status [run]')
    .description('a run at a glance: members, tasks, gates and pending questions')
    .option('--json', 'print JSON')
    .action((runText: string | undefined, opts: { json?: boolean }) => {
      withBoard(io, (board) => {
        const run = resolveRun(board, io, runText);
        const members = listMembers(board, run.id);
        const tasks = listTasks(board, run.id);
        const gates = listGates(board, run.id);
        const pending = listQuestions(board, run.id, 'pending');
        const totals = runTotals(board, run.id);
        if (opts.json) {
          return printJson(io, {
            run: { id: run.id, team: run.team, status: run.status, reason: run.statusReason, backend: run.backend, seed: run.seed, workspace: run.workspace, budgetUsd: run.budgetUsd },
            totals,
            members,
            tasks,
            gates: gates.map((g) => ({ id: g.id, before: g.before, kind: g.kind, status: g.status, detail: g.detail, description: describeGate(g) })),
            questions: pending.map((q) => ({ id: `q${q.id}`, askedBy: q.askedBy, kind: q.kind, questions: payloadOf(q).questions })),
          });
        }
        const budget = run.budgetUsd !== null ? ` / $${run.budgetUsd.toFixed(2)}` : '';
        io.stdout(`Run ${run.id}  ${run.team}  ${run.status}${run.statusReason ? ` (${run.statusReason})` : ''}\n`);
        io.stdout(`  backend ${run.backend} seed ${run.seed}   time ${duration(run)}   tokens ${totals.tokens.toLocaleString('en-US')}   cost $${totals.costUsd.toFixed(4)}${budget}\n`);
        io.stdout(`  workspace ${run.workspace}\n\nMembers\n`);
        const rows = [['NAME', 'ROLE', 'STATUS', 'TASK', 'TOKENS', 'COST', 'LAST ACTION']];
        for (const m of members) {
          rows.push([m.name, m.role, m.status, m.currentTask ? `#${m.currentTask}` : '-', (m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens).toLocaleString('en-US'), `$${m.costUsd.toFixed(4)}`, truncate(m.lastAction ?? '', 50)]);
        }
        io.stdout(`${columns(rows).map((l) => `  ${l}`).join('\n')}\n\nTasks\n`);
        io.stdout(formatTaskTable(tasks).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
        if (gates.length) io.stdout(`\nGates\n${gates.map((g) => `  ${describeGate(g)}: ${g.status}${g.detail ? ` (${g.detail})` : ''}`).join('\n')}\n`);
        if (pending.length) {
          io.stdout('\nWaiting for your answer\n');
          for (const q of pending) {
            for (const item of payloadOf(q).questions) {
              io.stdout(`  q${q.id} from ${q.askedBy} [${item.header}] ${item.question}\n`);
              item.options.forEach((o, i) => io.stdout(`      ${i + 1}. ${o.label}${o.description ? ` - ${truncate(o.description, 70)}` : ''}\n`));
            }
            io.stdout(`    answer: team answer ${run.id} q${q.id} <number, label or your own words>\n`);
          }
        }
      });
    });

  program
    .command('answer <run> <question> <answers...>')
    .description('answer a pending question: an option number, its label, or your own words (one answer per part)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  team answer 3 q2 "Canary 10%"\n  team answer 3 q4 1\n  team answer 3 q5 "AUC,Recall"     (multi-select: comma-separated)')
    .action((runText: string, questionText: string, answers: string[], opts: { json?: boolean }) => {
      withBoard(io, (board) => {
        const run = resolveRun(board, io, runText);
        const id = parseQuestionId(questionText);
        const question = getQuestion(board, run.id, id);
        if (!question) throw new BoardError('not_found', `question q${id} does not exist in run ${run.id}; see pending questions with \`team status ${run.id}\``);
        const resolved = resolveAnswers(payloadOf(question), answers);
        answerQuestion(board, run.id, id, resolved, 'cli', human);
        if (opts.json) return printJson(io, { question: `q${id}`, answers: resolved });
        io.stdout(`Answered q${id}: ${Object.values(resolved).map((a) => (Array.isArray(a) ? a.join(', ') : a)).join(' / ')}\n`);
      });
    });

  program
    .command('export <run>')
    .description('a readable report of a run: timeline, decisions, metrics and cost')
    .addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
    .action((runText: string, opts: { format: 'md' | 'json' }) => {
      withBoard(io, (board) => {
        const run = resolveRun(board, io, runText);
        const report = buildReport(board, run.id);
        if (opts.format === 'json') return printJson(io, report);
        io.stdout(reportMarkdown(report));
      });
    });
}

