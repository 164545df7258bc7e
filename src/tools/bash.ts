import { z } from 'zod';
import { commandAllowed } from '../sandbox/command-check.js';
import type { SandboxSettings } from '../sandbox/config.js';
import { outputTexts } from '../sandbox/output-capture.js';
import { type CommandOutcome, killAll, runCommand } from '../sandbox/runner.js';
import { defineTool, fail, ok, type ToolContext, type ToolResult } from './tool.js';

export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
export const BASH_MAX_OUTPUT_CHARS = 30_000;

/** Without settings from the runtime, commands run in the sandbox with its defaults. */
const DEFAULT_SANDBOX: SandboxSettings = { mode: 'bwrap' };

const SECRET_NAME = /API_KEY|TOKEN|SECRET|PASSWORD|ANTHROPIC/i;

/**
 * The environment without variables whose names suggest credentials. Commands get an allow-listed
 * environment anyway (src/sandbox/env.ts); this stays for callers that build `ToolContext.env`.
 */
export function stripSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !SECRET_NAME.test(name)) clean[name] = value;
  }
  return clean;
}

/**
 * Ends every process Bash started in this process: each run's sandbox with everything in it, and
 * what unsandboxed commands left running. For the runtime to call when a run ends.
 */
export function killBashProcessGroups(): number {
  return killAll();
}

const inputSchema = z.object({
  command: z.string().min(1).describe('The command line, run with bash -c in the workspace directory.'),
  timeout: z
    .number()
    .int()
    .min(1)
    .max(BASH_MAX_TIMEOUT_MS)
    .optional()
    .describe(`Timeout in milliseconds. Default ${BASH_DEFAULT_TIMEOUT_MS}, at most ${BASH_MAX_TIMEOUT_MS}.`),
  description: z.string().optional().describe('A few words on what the command does, for the people watching the board.'),
});

export const bashTool = defineTool({
  name: 'Bash',
  description:
    'Runs a command with bash in the workspace directory and returns {exitCode, stdout, stderr}. ' +
    'A non-zero exit code is a normal result, not a tool error: read stderr and act on it. ' +
    `The timeout is in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS}); on timeout the command and every process it started are killed and the result has timedOut: true. ` +
    `stdout and stderr together are cut to about ${BASH_MAX_OUTPUT_CHARS} characters, keeping the start and the end. ` +
    'Commands run in a sandbox: only the workspace and /tmp are writable, there is no network unless the team allows it, and the environment holds no keys or tokens. ' +
    'stdin is empty. To leave a server running, start it in the background with its output redirected, e.g. `python serve.py > serve.log 2>&1 &`; later commands reach it on 127.0.0.1.',
  inputSchema,
  async execute(input, ctx) {
    if (ctx.signal?.aborted) return interruptedResult();
    if (ctx.bashPatterns) {
      const refused = await permissionRefusal(input.command, ctx.bashPatterns, ctx);
      if (refused) return refused;
    }
    const timeoutMs = input.timeout ?? BASH_DEFAULT_TIMEOUT_MS;
    const outcome = await runCommand({
      command: input.command,
      workspace: ctx.workspace,
      parentEnv: ctx.env ?? process.env,
      settings: ctx.sandbox ?? DEFAULT_SANDBOX,
      timeoutMs,
      keepBytes: BASH_MAX_OUTPUT_CHARS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return resultOf(outcome, timeoutMs);
  },
});

/**
 * Null when every command of the line matches the agent's patterns, or the person allowed it when
 * asked (through the runtime's `requestPermission`); otherwise the refusal as the tool result.
 */
async function permissionRefusal(line: string, patterns: readonly string[], ctx: ToolContext): Promise<ToolResult | null> {
  const verdict = commandAllowed(line, patterns, { workspace: ctx.workspace });
  if (verdict.allowed) return null;
  const allowedList = patterns.map((p) => `Bash(${p})`).join(', ');
  const body = { command: verdict.command, reason: verdict.reason, suggestedPattern: verdict.suggestedPattern };
  if (ctx.requestPermission) {
    const decision = await ctx.requestPermission({ tool: 'Bash', commandLine: line, ...body });
    if (decision.allowed) return null;
    if ('pending' in decision) {
      return { content: JSON.stringify({ pending: `q${decision.questionId}`, ...body }), isError: false, awaitsQuestion: decision.questionId };
    }
    const why = decision.reason ? `: ${decision.reason}` : '';
    return refusal(`permission denied${decision.by ? ` by ${decision.by}` : ''} for "${verdict.command}"${why}`, body);
  }
  return refusal(`command refused: ${verdict.reason}; this agent may only run commands matching ${allowedList}`, body);
}

function refusal(error: string, details: Record<string, unknown>): ToolResult {
  return { content: JSON.stringify({ error, ...details }), isError: true };
}

function resultOf(outcome: CommandOutcome, timeoutMs: number): ToolResult {
  if (outcome.startError !== undefined) return fail(`could not run the command: ${outcome.startError}`);
  const output = outputTexts(outcome.stdout, outcome.stderr, BASH_MAX_OUTPUT_CHARS);
  const body: Record<string, unknown> = { exitCode: outcome.exitCode, stdout: output.stdout, stderr: output.stderr };
  if (outcome.signal !== null && outcome.stopped === null) body.signal = outcome.signal;
  if (output.truncated) body.truncated = true;
  if (outcome.stopped === 'timeout') {
    body.timedOut = true;
    body.error = `command timed out after ${timeoutMs} ms and was killed with every process it started; raise timeout (max ${BASH_MAX_TIMEOUT_MS}) or run long jobs in the background with output redirected to a file`;
    return { content: JSON.stringify(body), isError: true };
  }
  if (outcome.stopped === 'abort') return { content: JSON.stringify({ ...body, ...interruptedBody() }), isError: true };
  if (outcome.stopped === 'output') {
    body.truncated = true;
    body.error = 'command printed more output than allowed and was killed; redirect its output to a file (cmd > out.log 2>&1) and use Read or Grep on it';
    return { content: JSON.stringify(body), isError: true };
  }
  if (outcome.sandboxRestarted !== undefined) {
    body.note = `${outcome.sandboxRestarted} after an earlier command; background processes of earlier commands are gone and this command ran in a fresh sandbox`;
  }
  if (outcome.sandboxEnded !== undefined) {
    body.error = `${outcome.sandboxEnded}; every process of the run's commands was killed, background servers included, and the next command starts a fresh sandbox`;
    return { content: JSON.stringify(body), isError: true };
  }
  return ok(body);
}

function interruptedBody(): Record<string, unknown> {
  return { interrupted: true, error: 'command was interrupted because the run is stopping' };
}

function interruptedResult(): ToolResult {
  return { content: JSON.stringify({ exitCode: null, stdout: '', stderr: '', ...interruptedBody() }), isError: true };
}
