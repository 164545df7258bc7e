import type { BoardReads } from '../src/board/board.js';
import { z } from 'zod';
import type { AssistantBlock, Message } from '../src/models/model.js';
import { toolCallDetails } from '../src/runtime/tool-event.js';
import { summarizeCall } from '../src/runtime/tool-summary.js';
import { readTranscript, type PartialTurn } from '../src/runtime/transcript.js';
import type { Doc } from './document.js';
import { formatOffset } from './format.js';
import type { CommandEvent } from './task-detail.js';

interface Call {
  input: unknown;
  content: string;
  isError: boolean;
}

/** Every Bash call in a conversation with the result the model got, oldest first (the turn in flight too). */
function bashCalls(messages: readonly Message[], partial: PartialTurn | null): Call[] {
  const results = new Map<string, { content: string; isError: boolean }>();
  for (const m of messages) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_result') results.set(b.tool_use_id, { content: b.content, isError: b.is_error === true });
  }
  for (const [id, r] of Object.entries(partial?.results ?? {})) results.set(id, r);
  const calls: Call[] = [];
  const blocks: AssistantBlock[] = [...messages.flatMap((m) => (m.role === 'assistant' ? m.content : [])), ...(partial?.assistant.content ?? [])];
  for (const b of blocks) {
    if (b.type !== 'tool_use' || b.name !== 'Bash') continue;
    const result = results.get(b.id);
    if (result) calls.push({ input: b.input, ...result });
  }
  return calls;
}

function sameTail(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((line, i) => line === y[i]);
}

const bashResult = z.object({ stdout: z.string().optional(), stderr: z.string().optional() });

/** stdout and stderr of a Bash result as the model got it; a result in another shape is shown whole. */
function streams(content: string): { stdout: string; stderr: string } {
  try {
    const parsed = bashResult.safeParse(JSON.parse(content));
    if (parsed.success) return { stdout: parsed.data.stdout ?? '', stderr: parsed.data.stderr ?? '' };
  } catch {
    // Not JSON: shown as it is.
  }
  return { stdout: content, stderr: '' };
}

/**
 * The full output of a command a member ran, for the viewer. The event keeps only the last lines;
 * the whole of it (as the Bash tool returned it to the model) is in the member's conversation on
 * the board, found by the command and the lines the event kept. A conversation is summarised once
 * its task is done, so for an older task the kept lines may be all there is: the viewer says so.
 */
export async function commandOutput(board: Pick<BoardReads, 'loadTranscript'>, runId: number, event: CommandEvent, startedAt: number): Promise<Doc> {
  const p = event.payload;
  const status = p.exitCode === undefined ? (p.ok ? 'ok' : 'failed') : p.exitCode === null ? 'killed' : `exit ${p.exitCode}`;
  const base = { kind: 'output' as const, title: `$ ${p.summary}` };
  const info = (where: string) => [p.member, status, `at ${formatOffset(event.ts - startedAt)}`, where].join(' · ');
  const kept = (p.output ?? []).join('\n');
  let found: Call | undefined;
  let problem: string | null = null;
  try {
    const stored = await board.loadTranscript(runId, p.member);
    if (stored) {
      const { messages, partial } = readTranscript(stored, p.member, runId);
      found = bashCalls(messages, partial)
        .filter((c) => summarizeCall('Bash', c.input) === p.summary)
        .filter((c) => {
          const d = toolCallDetails('Bash', c.input, c.content, c.isError);
          return d.exitCode === p.exitCode && sameTail(d.output, p.output);
        })
        .at(-1);
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (found) return { ...base, info: info(`full output, from ${p.member}'s conversation`), ...streams(found.content), note: null };
  const note = problem
    ? `The full output could not be read (${problem}). These are the last ${p.output?.length ?? 0} lines, kept with the call.`
    : `The full output is no longer kept: ${p.member}'s conversation is summarised once a task is done. These are the last ${p.output?.length ?? 0} lines, kept with the call.`;
  return { ...base, info: info('last lines only'), stdout: kept, stderr: '', note };
}
