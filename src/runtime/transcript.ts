import { z } from 'zod';
import type { BoardOps } from '../board/board.js';
import type { StoredTranscript } from '../board/types.js';
import { assistantBlockSchema, messagesSchema } from '../models/message-schema.js';
import type { AssistantBlock, Message } from '../models/model.js';
import { RuntimeError } from './errors.js';
import type { MemberRuntime } from './member.js';

/** A turn whose tool calls are not all answered yet: kept on the board so a resume can finish it. */
export interface PartialTurn {
  assistant: { role: 'assistant'; content: AssistantBlock[] };
  results: Record<string, { content: string; isError: boolean }>;
  /** Calls that were started: after a crash they are reported as interrupted, never run again. */
  started: string[];
  /** The AskUserQuestion call waiting for its answer. */
  question: { useId: string; questionId: number } | null;
}

const partialTurnSchema: z.ZodType<PartialTurn> = z.object({
  assistant: z.object({ role: z.literal('assistant'), content: z.array(assistantBlockSchema) }),
  results: z.record(z.string(), z.object({ content: z.string(), isError: z.boolean() })),
  started: z.array(z.string()),
  question: z.object({ useId: z.string(), questionId: z.number().int() }).nullable(),
});

/** A stored conversation checked back into its types; a transcript this version cannot read stops the resume with the reason. */
export function readTranscript(stored: StoredTranscript, member: string, runId: number): { messages: Message[]; partial: PartialTurn | null } {
  const messages = messagesSchema.safeParse(stored.messages);
  if (!messages.success) throw unreadable(member, runId, 'messages', messages.error);
  if (stored.inFlight === null || stored.inFlight === undefined) return { messages: messages.data, partial: null };
  const partial = partialTurnSchema.safeParse(stored.inFlight);
  if (!partial.success) throw unreadable(member, runId, 'turn in flight', partial.error);
  return { messages: messages.data, partial: partial.data };
}

function unreadable(member: string, runId: number, part: string, error: z.ZodError): RuntimeError {
  const issue = error.issues[0];
  const where = issue ? `${issue.path.join('.') || part}: ${issue.message}` : 'unknown problem';
  return new RuntimeError(`the stored conversation of ${member} in run ${runId} cannot be read (${part}, ${where}); it was written by another version or edited. Start a new run`);
}

/**
 * Save the member's conversation: only the messages after the part already stored, and the turn
 * in flight. Messages are never changed in place (only appended, replaced at the end or cut back
 * by compaction), so the stored part is the common prefix by identity.
 */
export async function persist(member: MemberRuntime, ops: BoardOps = member.env.board): Promise<void> {
  const keep = commonPrefix(member.stored, member.messages);
  await ops.saveTranscript(member.env.runId, member.cfg.name, keep, member.messages.slice(keep), member.partial);
  member.stored = [...member.messages];
}

function commonPrefix(stored: readonly Message[], current: readonly Message[]): number {
  const max = Math.min(stored.length, current.length);
  let i = 0;
  while (i < max && stored[i] === current[i]) i++;
  return i;
}
