import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfinedError, readFileBeneath } from '../sandbox/confined-fs.js';
import { RegexTimeoutError, RegexWorker } from '../sandbox/regex-worker.js';
import { looksBinary, SKIPPED_DIRS, type WalkedFile, walkFiles } from './file-walk.js';
import { compileGlob, GlobPatternError } from './glob-match.js';
import { defineTool, fail, ok, type ToolResult } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

export const GREP_DEFAULT_LIMIT = 250;
export const GREP_MAX_OUTPUT_CHARS = 30_000;
export const GREP_MAX_LINE_CHARS = 500;
export const GREP_MAX_SCANNED = 50_000;
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Time the pattern may take on one file: 2 s, plus 1 s per full MB. */
export const GREP_TIME_LIMIT_BASE_MS = 2_000;

const inputSchema = z.object({
  pattern: z.string().min(1).describe('JavaScript regular expression to search for, e.g. "TODO|FIXME" or "def \\w+".'),
  path: z.string().optional().describe('File or directory to search, relative to the workspace. Default: the workspace root.'),
  glob: z.string().optional().describe('Only search files matching this glob, e.g. "*.py" (matched against the file name) or "src/**/*.ts" (matched against the path under path).'),
  output_mode: z
    .enum(['content', 'files_with_matches', 'count'])
    .optional()
    .describe('"files_with_matches" (default) lists files, "content" shows matching lines, "count" counts matching lines per file.'),
  '-i': z.boolean().optional().describe('Case-insensitive search.'),
  '-n': z.boolean().optional().describe('Prefix matching lines with their line number (content mode). Default true.'),
  head_limit: z.number().int().min(1).max(5000).optional().describe(`Maximum number of lines, files or counts to return. Default ${GREP_DEFAULT_LIMIT}.`),
});

type Input = z.infer<typeof inputSchema>;

export const grepTool = defineTool({
  name: 'Grep',
  description:
    'Searches file contents in the workspace with a JavaScript regular expression, line by line. ' +
    'output_mode "files_with_matches" (default) returns {files, count, truncated}; "content" returns matching lines as `path:line:text`; "count" returns {counts: [{path, count}], total, truncated}. ' +
    'Narrow the search with path (a file or directory relative to the workspace) and glob (e.g. "*.py"). ' +
    `Binary files, .git and node_modules are skipped; results are capped by head_limit (default ${GREP_DEFAULT_LIMIT}) and about ${GREP_MAX_OUTPUT_CHARS} characters. Paths outside the workspace are refused.`,
  inputSchema,
  async execute(input, ctx) {
    let regex: RegExp;
    try {
      regex = new RegExp(input.pattern, input['-i'] ? 'i' : '');
    } catch (error) {
      return fail(`pattern is not a valid JavaScript regular expression: ${(error as Error).message}; escape special characters like ( [ { with a backslash`);
    }
    let fileFilter: ((rel: string) => boolean) | null = null;
    if (input.glob !== undefined) {
      try {
        const globRegex = compileGlob(input.glob);
        fileFilter = input.glob.includes('/') ? (rel) => globRegex.test(rel) : (rel) => globRegex.test(path.posix.basename(rel));
      } catch (error) {
        if (error instanceof GlobPatternError) return fail(`glob: ${error.message}`);
        throw error;
      }
    }

    const target = resolveWorkspacePath(ctx.workspace, input.path ?? '.');
    if (!target.ok) return fail(target.error);
    const stat = await fs.stat(target.abs).catch(() => null);
    if (!stat) return fail(`path "${target.rel}" does not exist; use Glob to find the right path`);
    if (!stat.isDirectory() && !stat.isFile()) return fail(`"${target.rel}" is not a regular file or directory`);

    const rootReal = target.rootReal;
    const targetReal = path.join(rootReal, ...target.parts);
    let candidates: WalkedFile[];
    let complete = true;
    let baseDir: string;
    if (stat.isDirectory()) {
      baseDir = target.abs;
      const named = `${input.path ?? ''}/${input.glob ?? ''}`;
      const walk = await walkFiles(target.abs, {
        workspaceReal: rootReal,
        startReal: targetReal,
        skipDirs: new Set(SKIPPED_DIRS.filter((dir) => !named.includes(dir))),
        maxFiles: GREP_MAX_SCANNED,
        signal: ctx.signal,
      });
      candidates = walk.files;
      complete = walk.complete;
    } else {
      baseDir = path.dirname(target.abs);
      candidates = [{ abs: target.abs, real: targetReal }];
    }
    const targetDirRel = stat.isDirectory() ? target.rel : path.posix.dirname(target.rel);
    const files = candidates
      .map((f) => ({ ...f, rel: path.relative(baseDir, f.abs).split(path.sep).join('/') }))
      .filter((f) => fileFilter === null || fileFilter(f.rel))
      .map((f) => ({ parts: path.relative(rootReal, f.real).split(path.sep), display: targetDirRel === '.' ? f.rel : `${targetDirRel}/${f.rel}` }));

    let found: Found;
    try {
      found = await searchFiles(rootReal, files, regex, input, ctx.signal);
    } catch (error) {
      if (!(error instanceof SearchTimeout)) throw error;
      return fail(
        `the pattern took more than ${error.limitMs} ms on "${error.file}" and the search was stopped; it probably backtracks catastrophically (nested quantifiers like (a+)+ or (a|a)*): simplify it, or narrow path or glob`,
      );
    }
    const notes = complete ? [] : [`stopped after scanning ${GREP_MAX_SCANNED} files; narrow path or glob`];
    if (found.skippedLinks.length > 0) {
      notes.push(`skipped ${found.skippedLinks.length} file(s) with more than one hard link (${found.skippedLinks.slice(0, 3).join(', ')}); read them with Bash`);
    }
    return format(found, input, notes);
  },
});

interface Found {
  lines: string[];
  files: string[];
  counts: { path: string; count: number }[];
  total: number;
  truncated: boolean;
  skippedLinks: string[];
}

class SearchTimeout extends Error {
  constructor(
    readonly file: string,
    readonly limitMs: number,
  ) {
    super(`timed out on ${file}`);
  }
}

/**
 * Reads each file through the confined layer and matches it in a worker thread with a time limit,
 * so neither a link swapped in nor a catastrophic pattern can reach outside or freeze the process.
 */
async function searchFiles(
  rootReal: string,
  files: { parts: string[]; display: string }[],
  regex: RegExp,
  input: Input,
  signal: AbortSignal | undefined,
): Promise<Found> {
  const mode = input.output_mode ?? 'files_with_matches';
  const limit = input.head_limit ?? GREP_DEFAULT_LIMIT;
  const withNumbers = input['-n'] ?? true;
  const found: Found = { lines: [], files: [], counts: [], total: 0, truncated: false, skippedLinks: [] };
  if (files.length === 0) return found;
  let chars = 0;
  const worker = new RegexWorker(regex.source, regex.flags);
  try {
    for (const file of files) {
      if (signal?.aborted) break;
      const text = await readText(rootReal, file, found);
      if (text === null) continue;
      const keep = mode === 'content' ? limit - found.lines.length + 1 : 0;
      const limitMs = GREP_TIME_LIMIT_BASE_MS + Math.floor(text.length / 1_000_000) * 1_000;
      let matches;
      try {
        matches = await worker.match(text, keep, limitMs, signal);
      } catch (error) {
        if (error instanceof RegexTimeoutError && !signal?.aborted) throw new SearchTimeout(file.display, limitMs);
        if (error instanceof RegexTimeoutError) break;
        throw error;
      }
      if (matches.count === 0) continue;
      for (const [n, line] of matches.lines) {
        const shown = `${file.display}:${withNumbers ? `${n}:` : ''}${cut(line)}`;
        if (found.lines.length >= limit || chars + shown.length > GREP_MAX_OUTPUT_CHARS) {
          found.truncated = true;
          return found;
        }
        found.lines.push(shown);
        chars += shown.length + 1;
      }
      found.total += matches.count;
      if (mode === 'files_with_matches') {
        if (found.files.length >= limit) {
          found.truncated = true;
          return found;
        }
        found.files.push(file.display);
      }
      if (mode === 'count') {
        if (found.counts.length >= limit) found.truncated = true;
        else found.counts.push({ path: file.display, count: matches.count });
      }
    }
    return found;
  } finally {
    worker.close();
  }
}

function format(found: Found, input: Input, notes: string[]): ToolResult {
  const mode = input.output_mode ?? 'files_with_matches';
  const extra = notes.length > 0 ? { note: notes.join('; ') } : {};
  if (mode === 'count') return ok({ counts: found.counts, total: found.total, truncated: found.truncated, ...extra });
  if (mode === 'files_with_matches') return ok({ files: found.files, count: found.files.length, truncated: found.truncated, ...extra });
  if (found.lines.length === 0) return ok(['No matches found.', ...notes].join('\n'));
  const tail = found.truncated
    ? [`[output truncated after ${found.lines.length} lines; narrow the pattern, path or glob, or raise head_limit]`]
    : [];
  return ok([...found.lines, ...tail, ...notes].join('\n'));
}

async function readText(rootReal: string, file: { parts: string[]; display: string }, found: Found): Promise<string | null> {
  try {
    const buffer = await readFileBeneath(rootReal, file.parts, MAX_FILE_BYTES);
    return looksBinary(buffer) ? null : buffer.toString('utf8');
  } catch (error) {
    if (error instanceof ConfinedError && error.failure === 'hard-links') found.skippedLinks.push(file.display);
    return null;
  }
}

function cut(line: string): string {
  return line.length <= GREP_MAX_LINE_CHARS ? line : `${line.slice(0, GREP_MAX_LINE_CHARS)}… [line cut: ${line.length} characters]`;
}
