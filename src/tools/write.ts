import { z } from 'zod';
import { ConfinedError, writeFileBeneath } from '../sandbox/confined-fs.js';
import { defineTool, fail, ok } from './tool.js';
import { confinedFailureMessage, resolveWorkspacePath } from './workspace-path.js';

const inputSchema = z.object({
  file_path: z.string().describe('File to write, relative to the workspace (or absolute inside it).'),
  content: z.string().describe('The complete new content of the file.'),
});

export const writeTool = defineTool({
  name: 'Write',
  description:
    'Writes a text file in the workspace, replacing it completely if it exists and creating missing parent directories. ' +
    'Paths are relative to the workspace root; paths outside the workspace are refused. ' +
    'To change part of an existing file, prefer Edit. Returns {ok, path, bytes}.',
  inputSchema,
  async execute(input, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, input.file_path);
    if (!target.ok) return fail(target.error);
    const { rel } = target;
    try {
      await writeFileBeneath(target.rootReal, target.parts, input.content);
    } catch (error) {
      if (error instanceof ConfinedError && error.failure === 'directory') return fail(`"${rel}" is a directory; give a file path`);
      return fail(confinedFailureMessage(error, rel) ?? `could not write "${rel}": ${writeErrorReason(error)}`);
    }
    return ok({ ok: true, path: rel, bytes: Buffer.byteLength(input.content, 'utf8') });
  },
});

export function writeErrorReason(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a parent of this path is a file, not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
