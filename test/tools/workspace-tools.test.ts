import type { Board } from '../../src/board/board.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { realClock } from '../../src/shared/clock.js';
import type { SandboxSettings } from '../../src/sandbox/config.js';
import { sandboxAvailable } from '../../src/sandbox/detect.js';
import { MARK_VARIABLE } from '../../src/sandbox/orphans.js';
import { BASH_MAX_OUTPUT_CHARS, bashTool, killBashProcessGroups, stripSecrets } from '../../src/tools/bash.js';
import { editTool } from '../../src/tools/edit.js';
import { globTool } from '../../src/tools/glob.js';
import { grepTool } from '../../src/tools/grep.js';
import { toolSpec } from '../../src/tools/json-schema.js';
import { readTool } from '../../src/tools/read.js';
import { defineTool, type Tool, type ToolContext, type ToolResult } from '../../src/tools/tool.js';
import { runTool } from '../../src/tools/run-tool.js';
import { resolveWorkspacePath } from '../../src/tools/workspace-path.js';
import { workspaceTools } from '../../src/tools/workspace-tools.js';
import { gone, hostProcesses, startedSoon } from '../helpers/host-processes.js';
import { writeTool } from '../../src/tools/write.js';

let root: string;
let ws: string;
let outside: string;
let ctx: ToolContext;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-tools-')));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  fs.mkdirSync(ws);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET outside\n');
  ctx = { board: null as unknown as Board, runId: 1, member: 'tester', role: null, workspace: ws, clock: realClock };
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

afterAll(() => {
  killBashProcessGroups();
});

function put(rel: string, content: string | Buffer): string {
  const abs = path.join(ws, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  return abs;
}

function call(tool: Tool, input: unknown, context: ToolContext = ctx): Promise<ToolResult> {
  return runTool(tool, input, context);
}

function json(result: ToolResult): Record<string, unknown> {
  return JSON.parse(result.content) as Record<string, unknown>;
}

function errorOf(result: ToolResult): string {
  expect(result.isError).toBe(true);
  return json(result).error as string;
}

function outsideError(input: string): string {
  return `path "${input}" is outside the workspace ${ws}; use a path inside it`;
}

describe('Read', () => {
  it('numbers lines like cat -n', async () => {
    put('notes.txt', 'alpha\nbeta\r\ngamma\n');
    const result = await call(readTool, { file_path: 'notes.txt' });
    expect(result).toEqual({ content: '     1\talpha\n     2\tbeta\n     3\tgamma', isError: false });
  });

  it('pages with offset and limit and says where to continue', async () => {
    put('ten.txt', Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
    const result = await call(readTool, { file_path: 'ten.txt', offset: 3, limit: 2 });
    expect(result.content).toBe(
      '     3\tline 3\n     4\tline 4\n[showing lines 3-4 of 10 in "ten.txt"; call Read with offset 5 to continue]',
    );
  });

  it('reads at most 2000 lines by default and cuts long lines', async () => {
    put('big.txt', Array.from({ length: 2500 }, (_, i) => (i === 0 ? 'x'.repeat(2500) : `l${i + 1}`)).join('\n'));
    const lines = (await call(readTool, { file_path: 'big.txt' })).content.split('\n');
    expect(lines).toHaveLength(2001);
    expect(lines[0]).toBe(`     1\t${'x'.repeat(2000)}… [line cut: 2500 characters]`);
    expect(lines[1999]).toBe('  2000\tl2000');
    expect(lines[2000]).toBe('[showing lines 1-2000 of 2500 in "big.txt"; call Read with offset 2001 to continue]');
  });

  it('accepts absolute paths inside the workspace', async () => {
    put('sub/a.txt', 'hello');
    expect((await call(readTool, { file_path: path.join(ws, 'sub/a.txt') })).content).toBe('     1\thello');
  });

  it('refuses directories, missing files and binary files, and reports empty files', async () => {
    put('dir/a.txt', 'a');
    put('blob.bin', Buffer.from([1, 2, 0, 3]));
    put('empty.txt', '');
    expect(errorOf(await call(readTool, { file_path: 'dir' }))).toBe(
      '"dir" is a directory, not a file; use Glob with path "dir" to list its files',
    );
    expect(errorOf(await call(readTool, { file_path: 'nope.txt' }))).toBe(
      'file "nope.txt" does not exist; use Glob to find the right path',
    );
    expect(errorOf(await call(readTool, { file_path: 'blob.bin' }))).toBe(
      'file "blob.bin" looks binary (it contains NUL bytes); Read only shows text files',
    );
    expect(await call(readTool, { file_path: 'empty.txt' })).toEqual({ content: '(file "empty.txt" is empty)', isError: false });
  });

  it('refuses an offset past the end', async () => {
    put('two.txt', 'a\nb\n');
    expect(errorOf(await call(readTool, { file_path: 'two.txt', offset: 5 }))).toBe(
      'offset 5 is past the end of "two.txt", which has 2 lines; use an offset from 1 to 2',
    );
  });
});

describe('Write', () => {
  it('creates parent directories and reports bytes', async () => {
    const result = await call(writeTool, { file_path: 'a/b/c.txt', content: 'héllo\n' });
    expect(json(result)).toEqual({ ok: true, path: 'a/b/c.txt', bytes: 7 });
    expect(fs.readFileSync(path.join(ws, 'a/b/c.txt'), 'utf8')).toBe('héllo\n');
  });

  it('replaces an existing file', async () => {
    put('f.txt', 'old content');
    await call(writeTool, { file_path: 'f.txt', content: 'new' });
    expect(fs.readFileSync(path.join(ws, 'f.txt'), 'utf8')).toBe('new');
  });

  it('refuses a directory and a path under a file', async () => {
    put('dir/x.txt', 'x');
    expect(errorOf(await call(writeTool, { file_path: 'dir', content: 'x' }))).toBe('"dir" is a directory; give a file path');
    expect(errorOf(await call(writeTool, { file_path: 'dir/x.txt/y.txt', content: 'x' }))).toBe(
      'could not write "dir/x.txt/y.txt": a parent of this path is a file, not a directory',
    );
  });
});

describe('Edit', () => {
  it('replaces a unique string', async () => {
    put('app.py', 'def main():\n    return 1\n');
    const result = await call(editTool, { file_path: 'app.py', old_string: 'return 1', new_string: 'return $&2' });
    expect(json(result)).toEqual({ ok: true, path: 'app.py', replacements: 1 });
    expect(fs.readFileSync(path.join(ws, 'app.py'), 'utf8')).toBe('def main():\n    return $&2\n');
  });

  it('refuses an ambiguous string unless replace_all is set', async () => {
    put('x.txt', 'a = 1\na = 1\na = 1\n');
    expect(errorOf(await call(editTool, { file_path: 'x.txt', old_string: 'a = 1', new_string: 'a = 2' }))).toBe(
      'old_string occurs 3 times in "x.txt"; include more surrounding lines to make it unique, or set replace_all to true to replace all 3',
    );
    expect(fs.readFileSync(path.join(ws, 'x.txt'), 'utf8')).toBe('a = 1\na = 1\na = 1\n');
    const result = await call(editTool, { file_path: 'x.txt', old_string: 'a = 1', new_string: 'a = 2', replace_all: true });
    expect(json(result)).toEqual({ ok: true, path: 'x.txt', replacements: 3 });
    expect(fs.readFileSync(path.join(ws, 'x.txt'), 'utf8')).toBe('a = 2\na = 2\na = 2\n');
  });

  it('keeps CRLF line endings when old_string was copied with plain newlines', async () => {
    put('win.txt', 'one\r\ntwo\r\nthree\r\n');
    const result = await call(editTool, { file_path: 'win.txt', old_string: 'one\ntwo', new_string: 'uno\ndos' });
    expect(json(result)).toEqual({ ok: true, path: 'win.txt', replacements: 1 });
    expect(fs.readFileSync(path.join(ws, 'win.txt'), 'utf8')).toBe('uno\r\ndos\r\nthree\r\n');
  });

  it('explains missing text, missing files, empty and no-op edits', async () => {
    put('x.txt', 'hello\n');
    expect(errorOf(await call(editTool, { file_path: 'x.txt', old_string: 'bye', new_string: 'b' }))).toBe(
      'old_string was not found in "x.txt"; Read the file and copy the text exactly, including whitespace and indentation',
    );
    expect(errorOf(await call(editTool, { file_path: 'y.txt', old_string: 'a', new_string: 'b' }))).toBe(
      'file "y.txt" does not exist; use Write to create it, or Glob to find the right path',
    );
    expect(errorOf(await call(editTool, { file_path: 'x.txt', old_string: '', new_string: 'b' }))).toBe(
      'old_string is empty; give the exact text to replace (to create a file, use Write)',
    );
    expect(errorOf(await call(editTool, { file_path: 'x.txt', old_string: 'hello', new_string: 'hello' }))).toBe(
      'old_string and new_string are identical; nothing would change',
    );
  });
});

describe('Glob', () => {
  it('finds files recursively, newest first, relative to the workspace', async () => {
    const t = Date.now() / 1000;
    fs.utimesSync(put('src/old.ts', ''), t - 300, t - 300);
    fs.utimesSync(put('src/lib/new.ts', ''), t - 100, t - 100);
    fs.utimesSync(put('top.ts', ''), t - 200, t - 200);
    fs.utimesSync(put('b-same.ts', ''), t - 200, t - 200);
    put('readme.md', '');
    put('node_modules/pkg/index.ts', '');
    put('.git/hooks/x.ts', '');
    expect(json(await call(globTool, { pattern: '**/*.ts' }))).toEqual({
      files: ['src/lib/new.ts', 'b-same.ts', 'top.ts', 'src/old.ts'],
      count: 4,
      truncated: false,
    });
  });

  it('searches under path and returns workspace-relative paths', async () => {
    put('src/a.ts', '');
    put('src/sub/b.ts', '');
    put('other/c.ts', '');
    expect(json(await call(globTool, { pattern: '*.ts', path: 'src' }))).toMatchObject({ files: ['src/a.ts'], count: 1 });
    expect(json(await call(globTool, { pattern: 'sub/{a,b}.ts', path: 'src' }))).toMatchObject({ files: ['src/sub/b.ts'] });
    expect(json(await call(globTool, { pattern: 'missing/**' }))).toEqual({ files: [], count: 0, truncated: false });
  });

  it('descends into node_modules when the pattern names it', async () => {
    put('node_modules/pkg/index.js', '');
    expect(json(await call(globTool, { pattern: 'node_modules/**/*.js' }))).toMatchObject({ files: ['node_modules/pkg/index.js'] });
  });

  it('caps the list at 200 and says so', async () => {
    for (let i = 0; i < 205; i++) put(`many/f${String(i).padStart(3, '0')}.txt`, '');
    const result = json(await call(globTool, { pattern: 'many/*.txt' }));
    expect(result.files).toHaveLength(200);
    expect(result.count).toBe(205);
    expect(result.truncated).toBe(true);
  });

  it('refuses patterns that leave the searched directory and bad directories', async () => {
    put('f.txt', '');
    expect(errorOf(await call(globTool, { pattern: '../*' }))).toBe(
      'pattern "../*" contains "..", which leaves the searched directory; set path instead',
    );
    expect(errorOf(await call(globTool, { pattern: '/etc/*' }))).toBe(
      'pattern "/etc/*" is an absolute path outside "."; give a pattern relative to path',
    );
    expect(errorOf(await call(globTool, { pattern: '*', path: 'f.txt' }))).toBe(
      '"f.txt" is a file, not a directory; give its directory as path',
    );
    expect(errorOf(await call(globTool, { pattern: '*', path: 'nope' }))).toBe(
      'directory "nope" does not exist; use a directory inside the workspace',
    );
  });
});

describe('Grep', () => {
  beforeEach(() => {
    put('src/a.py', 'import os\ndef main():\n    print("TODO: fix")\n');
    put('src/b.ts', 'const todo = 1;\n// TODO later\n');
    put('docs/notes.md', 'nothing here\n');
    put('node_modules/dep/index.js', 'TODO in a dependency\n');
    put('data.bin', Buffer.from('TODO\0binary'));
  });

  it('lists matching files by default, skipping binaries and node_modules', async () => {
    expect(json(await call(grepTool, { pattern: 'TODO' }))).toEqual({ files: ['src/a.py', 'src/b.ts'], count: 2, truncated: false });
  });

  it('shows matching lines with numbers in content mode', async () => {
    expect((await call(grepTool, { pattern: 'todo', '-i': true, output_mode: 'content' })).content).toBe(
      'src/a.py:3:    print("TODO: fix")\nsrc/b.ts:1:const todo = 1;\nsrc/b.ts:2:// TODO later',
    );
    expect((await call(grepTool, { pattern: 'TODO', output_mode: 'content', '-n': false, path: 'src/b.ts' })).content).toBe(
      'src/b.ts:// TODO later',
    );
    expect((await call(grepTool, { pattern: 'absent', output_mode: 'content' })).content).toBe('No matches found.');
  });

  it('counts matching lines per file', async () => {
    expect(json(await call(grepTool, { pattern: 'todo', '-i': true, output_mode: 'count' }))).toEqual({
      counts: [
        { path: 'src/a.py', count: 1 },
        { path: 'src/b.ts', count: 2 },
      ],
      total: 3,
      truncated: false,
    });
  });

  it('filters by glob on the file name or the path', async () => {
    expect(json(await call(grepTool, { pattern: 'TODO', glob: '*.py' }))).toMatchObject({ files: ['src/a.py'] });
    expect(json(await call(grepTool, { pattern: 'TODO', glob: 'src/*.{ts,js}' }))).toMatchObject({ files: ['src/b.ts'] });
    expect(json(await call(grepTool, { pattern: 'TODO', glob: '*.js', path: 'node_modules' }))).toMatchObject({
      files: ['node_modules/dep/index.js'],
    });
  });

  it('caps results with head_limit and the output size', async () => {
    put('many.txt', Array.from({ length: 50 }, (_, i) => `hit ${i}`).join('\n'));
    const limited = (await call(grepTool, { pattern: 'hit', output_mode: 'content', head_limit: 3 })).content;
    expect(limited).toBe(
      'many.txt:1:hit 0\nmany.txt:2:hit 1\nmany.txt:3:hit 2\n[output truncated after 3 lines; narrow the pattern, path or glob, or raise head_limit]',
    );
    expect(json(await call(grepTool, { pattern: 'TODO', head_limit: 1 }))).toEqual({ files: ['src/a.py'], count: 1, truncated: true });

    put('wide.txt', Array.from({ length: 2000 }, () => `wide ${'w'.repeat(400)}`).join('\n'));
    const wide = (await call(grepTool, { pattern: '^wide', output_mode: 'content', head_limit: 5000 })).content;
    expect(wide.length).toBeLessThan(31_000);
    expect(wide.endsWith('; narrow the pattern, path or glob, or raise head_limit]')).toBe(true);
  });

  it('explains an invalid regular expression', async () => {
    expect(errorOf(await call(grepTool, { pattern: 'foo(' }))).toBe(
      'pattern is not a valid JavaScript regular expression: Invalid regular expression: /foo(/: Unterminated group; escape special characters like ( [ { with a backslash',
    );
  });
});

const sandbox = await sandboxAvailable();
if (!sandbox.ok) console.warn(`SKIPPING sandboxed Bash tests: the bubblewrap sandbox is not available here (${sandbox.reason}; fix: ${sandbox.fix})`);

let uniqueSleep = 7000 + (process.pid % 1000) * 10;
/** A `sleep` no other test runs, to find it on the host. */
function sleepArgv(): string[] {
  uniqueSleep++;
  return ['sleep', String(uniqueSleep)];
}

describe.each([
  ['sandboxed', { mode: 'bwrap' } satisfies SandboxSettings, !sandbox.ok],
  ['unsandboxed', { mode: 'none' } satisfies SandboxSettings, false],
] as const)('Bash (%s)', (_name, settings, skip) => {
  const bash = (input: Record<string, unknown>, extra: Partial<ToolContext> = {}): Promise<ToolResult> =>
    call(bashTool, input, { ...ctx, sandbox: settings, ...extra });

  it.skipIf(skip)('runs in the workspace and returns exit code and output', async () => {
    const result = await bash({ command: 'pwd; echo oops >&2', description: 'where am I' });
    expect(result.isError).toBe(false);
    expect(json(result)).toEqual({ exitCode: 0, stdout: `${ws}\n`, stderr: 'oops\n' });
  });

  it.skipIf(skip)('reports a non-zero exit as a normal result', async () => {
    const result = await bash({ command: 'echo partial; exit 3' });
    expect(result).toEqual({ content: JSON.stringify({ exitCode: 3, stdout: 'partial\n', stderr: '' }), isError: false });
  });

  it.skipIf(skip)('gives commands empty stdin', async () => {
    expect(json(await bash({ command: 'cat; echo done' }))).toMatchObject({ exitCode: 0, stdout: 'done\n' });
  });

  it.skipIf(skip)('kills the command and every process it started on timeout, setsid ones included', async () => {
    const child = sleepArgv();
    const detached = sleepArgv();
    const result = await bash({ command: `echo start; ${child.join(' ')} & setsid ${detached.join(' ')} & wait`, timeout: 300 });
    expect(result.isError).toBe(true);
    const body = json(result);
    expect(body).toMatchObject({ exitCode: null, stdout: 'start\n', timedOut: true });
    expect(body.error).toBe(
      'command timed out after 300 ms and was killed with every process it started; raise timeout (max 600000) or run long jobs in the background with output redirected to a file',
    );
    expect(await gone(child)).toBe(true);
    expect(await gone(detached)).toBe(true);
  });

  it.skipIf(skip)('escalates to SIGKILL when the command ignores SIGTERM', async () => {
    const result = await bash({ command: "trap '' TERM; while true; do sleep 0.05; done", timeout: 200 });
    expect(json(result)).toMatchObject({ timedOut: true, exitCode: null });
  }, 10_000);

  it.skipIf(skip)('lets a deliberate background process outlive the command, until the run ends', async () => {
    const server = sleepArgv();
    const result = await bash({ command: `${server.join(' ')} > server.log 2>&1 & echo started`, timeout: 5000 });
    expect(json(result)).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(startedSoon(server)).toBe(1);
    expect(killBashProcessGroups()).toBeGreaterThanOrEqual(1);
    expect(await gone(server)).toBe(true);
  });

  it.skipIf(skip)('truncates long output, keeping the start and the end', async () => {
    const result = json(await bash({ command: "head -c 100000 /dev/zero | tr '\\0' a; echo -n err >&2" }));
    const note = '\n[... 70003 bytes omitted; redirect the output to a file and use Read or Grep to see all of it ...]\n';
    expect(result.truncated).toBe(true);
    expect(result.stderr).toBe('err');
    expect(result.stdout).toBe(`${'a'.repeat(14998)}${note}${'a'.repeat(14999)}`);
    expect((result.stdout as string).length + (result.stderr as string).length).toBeLessThan(BASH_MAX_OUTPUT_CHARS + 200);
  });

  it.skipIf(skip)('kills a command that prints without end', async () => {
    const result = await bash({ command: 'yes' });
    expect(result.isError).toBe(true);
    expect(json(result)).toMatchObject({
      exitCode: null,
      truncated: true,
      error: 'command printed more output than allowed and was killed; redirect its output to a file (cmd > out.log 2>&1) and use Read or Grep on it',
    });
    expect((json(result).stdout as string).length).toBeLessThan(BASH_MAX_OUTPUT_CHARS + 200);
  });

  it.skipIf(skip)('passes only allow-listed variables, with a home of its own', async () => {
    const saved = { ...process.env };
    // Set and put back one by one: replacing process.env with a copy would cut it off from the real
    // environment (os.homedir() and later files in this fork would no longer see what is set).
    const secrets: Record<string, string> = {
      ANTHROPIC_API_KEY: 'sk-test',
      AWS_ACCESS_KEY_ID: 'AKIA-test',
      DATABASE_URL: 'postgres://u:p@h/db',
      SSH_AUTH_SOCK: '/tmp/agent.sock',
      KUBECONFIG: '/k',
      LC_ALL: 'C.UTF-8',
      TEAMBOARD_VISIBLE: 'yes',
    };
    Object.assign(process.env, secrets);
    try {
      const env = json(await bash({ command: 'env' })).stdout as string;
      const names = env
        .trim()
        .split('\n')
        .map((line) => line.slice(0, line.indexOf('=')));
      const allowed = new Set(['PATH', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'USER', 'LOGNAME', 'COLORTERM', 'NO_COLOR', 'HOME', 'TMPDIR', 'PWD', 'SHLVL', '_', 'OLDPWD', MARK_VARIABLE]);
      expect(names.filter((name) => !allowed.has(name) && !name.startsWith('LC_'))).toEqual([]);
      expect(env).toContain('LC_ALL=C.UTF-8');
      expect(env).not.toContain(`HOME=${saved.HOME}\n`);
      for (const secret of ['sk-test', 'AKIA-test', 'postgres://', 'agent.sock', 'TEAMBOARD_VISIBLE']) expect(env).not.toContain(secret);
    } finally {
      for (const name of Object.keys(secrets)) {
        const before = saved[name];
        if (before === undefined) delete process.env[name];
        else process.env[name] = before;
      }
    }
    expect(stripSecrets({ PATH: '/bin', my_secret: 'x', Anthropic_Base_Url: 'u', HOME: '/h' })).toEqual({ PATH: '/bin', HOME: '/h' });
  });

  it.skipIf(skip)('takes variables from ctx.env: the allowed ones, teamboard\'s own and those the team file names', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ONLY_THIS: 'here', EXTRA: 'named', TEAM_RUN_ID: '7' };
    const shown = json(await bash({ command: 'echo "${ONLY_THIS:-none} ${EXTRA:-none} $TEAM_RUN_ID"' }, { env })).stdout;
    expect(shown).toBe('none none 7\n');
    const named = json(await bash({ command: 'echo "${EXTRA:-none}"' }, { env, sandbox: { ...settings, env: ['EXTRA'] } })).stdout;
    expect(named).toBe('named\n');
  });

  it.skipIf(skip)('stops the command and its children when the signal aborts', async () => {
    const child = sleepArgv();
    const controller = new AbortController();
    const running = bash({ command: `${child.join(' ')} & wait` }, { signal: controller.signal });
    while (hostProcesses(child) === 0) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await running;
    expect(result.isError).toBe(true);
    expect(json(result)).toMatchObject({ interrupted: true, exitCode: null, error: 'command was interrupted because the run is stopping' });
    expect(await gone(child)).toBe(true);
  });

  it.skipIf(skip)('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await bash({ command: 'touch ran.txt' }, { signal: controller.signal });
    expect(json(result)).toMatchObject({ interrupted: true });
    expect(fs.existsSync(path.join(ws, 'ran.txt'))).toBe(false);
  });

  it.skipIf(skip)('reports a command that cannot start', async () => {
    const gone = path.join(root, 'gone');
    expect(errorOf(await bash({ command: 'true' }, { workspace: gone }))).toBe(`could not run the command: the workspace ${gone} does not exist`);
  });

  it.skipIf(skip)('refuses a command outside the agent\'s patterns, found on the parsed line', async () => {
    const result = await bash({ command: 'git status && echo "$(touch pwned.txt)"' }, { bashPatterns: ['git:*'] });
    expect(json(result)).toEqual({
      error: 'command refused: "touch pwned.txt" does not match any allowed pattern (Bash(git:*)); this agent may only run commands matching Bash(git:*)',
      command: 'touch pwned.txt',
      reason: '"touch pwned.txt" does not match any allowed pattern (Bash(git:*))',
      suggestedPattern: 'touch:*',
    });
    expect(fs.existsSync(path.join(ws, 'pwned.txt'))).toBe(false);
  });

  it.skipIf(skip)('asks for a permission through the runtime hook, and runs or refuses as decided', async () => {
    const asked: unknown[] = [];
    const allow = await bash(
      { command: 'touch allowed.txt' },
      { bashPatterns: ['git:*'], requestPermission: async (request) => (asked.push(request), { allowed: true }) },
    );
    expect(json(allow)).toMatchObject({ exitCode: 0 });
    expect(fs.existsSync(path.join(ws, 'allowed.txt'))).toBe(true);
    expect(asked).toEqual([
      {
        tool: 'Bash',
        commandLine: 'touch allowed.txt',
        command: 'touch allowed.txt',
        reason: '"touch allowed.txt" does not match any allowed pattern (Bash(git:*))',
        suggestedPattern: 'touch:*',
      },
    ]);
    const deny = await bash(
      { command: 'touch denied.txt' },
      { bashPatterns: ['git:*'], requestPermission: async () => ({ allowed: false, reason: 'not today', by: 'human' }) },
    );
    expect(json(deny).error).toBe('permission denied by human for "touch denied.txt": not today');
    expect(fs.existsSync(path.join(ws, 'denied.txt'))).toBe(false);
  });
});

describe('Bash input', () => {
  it('refuses a timeout above the maximum', async () => {
    expect(errorOf(await call(bashTool, { command: 'true', timeout: 700_000 }))).toBe(
      'invalid input for Bash: timeout: too big: expected number to be <=600000. Expected fields: command (string), timeout? (integer), description? (string)',
    );
  });
});

describe('workspace confinement', () => {
  beforeEach(() => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'link-file'));
    fs.symlinkSync(outside, path.join(ws, 'link-dir'));
    fs.symlinkSync(path.join(outside, 'planted.txt'), path.join(ws, 'dangling'));
    put('inside.txt', 'inside\n');
    fs.symlinkSync(path.join(ws, 'inside.txt'), path.join(ws, 'link-inside'));
  });

  const escapes: [string, (input: string) => string][] = [
    ['../outside/secret.txt', outsideErrorFor],
    ['/etc/passwd', outsideErrorFor],
    ['~/x.txt', (input) => `path "${input}" is outside the workspace ${ws} ("~" is not expanded); use a path inside it`],
    ['~', (input) => `path "${input}" is outside the workspace ${ws} ("~" is not expanded); use a path inside it`],
    ['link-file', (input) => symlinkError(input, path.join(outside, 'secret.txt'))],
    ['link-dir/secret.txt', (input) => symlinkError(input, path.join(outside, 'secret.txt'))],
    ['link-dir/new/file.txt', (input) => symlinkError(input, path.join(outside, 'new/file.txt'))],
    ['dangling', (input) => symlinkError(input, path.join(outside, 'planted.txt'))],
    ['sub/../../outside/x', (input) => outsideErrorFor(input)],
  ];

  function outsideErrorFor(input: string): string {
    return outsideError(input);
  }

  function symlinkError(input: string, real: string): string {
    return `path "${input}" is outside the workspace ${ws} (it leads through a symlink to ${real}); use a path inside it`;
  }

  it.each(escapes)('refuses %s in every file tool', async (input, message) => {
    const expected = message(input);
    expect(errorOf(await call(readTool, { file_path: input }))).toBe(expected);
    expect(errorOf(await call(writeTool, { file_path: input, content: 'pwned' }))).toBe(expected);
    expect(errorOf(await call(editTool, { file_path: input, old_string: 'SECRET', new_string: 'pwned' }))).toBe(expected);
    expect(errorOf(await call(globTool, { pattern: '*', path: input }))).toBe(expected);
    expect(errorOf(await call(grepTool, { pattern: 'SECRET', path: input }))).toBe(expected);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('SECRET outside\n');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('follows symlinks that stay inside the workspace', async () => {
    expect((await call(readTool, { file_path: 'link-inside' })).content).toBe('     1\tinside');
  });

  it('does not reach outside through symlinks while walking', async () => {
    expect(json(await call(grepTool, { pattern: 'SECRET' }))).toEqual({ files: [], count: 0, truncated: false });
    expect(json(await call(globTool, { pattern: '**' })).files).toEqual(expect.not.arrayContaining(['link-file', 'link-dir/secret.txt']));
    expect(json(await call(globTool, { pattern: '**/*inside*' })).files).toEqual(expect.arrayContaining(['inside.txt', 'link-inside']));
    expect(errorOf(await call(globTool, { pattern: 'link-dir/**' }))).toBe(
      `path "link-dir" is outside the workspace ${ws} (it leads through a symlink to ${outside}); use a path inside it`,
    );
  });

  it('resolves paths to absolute and workspace-relative forms', () => {
    expect(resolveWorkspacePath(ws, './a/../b.txt')).toEqual({ ok: true, abs: path.join(ws, 'b.txt'), rel: 'b.txt', rootReal: ws, parts: ['b.txt'] });
    expect(resolveWorkspacePath(ws, ws)).toEqual({ ok: true, abs: ws, rel: '.', rootReal: ws, parts: [] });
    expect(resolveWorkspacePath(ws, '')).toEqual({ ok: false, error: 'path is empty; give a file path relative to the workspace' });
  });
});

describe('runTool', () => {
  it('turns wrong types into an actionable error', async () => {
    expect(await call(readTool, { file_path: 42 })).toEqual({
      content: JSON.stringify({
        error: 'invalid input for Read: file_path: expected string, received number. Expected fields: file_path (string), offset? (integer), limit? (integer)',
      }),
      isError: true,
    });
  });

  it('names missing fields, bad enums, non-integers and non-objects', async () => {
    expect(errorOf(await call(writeTool, { file_path: 'a.txt' }))).toBe(
      'invalid input for Write: content: missing (expected string). Expected fields: file_path (string), content (string)',
    );
    expect(errorOf(await call(grepTool, { pattern: 'x', output_mode: 'lines' }))).toBe(
      'invalid input for Grep: output_mode: invalid option: expected one of "content"|"files_with_matches"|"count". Expected fields: pattern (string), path? (string), glob? (string), output_mode? ("content"|"files_with_matches"|"count"), -i? (boolean), -n? (boolean), head_limit? (integer)',
    );
    expect(errorOf(await call(readTool, { file_path: 'a', offset: 1.5 }))).toBe(
      'invalid input for Read: offset: expected integer, received number 1.5. Expected fields: file_path (string), offset? (integer), limit? (integer)',
    );
    expect(errorOf(await call(readTool, null))).toBe(
      'invalid input for Read: input: expected object, received null. Expected fields: file_path (string), offset? (integer), limit? (integer)',
    );
  });

  it('ignores unknown fields', async () => {
    put('a.txt', 'x');
    expect(await call(readTool, { file_path: 'a.txt', extra: true })).toEqual({ content: '     1\tx', isError: false });
  });

  it('turns an exception from execute into an error result', async () => {
    const boom = defineTool({
      name: 'Boom',
      description: 'Always throws.',
      inputSchema: z.object({}),
      execute: () => {
        throw new Error('disk on fire');
      },
    });
    expect(await call(boom, {})).toEqual({ content: JSON.stringify({ error: 'Boom failed: disk on fire' }), isError: true });
  });
});

describe('tool specs', () => {
  it('lists the six workspace tools', () => {
    expect(workspaceTools.map((tool) => tool.name)).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash']);
  });

  it.each(workspaceTools.map((tool) => [tool.name, tool] as const))('%s schema is what the model sees', (_name, tool) => {
    const spec = toolSpec(tool);
    expect(spec.input_schema.type).toBe('object');
    expect(spec.input_schema).not.toHaveProperty('$schema');
    expect(spec).toMatchSnapshot();
  });
});
