/**
 * Tokens per completed task and cache-read share of a churn-project run on the anthropic backend,
 * with the real SDK talking to the fake Messages API (simulated model, prompt-cache emulation).
 *
 *   node --import tsx bench/tokens.bench.ts [--seed N] [--fail-rate X] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBoard } from '../src/board/open.js';
import { loadTeam } from '../src/definitions/team-loader.js';
import { createAnthropicModel } from '../src/models/anthropic.js';
import { startFakeMessagesApi } from '../src/models/fake/messages-api.js';
import { zeroUsage, type Model, type Usage } from '../src/models/model.js';
import { priceFor, resolveModel } from '../src/definitions/model-aliases.js';
import { markdownTable, type BenchSection } from './section.js';
import { prepareRun } from '../src/runtime/prepare.js';
import { executeRun } from '../src/runtime/run.js';
import { createVirtualClock } from '../src/runtime/virtual-clock.js';

export interface TokensReport {
  team: string;
  seed: number;
  status: string;
  calls: number;
  retries: number;
  tasksCompleted: number;
  usage: Usage;
  /** input + cache read + cache write: every token of prompt the API saw. */
  promptTokens: number;
  promptTokensPerTask: number;
  /** Uncached input only. */
  inputTokensPerTask: number;
  /** Share of prompt tokens read from the cache. */
  cacheReadShare: number;
  costUsd: number;
  costPerTaskUsd: number;
  wallMs: number;
}

export async function tokensBench(opts: { seed?: number; team?: string; failRate?: number } = {}): Promise<TokensReport> {
  const seed = opts.seed ?? 42;
  const team = opts.team ?? 'churn-project';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-bench-'));
  const server = await startFakeMessagesApi({ responder: 'sim', simOptions: { seed, instant: true }, faults: { failRate: opts.failRate ?? 0, seed } });
  const board = await openBoard(path.join(dir, 'board.db'));
  const started = Date.now();
  try {
    const env = { ...process.env, TEAM_HOME: dir };
    const loaded = loadTeam(team, { cwd: dir, home: os.homedir(), env });
    // The model behind the fake API is the simulator, which needs each task's script: the run is
    // recorded as simulated, since TaskGet shows scripts to the sim backend only (never to Claude).
    const run = await prepareRun({ board, loaded, backend: 'sim', seed, workspace: path.join(dir, 'workspace'), env, cwd: dir });
    let retries = 0;
    const anthropic = createAnthropicModel({ apiKey: 'bench', baseURL: server.url, retryBaseMs: 10, onRetry: () => void retries++ });
    const usage = zeroUsage();
    let calls = 0;
    let costUsd = 0;
    const model: Model = {
      backend: anthropic.backend,
      async send(request, onEvent) {
        const response = await anthropic.send(request, onEvent);
        calls++;
        costUsd += response.costUsd;
        for (const key of Object.keys(usage) as (keyof Usage)[]) usage[key] += response.usage[key];
        return response;
      },
    };
    const outcome = await executeRun({ board, runId: run.id, model, clock: createVirtualClock(), ordered: true, autoAnswer: true });
    const tasksCompleted = (await board.listTasks(run.id)).filter((task) => task.status === 'completed').length;
    const promptTokens = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
    const perTask = (n: number) => (tasksCompleted > 0 ? n / tasksCompleted : 0);
    return {
      team,
      seed,
      status: outcome.status,
      calls,
      retries,
      tasksCompleted,
      usage,
      promptTokens,
      promptTokensPerTask: Math.round(perTask(promptTokens)),
      inputTokensPerTask: Math.round(perTask(usage.input_tokens)),
      cacheReadShare: promptTokens > 0 ? usage.cache_read_input_tokens / promptTokens : 0,
      costUsd,
      costPerTaskUsd: perTask(costUsd),
      wallMs: Date.now() - started,
    };
  } finally {
    await board.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The section for docs/benchmarks.md. The baseline is the same run priced as if nothing were cached
 * (every prompt token at the input price), so the ratio shows what prompt caching saves.
 */
export async function run(): Promise<BenchSection> {
  const report = await tokensBench({ seed: 42 });
  const price = priceFor(resolveModel('sonnet'));
  const perM = (tokens: number, usd: number) => (tokens / 1_000_000) * usd;
  const uncachedCost = perM(report.promptTokens, price.input) + perM(report.usage.output_tokens, price.output);
  const k = (n: number) => Math.round(n).toLocaleString('en-US');
  const body = [
    `churn-project (seed ${report.seed}) on the anthropic backend: the real SDK against the fake Messages API, which answers`,
    'from the simulated model and emulates the prompt cache (prefixes up to each cache breakpoint; 1,024-token minimum).',
    'The run is recorded as simulated so that TaskGet shows the simulator its task scripts (a real model never sees them).',
    `The run ${report.status} with ${report.tasksCompleted} tasks in ${report.calls} model calls.`,
    '',
    markdownTable(
      ['measure', 'value'],
      [
        ['prompt tokens per completed task (input + cache read + cache write)', k(report.promptTokensPerTask)],
        ['uncached input tokens per completed task', k(report.inputTokensPerTask)],
        ['cache write tokens per completed task', k(report.usage.cache_creation_input_tokens / Math.max(1, report.tasksCompleted))],
        ['share of prompt tokens served from the cache', `${(report.cacheReadShare * 100).toFixed(1)}%`],
        ['output tokens per completed task', k(report.usage.output_tokens / Math.max(1, report.tasksCompleted))],
        [`cost per task at ${price.family} list prices`, `$${report.costPerTaskUsd.toFixed(4)}`],
        ['cost / the same tokens with no prompt caching', `${(report.costUsd / uncachedCost).toFixed(2)}x`],
      ],
    ),
    '',
    'Cache breakpoints sit on the last tool, the system prompt and the last message block, so every turn of a member',
    're-reads its whole earlier conversation from the cache and pays full price only for what is new.',
  ].join('\n');
  return { title: 'Tokens and prompt caching', body };
}

export function formatReport(report: TokensReport): string {
  const k = (n: number) => n.toLocaleString('en-US');
  return [
    `tokens bench: ${report.team}, seed ${report.seed}, anthropic backend via the fake Messages API`,
    `  run ${report.status}; ${report.tasksCompleted} tasks completed in ${report.calls} model calls (${report.retries} retries), ${(report.wallMs / 1000).toFixed(1)}s`,
    `  prompt tokens   ${k(report.promptTokens)} (input ${k(report.usage.input_tokens)}, cache read ${k(report.usage.cache_read_input_tokens)}, cache write ${k(report.usage.cache_creation_input_tokens)})`,
    `  output tokens   ${k(report.usage.output_tokens)}`,
    `  per task        ${k(report.promptTokensPerTask)} prompt tokens, ${k(report.inputTokensPerTask)} uncached input tokens`,
    `  cache-read share ${(report.cacheReadShare * 100).toFixed(1)}% of prompt tokens`,
    `  cost            $${report.costUsd.toFixed(4)} ($${report.costPerTaskUsd.toFixed(4)} per task at list prices)`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flag = (name: string, fallback: number): number => {
    const at = process.argv.indexOf(name);
    const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
    if (!Number.isFinite(value)) throw new Error(`${name} needs a number, got "${process.argv[at + 1] ?? ''}"`);
    return value;
  };
  const report = await tokensBench({ seed: flag('--seed', 42), failRate: flag('--fail-rate', 0) });
  console.log(formatReport(report));
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
}
