import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SKIPPED_DIRS, walkFiles } from './file-walk.js';
import { compileGlob, GlobPatternError, hasParentSegment, literalPrefix } from './glob-match.js';
import { defineTool, fail, ok } from './tool.js';
import { isInside, resolveWorkspacePath } from './workspace-path.js';

export const GLOB_MAX_RESULTS = 200;
export const GLOB_MAX_SCANNED = 100_000;

const inputSchema = z.object({
  pattern: z.string().describe('Glob pattern relative to path, e.g. "**/*.py", "src/*.ts" or "{data,models}/**".'),
  path: z.string().optional().describe('Directory to search in, relative to the workspace. Default: the workspace root.'),
});

export const globTool = defineTool({
  name: 'Glob',
  description:
    'Finds files whose path matches a glob pattern: `*` and `?` match within one path segment, `**` matches any number of directories, `[abc]` and `{a,b}` work as in the shell. ' +
    'The pattern is matched against paths relative to `path` (default: the workspace root), so use "**/*.py" to search all directories; hidden files are included, .git and node_modules are skipped unless the pattern names them. ' +
    `Returns {files, count, truncated}: paths relative to the workspace, most recently modified first, at most ${GLOB_MAX_RESULTS}. ` +
    'Paths outside the workspace are refused.',
  inputSchema,
  async execute(input, ctx) {
    const base = resolveWorkspacePath(ctx.workspace, input.path ?? '.');
    if (!base.ok) return fail(base.error);
    const stat = await fs.stat(base.abs).catch(() => null);
    if (!stat) return fail(`directory "${base.rel}" does not exist; use a directory inside the workspace`);
    if (!stat.isDirectory()) return fail(`"${base.rel}" is a file, not a directory; give its directory as path`);

    let pattern = input.pattern;
    if (path.isAbsolute(pattern)) {
      if (!isInside(base.abs, pattern)) return fail(`pattern "${pattern}" is an absolute path outside "${base.rel}"; give a pattern relative to path`);
      pattern = path.relative(base.abs, pattern) || '**';
    }
    let regex: RegExp;
    try {
      if (hasParentSegment(pattern)) return fail(`pattern "${pattern}" contains "..", which leaves the searched directory; set path instead`);
      regex = compileGlob(pattern);
    } catch (error) {
      if (error instanceof GlobPatternError) return fail(error.message);
      throw error;
    }

    const start = resolveWorkspacePath(ctx.workspace, path.join(input.path ?? '.', literalPrefix(pattern)));
    if (!start.ok) return fail(start.error);
    const startStat = await fs.stat(start.abs).catch(() => null);
    if (!startStat?.isDirectory()) return ok({ files: [], count: 0, truncated: false });

    const named = `${input.path ?? ''}/${pattern}`;
    const walk = await walkFiles(start.abs, {
      workspaceReal: start.rootReal,
      startReal: path.join(start.rootReal, ...start.parts),
      skipDirs: new Set(SKIPPED_DIRS.filter((dir) => !named.includes(dir))),
      maxFiles: GLOB_MAX_SCANNED,
      signal: ctx.signal,
    });

    const matches = walk.files
      .map(({ abs }) => path.relative(base.abs, abs).split(path.sep).join('/'))
      .filter((rel) => regex.test(rel));
    const withTimes = await withMtimes(matches.map((rel) => ({ rel, abs: path.join(base.abs, rel) })));
    withTimes.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

    const files = withTimes.slice(0, GLOB_MAX_RESULTS).map((m) => (base.rel === '.' ? m.rel : `${base.rel}/${m.rel}`));
    const result: Record<string, unknown> = { files, count: matches.length, truncated: matches.length > GLOB_MAX_RESULTS || !walk.complete };
    if (!walk.complete) result.note = `stopped after scanning ${GLOB_MAX_SCANNED} files; narrow the pattern or path`;
    return ok(result);
  },
});

async function withMtimes(files: { rel: string; abs: string }[]): Promise<{ rel: string; mtimeMs: number }[]> {
  const out: { rel: string; mtimeMs: number }[] = [];
  for (let i = 0; i < files.length; i += 64) {
    const batch = files.slice(i, i + 64);
    const stats = await Promise.all(batch.map((f) => fs.stat(f.abs).catch(() => null)));
    batch.forEach((f, j) => out.push({ rel: f.rel, mtimeMs: stats[j]?.mtimeMs ?? 0 }));
  }
  return out;
}
