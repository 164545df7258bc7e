import { z } from 'zod';
import { ConfinedError, readFileBeneath, writeFileBeneath } from '../sandbox/confined-fs.js';
import { looksBinary } from './file-walk.js';
import { defineTool, fail, ok } from './tool.js';
import { confinedFailureMessage, resolveWorkspacePath } from './workspace-path.js';
import { writeErrorReason } from './write.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

const inputSchema = z.object({
  file_path: z.string().describe('File to edit, relative to the workspace (or absolute inside it).'),
  old_string: z.string().describe('Exact text to replace, including whitespace and indentation.'),
  new_string: z.string().describe('Text to put in its place.'),
  replace_all: z.boolean().optional().describe('Replace every occurrence instead of requiring exactly one. Default false.'),
});

export const editTool = defineTool({
  name: 'Edit',
  description:
    'Replaces exact text in an existing workspace file: old_string must occur exactly once, unless replace_all is true. ' +
    'Paths are relative to the workspace root; paths outside the workspace are refused. ' +
    'Read the file first and copy old_string exactly, with enough surrounding lines to make it unique. ' +
    'To create a file or rewrite it entirely, use Write. Returns {ok, path, replacements}.',
  inputSchema,
  async execute(input, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, input.file_path);
    if (!target.ok) return fail(target.error);
    const { rel } = target;

    if (input.old_string === '') return fail('old_string is empty; give the exact text to replace (to create a file, use Write)');
    if (input.old_string === input.new_string) return fail('old_string and new_string are identical; nothing would change');

    let buffer: Buffer;
    try {
      buffer = await readFileBeneath(target.rootReal, target.parts, MAX_FILE_BYTES);
    } catch (error) {
      if (error instanceof ConfinedError && error.failure === 'missing') {
        return fail(`file "${rel}" does not exist; use Write to create it, or Glob to find the right path`);
      }
      if (error instanceof ConfinedError && error.failure === 'directory') return fail(`"${rel}" is not a regular file`);
      const message = confinedFailureMessage(error, rel);
      if (message === null) throw error;
      return fail(message);
    }
    if (looksBinary(buffer)) return fail(`file "${rel}" looks binary (it contains NUL bytes); Edit only changes text files`);

    const text = buffer.toString('utf8');
    let oldString = input.old_string;
    let newString = input.new_string;
    // Read shows lines without their \r, so text copied from it lacks the file's CRLF endings.
    if (!text.includes(oldString) && oldString.includes('\n') && text.includes('\r\n')) {
      oldString = toCrlf(oldString);
      newString = toCrlf(newString);
    }
    const parts = text.split(oldString);
    const count = parts.length - 1;
    if (count === 0) {
      return fail(`old_string was not found in "${rel}"; Read the file and copy the text exactly, including whitespace and indentation`);
    }
    if (count > 1 && input.replace_all !== true) {
      return fail(`old_string occurs ${count} times in "${rel}"; include more surrounding lines to make it unique, or set replace_all to true to replace all ${count}`);
    }
    try {
      await writeFileBeneath(target.rootReal, target.parts, parts.join(newString));
    } catch (error) {
      return fail(confinedFailureMessage(error, rel) ?? `could not write "${rel}": ${writeErrorReason(error)}`);
    }
    return ok({ ok: true, path: rel, replacements: count });
  },
});

function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
