import { z } from 'zod';
import type { AssistantBlock, Message, UserBlock } from './model.js';

/**
 * Messages as stored (transcripts, tapes) checked back into the Message type: what was written by
 * an older version, or edited by hand, is refused with a reason instead of read as it is.
 */
const textBlock = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() });
const toolResultBlock = z.object({ type: z.literal('tool_result'), tool_use_id: z.string().min(1), content: z.string(), is_error: z.boolean().optional() });

export const assistantBlockSchema: z.ZodType<AssistantBlock> = z.discriminatedUnion('type', [textBlock, toolUseBlock]);
export const userBlockSchema: z.ZodType<UserBlock> = z.discriminatedUnion('type', [textBlock, toolResultBlock]);

export const messageSchema: z.ZodType<Message> = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(userBlockSchema)]) }),
  z.object({ role: z.literal('assistant'), content: z.array(assistantBlockSchema) }),
]);

export const messagesSchema = z.array(messageSchema);
