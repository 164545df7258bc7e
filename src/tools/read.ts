import { z } from 'zod';
import { ConfinedError, readFileBeneath } from '../sandbox/confined-fs.js';
import { looksBinary } from './file-walk.js';
import { defineTool, fail, ok } from './tool.js';
import { confinedFailureMessage, resolveWorkspacePath } from './workspace-path.js';

export const READ_DEFAULT_LIMIT = 2000;
export const READ_MAX_LINE_CHARS = 2000;
/** Above this many characters of numbered output, Read stops early and says where to continue. */
export const READ_MAX_OUTPUT_CHARS = 100_000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

const inputSchema = z.object({
  file_path: z.string().describe('File to read, relative to the workspace (or absolute inside it).'),
  offset: z.number().int().min(0).max(1e9).optional().describe('Line number to start at (1-based). Default 1.'),
  limit: z.number().int().min(1).max(1e6).optional().describe(`Number of lines to read. Default ${READ_DEFAULT_LIMIT}.`),
});

export const readTool = defineTool({
  name: 'Read',
  description:
    `Reads a text file from the workspace and returns its lines numbered like \`cat -n\` (line number, tab, text). ` +
    `Paths are relative to the workspace root; paths outside the workspace are refused. ` +
    `Returns at most ${READ_DEFAULT_LIMIT} lines by default: use offset (1-based line number) and limit to page through larger files. ` +
    `Lines longer than ${READ_MAX_LINE_CHARS} characters are cut. Directories and binary files are refused: use Glob to list files.`,
  inputSchema,
  async execute(input, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, input.file_path);
    if (!target.ok) return fail(target.error);
    const { rel } = target;

    let buffer: Buffer;
    try {
      buffer = await readFileBeneath(target.rootReal, target.parts, MAX_FILE_BYTES);
    } catch (error) {
      if (error instanceof ConfinedError && error.failure === 'too-large') {
        return fail(`file "${rel}" is ${error.message}, more than Read handles (${MAX_FILE_BYTES}); use Grep or Bash (head, sed -n) to look at parts of it`);
      }
      const message = confinedFailureMessage(error, rel);
      if (message === null) throw error;
      return fail(message);
    }
    if (looksBinary(buffer)) return fail(`file "${rel}" looks binary (it contains NUL bytes); Read only shows text files`);
    if (buffer.length === 0) return ok(`(file "${rel}" is empty)`);

    const lines = splitLines(buffer.toString('utf8'));
    const start = Math.max(input.offset ?? 1, 1);
    if (start > lines.length) {
      return fail(`offset ${start} is past the end of "${rel}", which has ${lines.length} lines; use an offset from 1 to ${lines.length}`);
    }
    const end = Math.min(start - 1 + (input.limit ?? READ_DEFAULT_LIMIT), lines.length);
    return ok(numberLines(lines, start, end, rel));
  },
});

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function numberLines(lines: string[], start: number, end: number, rel: string): string {
  const out: string[] = [];
  let chars = 0;
  let last = start - 1;
  for (let n = start; n <= end; n++) {
    const line = cutLine(lines[n - 1] ?? '');
    const numbered = `${String(n).padStart(6)}\t${line}`;
    if (chars + numbered.length > READ_MAX_OUTPUT_CHARS && out.length > 0) break;
    out.push(numbered);
    chars += numbered.length + 1;
    last = n;
  }
  if (last < lines.length) {
    out.push(`[showing lines ${start}-${last} of ${lines.length} in "${rel}"; call Read with offset ${last + 1} to continue]`);
  }
  return out.join('\n');
}

function cutLine(line: string): string {
  if (line.length <= READ_MAX_LINE_CHARS) return line;
  return `${line.slice(0, READ_MAX_LINE_CHARS)}… [line cut: ${line.length} characters]`;
}
