import type { AssistantBlock, StopReason } from '../model.js';
import type { CacheUsage } from './prompt-cache.js';

/** The API's Message object, as returned by a non-streaming call. */
export interface ApiMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AssistantBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: ApiUsage;
}

export interface ApiUsage extends CacheUsage {
  output_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: 'standard';
}

export function apiUsage(cache: CacheUsage, outputTokens: number): ApiUsage {
  return {
    ...cache,
    output_tokens: outputTokens,
    cache_creation: { ephemeral_5m_input_tokens: cache.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    service_tier: 'standard',
  };
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** Deltas are where a dropped-stream fault cuts in. */
  isDelta: boolean;
}

/** The event sequence the API streams for a message: start, ping, blocks with deltas, message_delta, stop. */
export function sseEvents(message: ApiMessage): SseEvent[] {
  const events: SseEvent[] = [];
  const push = (event: string, data: Record<string, unknown>, isDelta = false): void => {
    events.push({ event, data: { type: event, ...data }, isDelta });
  };
  const { output_tokens: _final, ...startUsage } = message.usage;
  push('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...startUsage, output_tokens: 1 } } });
  events.push({ event: 'ping', data: { type: 'ping' }, isDelta: false });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      push('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of chunks(block.text, 24)) push('content_block_delta', { index, delta: { type: 'text_delta', text } }, true);
    } else {
      push('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const partial_json of chunks(JSON.stringify(block.input ?? {}), 32)) {
        push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }, true);
      }
    }
    push('content_block_stop', { index });
  });
  push('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: {
      input_tokens: message.usage.input_tokens,
      cache_read_input_tokens: message.usage.cache_read_input_tokens,
      cache_creation_input_tokens: message.usage.cache_creation_input_tokens,
      output_tokens: message.usage.output_tokens,
    },
  });
  push('message_stop', {});
  return events;
}

export function formatSse(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Split text into pieces of about `size` characters, at spaces where possible. */
function chunks(text: string, size: number): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    const cut = space > 0 ? space + 1 : size;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
