import { commandAllowed } from './command-patterns.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { defineTool, fail, ok, type ToolResult } from './tool.js';

export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
export const BASH_MAX_OUTPUT_CHARS = 30_000;
/** After SIGTERM, how long the process group gets before SIGKILL. */
export const BASH_KILL_GRACE_MS = 2_000;

const SECRET_NAME = /API_KEY|TOKEN|SECRET|PASSWORD|ANTHROPIC/i;

/** Process groups of Bash commands that are running or left background processes behind. */
const processGroups = new Set<number>();

/** The environment without variables whose names suggest credentials. */
export function stripSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !SECRET_NAME.test(name)) clean[name] = value;
  }
  return clean;
}

/**
 * Kills (SIGKILL) every process group started by Bash that may still be alive: running
 * commands and background processes (servers) that commands left behind. For the runtime to
 * call when a run ends. Returns how many groups were signalled.
 */
export function killBashProcessGroups(): number {
  let killed = 0;
  for (const pgid of processGroups) {
    if (signalGroup(pgid, 'SIGKILL')) killed++;
    processGroups.delete(pgid);
  }
  return killed;
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
    'stdin is empty and the environment holds no API keys or tokens. To leave a server running, start it in the background with its output redirected, e.g. `python serve.py > serve.log 2>&1 &`.',
  inputSchema,
  async execute(input, ctx) {
    if (ctx.signal?.aborted) return interruptedResult();
    if (ctx.bashPatterns && !commandAllowed(input.command, ctx.bashPatterns)) {
      return fail(`this agent may only run commands matching ${ctx.bashPatterns.map((p) => `Bash(${p})`).join(', ')}; "${input.command}" is not one of them`);
    }
    const timeoutMs = input.timeout ?? BASH_DEFAULT_TIMEOUT_MS;
    const outputDir = await fs.mkdtemp(path.join(os.tmpdir(), 'teamboard-bash-'));
    try {
      return await run(input.command, timeoutMs, outputDir, ctx.workspace, ctx.env ?? stripSecrets(process.env), ctx.signal);
    } finally {
      await fs.rm(outputDir, { recursive: true, force: true });
    }
  },
});

async function run(
  command: string,
  timeoutMs: number,
  outputDir: string,
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<ToolResult> {
  // Output goes to files, not pipes: a background process that inherits them cannot keep
  // the call waiting for end-of-stream, nor die of SIGPIPE once the call has returned.
  const outPath = path.join(outputDir, 'stdout');
  const errPath = path.join(outputDir, 'stderr');
  const outFile = await fs.open(outPath, 'w');
  const errFile = await fs.open(errPath, 'w');
  let subprocess;
  try {
    subprocess = execa('bash', ['-c', command], {
      cwd,
      env,
      extendEnv: false,
      stdin: 'ignore',
      // execa hands an open descriptor straight to spawn; its types only spell out 3 to 9.
      stdout: outFile.fd as 3,
      stderr: errFile.fd as 3,
      detached: true,
      reject: false,
    });
  } finally {
    await outFile.close();
    await errFile.close();
  }

  const pgid = subprocess.pid;
  if (pgid !== undefined) processGroups.add(pgid);
  let stopped: 'timeout' | 'abort' | null = null;
  let forceKill: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'abort'): void => {
    if (stopped !== null || pgid === undefined) return;
    stopped = why;
    signalGroup(pgid, 'SIGTERM');
    forceKill = setTimeout(() => signalGroup(pgid, 'SIGKILL'), BASH_KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = (): void => stop('abort');
  signal?.addEventListener('abort', onAbort, { once: true });

  const result = await subprocess;
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  if (pgid !== undefined) {
    if (stopped !== null) {
      clearTimeout(forceKill);
      signalGroup(pgid, 'SIGKILL');
      processGroups.delete(pgid);
    } else if (!signalGroup(pgid, 0)) {
      processGroups.delete(pgid);
    }
  }

  if (pgid === undefined || (result.failed && result.exitCode === undefined && result.signal === undefined && stopped === null)) {
    return fail(`could not run the command: ${result.shortMessage}`);
  }

  const output = await readOutputs(outPath, errPath);
  const body: Record<string, unknown> = {
    exitCode: result.exitCode ?? null,
    stdout: output.stdout,
    stderr: output.stderr,
  };
  if (result.signal !== undefined && stopped === null) body.signal = result.signal;
  if (output.truncated) body.truncated = true;
  if (stopped === 'timeout') {
    body.timedOut = true;
    body.error = `command timed out after ${timeoutMs} ms and was killed with every process it started; raise timeout (max ${BASH_MAX_TIMEOUT_MS}) or run long jobs in the background with output redirected to a file`;
    return { content: JSON.stringify(body), isError: true };
  }
  if (stopped === 'abort') {
    return { content: JSON.stringify({ ...body, ...interruptedBody() }), isError: true };
  }
  return ok(body);
}

function interruptedBody(): Record<string, unknown> {
  return { interrupted: true, error: 'command was interrupted because the run is stopping' };
}

function interruptedResult(): ToolResult {
  return { content: JSON.stringify({ exitCode: null, stdout: '', stderr: '', ...interruptedBody() }), isError: true };
}

/** Sends a signal to a process group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function readOutputs(outPath: string, errPath: string): Promise<{ stdout: string; stderr: string; truncated: boolean }> {
  const outSize = (await fs.stat(outPath)).size;
  const errSize = (await fs.stat(errPath)).size;
  const cap = BASH_MAX_OUTPUT_CHARS;
  if (outSize + errSize <= cap) {
    return { stdout: await fs.readFile(outPath, 'utf8'), stderr: await fs.readFile(errPath, 'utf8'), truncated: false };
  }
  const errShare = Math.min(errSize, Math.max(Math.floor(cap / 3), cap - outSize));
  return {
    stdout: await readHeadAndTail(outPath, outSize, cap - errShare),
    stderr: await readHeadAndTail(errPath, errSize, errShare),
    truncated: true,
  };
}

async function readHeadAndTail(file: string, size: number, share: number): Promise<string> {
  if (size <= share) return fs.readFile(file, 'utf8');
  const headBytes = Math.floor(share / 2);
  const tailBytes = share - headBytes;
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(headBytes);
    const tail = Buffer.alloc(tailBytes);
    await handle.read(head, 0, headBytes, 0);
    await handle.read(tail, 0, tailBytes, size - tailBytes);
    const omitted = size - headBytes - tailBytes;
    return `${head.toString('utf8')}\n[... ${omitted} bytes omitted; redirect the output to a file and use Read or Grep to see all of it ...]\n${tail.toString('utf8')}`;
  } finally {
    await handle.close();
  }
}
