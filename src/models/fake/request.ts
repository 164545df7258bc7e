import type { Message, ModelRequest, ToolSpec } from '../model.js';
import { IDENTITY_PATTERN } from '../sim.js';
import { estimateTokens, type PromptBlock } from './prompt-cache.js';

/** A request the fake server refuses, answered with the API's error JSON. */
export class FakeApiError extends Error {
  override name = 'FakeApiError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

/** The body of POST /v1/messages, after the checks the real API makes that matter here. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  stream: boolean;
  system: { type: 'text'; text: string; cache_control?: unknown }[];
  tools: Json[];
  messages: { role: 'user' | 'assistant'; content: Json[] }[];
}

/** Who is talking, from the runtime's system prompt line. */
export interface Speaker {
  member: string;
  team: string;
  role: string;
}

const MAX_BREAKPOINTS = 4;

export function parseSpeaker(system: string): Speaker | undefined {
  const match = IDENTITY_PATTERN.exec(system);
  if (!match) return undefined;
  const [, member = '', team = '', role = ''] = match;
  return { member, team, role };
}

const invalid = (message: string): FakeApiError => new FakeApiError(400, 'invalid_request_error', message);

export function validateBody(raw: unknown): MessagesRequestBody {
  if (!isObject(raw)) throw invalid('request body must be a JSON object');
  if (typeof raw.model !== 'string' || raw.model.length === 0) throw invalid('model: Field required');
  if (!Number.isInteger(raw.max_tokens) || (raw.max_tokens as number) < 1) throw invalid('max_tokens: must be a positive integer');
  if (!Array.isArray(raw.messages) || raw.messages.length === 0) throw invalid('messages: at least one message is required');

  const system = normaliseSystem(raw.system);
  const tools = raw.tools === undefined ? [] : raw.tools;
  if (!Array.isArray(tools) || !tools.every(isObject)) throw invalid('tools: must be a list of objects');
  const names = new Set<string>();
  tools.forEach((tool, i) => {
    if (typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)) throw invalid(`tools.${i}.name: must match ^[a-zA-Z0-9_-]{1,128}$`);
    if (names.has(tool.name)) throw invalid(`tools: Tool names must be unique (${tool.name})`);
    names.add(tool.name);
    if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') throw invalid(`tools.${i}.input_schema.type: Input should be 'object'`);
  });

  const messages = raw.messages.map((message, i) => normaliseMessage(message, i));
  if (messages[0]?.role !== 'user') throw invalid('messages: first message must use the "user" role');
  checkToolResults(messages);

  const breakpoints =
    system.filter((block) => block.cache_control !== undefined).length +
    tools.filter((tool) => tool.cache_control !== undefined).length +
    messages.flatMap((message) => message.content).filter((block) => block.cache_control !== undefined).length;
  if (breakpoints > MAX_BREAKPOINTS) {
    throw invalid(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
  }
  return { model: raw.model, max_tokens: raw.max_tokens as number, stream: raw.stream === true, system, tools, messages };
}

function normaliseSystem(system: unknown): MessagesRequestBody['system'] {
  if (system === undefined) return [];
  if (typeof system === 'string') return system.length > 0 ? [{ type: 'text', text: system }] : [];
  if (!Array.isArray(system)) throw invalid('system: must be a string or a list of text blocks');
  return system.map((block, i) => {
    if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string') throw invalid(`system.${i}: must be a text block`);
    if (block.cache_control !== undefined && block.text.length === 0) throw invalid(`system.${i}: cache_control cannot be set for empty text blocks`);
    return block as MessagesRequestBody['system'][number];
  });
}

function normaliseMessage(message: unknown, i: number): MessagesRequestBody['messages'][number] {
  if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) throw invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
  const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  if (!Array.isArray(content) || !content.every(isObject)) throw invalid(`messages.${i}.content: must be a string or a list of blocks`);
  content.forEach((block, j) => {
    if (block.type === 'text' && typeof block.text !== 'string') throw invalid(`messages.${i}.content.${j}.text: Field required`);
    if (block.type === 'text' && block.cache_control !== undefined && block.text === '') {
      throw invalid(`messages.${i}.content.${j}.text: cache_control cannot be set for empty text blocks`);
    }
  });
  return { role: message.role, content };
}

/** Every tool_result must answer a tool_use of the assistant message right before it. */
function checkToolResults(messages: MessagesRequestBody['messages']): void {
  messages.forEach((message, i) => {
    const results = message.content.filter((block) => block.type === 'tool_result');
    if (results.length === 0) return;
    const previous = messages[i - 1];
    const ids = new Set(previous?.role === 'assistant' ? previous.content.filter((b) => b.type === 'tool_use').map((b) => b.id) : []);
    for (const result of results) {
      if (!ids.has(result.tool_use_id)) {
        throw invalid(
          `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(result.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
  });
  messages.forEach((message, i) => {
    if (message.role !== 'assistant' || i === messages.length - 1) return;
    const uses = message.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
    const next = messages[i + 1];
    const answered = new Set(next?.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) ?? []);
    const missing = uses.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      throw invalid(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  });
}

/** The body as the Model interface's request (cache markers dropped), for responders. */
export function toModelRequest(body: MessagesRequestBody, speaker: Speaker | undefined, signal?: AbortSignal): ModelRequest {
  return {
    member: speaker?.member ?? 'unknown',
    role: speaker?.role ?? 'unknown',
    model: body.model,
    system: body.system.map((block) => block.text).join('\n\n'),
    tools: body.tools.map(({ name, description, input_schema }) => ({ name, description: description ?? '', input_schema }) as ToolSpec),
    messages: body.messages.map((message) => ({ role: message.role, content: message.content.map(stripCacheControl) }) as unknown as Message),
    maxTokens: body.max_tokens,
    ...(signal && { signal }),
  };
}

function stripCacheControl(block: Json): Json {
  const { cache_control: _ignored, ...rest } = block;
  return rest;
}

/** The prompt in cache order, one entry per cacheable block. */
export function promptBlocks(body: MessagesRequestBody): PromptBlock[] {
  const block = (kind: string, value: Json): PromptBlock => {
    const key = `${kind}:${JSON.stringify(stripCacheControl(value))}`;
    return { key, tokens: estimateTokens(key), breakpoint: value.cache_control !== undefined };
  };
  return [
    ...body.tools.map((tool) => block('tool', tool)),
    ...body.system.map((text) => block('system', text)),
    ...body.messages.flatMap((message) => message.content.map((content) => block(message.role, content))),
  ];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
