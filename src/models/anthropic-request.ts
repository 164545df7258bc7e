import type { AssistantBlock, Message, ModelRequest, StopReason, ToolSpec, UserBlock } from './model.js';

/** Prompt-cache marker; the API allows at most four per request. */
export const EPHEMERAL = { type: 'ephemeral' } as const;
export const MAX_CACHE_BREAKPOINTS = 4;

type Cached<T> = T & { cache_control?: typeof EPHEMERAL };

export interface MessagesBody {
  model: string;
  max_tokens: number;
  system?: Cached<{ type: 'text'; text: string }>[];
  tools?: Cached<ToolSpec>[];
  messages: { role: 'user' | 'assistant'; content: string | Cached<UserBlock | AssistantBlock>[] }[];
}

/**
 * The Messages API body for a model request, with prompt-cache breakpoints on the last tool, the
 * last system block and the last block of the conversation. Tools and system come first in the
 * cache prefix, so every turn of a member shares them; the conversation breakpoint lets the next
 * turn read everything up to this one. The caller's transcript is never mutated.
 */
export function buildMessagesBody(request: ModelRequest): MessagesBody {
  const body: MessagesBody = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages.map(copyMessage),
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool, i, all) =>
      i === all.length - 1 ? { ...tool, cache_control: EPHEMERAL } : { ...tool },
    );
  }
  if (request.system.length > 0) body.system = [{ type: 'text', text: request.system, cache_control: EPHEMERAL }];
  markLastBlock(body.messages);
  return body;
}

function copyMessage(message: Message): MessagesBody['messages'][number] {
  if (typeof message.content === 'string') return { role: message.role, content: message.content };
  return { role: message.role, content: message.content.map((block) => ({ ...block })) };
}

function markLastBlock(messages: MessagesBody['messages']): void {
  const last = messages.at(-1);
  if (!last) return;
  if (typeof last.content === 'string') {
    if (last.content.length === 0) return;
    last.content = [{ type: 'text', text: last.content, cache_control: EPHEMERAL }];
    return;
  }
  const block = last.content.at(-1);
  // An empty text block cannot carry a breakpoint (the API rejects it).
  if (!block || (block.type === 'text' && block.text.length === 0)) return;
  last.content[last.content.length - 1] = { ...block, cache_control: EPHEMERAL };
}

/** Content blocks of an API message as the Model interface carries them (thinking and server blocks dropped). */
export function toAssistantBlocks(content: readonly object[]): AssistantBlock[] {
  const blocks: AssistantBlock[] = [];
  for (const block of content as readonly Partial<Record<'type' | 'text' | 'id' | 'name' | 'input', unknown>>[]) {
    if (block.type === 'text') blocks.push({ type: 'text', text: String(block.text ?? '') });
    if (block.type === 'tool_use') blocks.push({ type: 'tool_use', id: String(block.id), name: String(block.name), input: block.input ?? {} });
  }
  return blocks;
}

const STOP_REASONS: readonly StopReason[] = ['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn'];

function isStopReason(reason: string): reason is StopReason {
  return STOP_REASONS.some((known) => known === reason);
}

/** The API's stop reason in the interface's terms; null means the message never finished. */
export function toStopReason(reason: string | null | undefined): StopReason | null {
  if (reason == null) return null;
  if (isStopReason(reason)) return reason;
  if (reason === 'model_context_window_exceeded') return 'max_tokens';
  return 'end_turn';
}
