import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeMessagesApi, type FakeMessagesApi } from '../../src/models/fake/messages-api.js';
import { createPromptCache, type PromptBlock } from '../../src/models/fake/prompt-cache.js';
import { systemFor } from './helpers.js';

let server: FakeMessagesApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(api: FakeMessagesApi, body: unknown, headers: Record<string, string> = { 'x-api-key': 'k' }) {
  const response = await fetch(`${api.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const minimal = { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

describe('fake Messages API', () => {
  it('answers non-streaming calls from the SDK with a Message object', async () => {
    server = await startFakeMessagesApi({ responder: [{ content: [{ type: 'text', text: 'hello' }], outputTokens: 3 }] });
    const client = new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    const message = await client.messages.create(minimal as Anthropic.MessageCreateParamsNonStreaming);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content: [{ type: 'text', text: 'hello' }], stop_reason: 'end_turn' });
    expect(message.usage).toMatchObject({ output_tokens: 3, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('claude-sonnet-5-5');
  });

  it('records requests without the key', async () => {
    server = await startFakeMessagesApi({ responder: [{ content: [{ type: 'text', text: 'x' }] }] });
    await post(server, minimal, { 'x-api-key': 'secret-key', 'anthropic-version': '2023-06-01' });
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({ seq: 1, method: 'POST', path: '/v1/messages', status: 200, body: minimal });
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(JSON.stringify(recorded)).not.toContain('secret-key');
  });

  it('answers errors in the API shape', async () => {
    server = await startFakeMessagesApi({ responder: () => ({ content: [{ type: 'text', text: 'x' }] }), faults: [{ type: 'status', status: 429, retryAfter: 2 }] });
    expect(await post(server, minimal, {})).toMatchObject({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'an API key is required: send the x-api-key header (or Authorization: Bearer)' } },
    });
    const limited = await post(server, minimal);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body.error).toEqual({ type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' });

    const five = { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } };
    expect((await post(server, { ...minimal, messages: [{ role: 'user', content: [five, five, five, five, five] }] })).body.error).toEqual({
      type: 'invalid_request_error',
      message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    });
    const orphan = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'TaskList', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'ok' }] },
    ];
    expect((await post(server, { ...minimal, messages: orphan })).body.error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('unexpected `tool_use_id` found in `tool_result` blocks: toolu_2'),
    });
    expect((await post(server, { ...minimal, model: 'gpt-4' })).body).toMatchObject({ error: { type: 'not_found_error', message: 'model: gpt-4' } });
  });

  it('says when a scripted responder runs out, and when the sim cannot tell who is talking', async () => {
    server = await startFakeMessagesApi({ responder: [] });
    expect((await post(server, minimal)).body.error).toEqual({ type: 'invalid_request_error', message: 'fake Messages API: the script has no reply left (all 0 used)' });
    await server.close();
    server = await startFakeMessagesApi({ responder: 'sim', simOptions: { instant: true } });
    expect((await post(server, minimal)).status).toBe(400);
    const ok = await post(server, { ...minimal, system: systemFor('ds', 'data-scientist') });
    expect(ok.status).toBe(200);
    expect(ok.body.content).toEqual(expect.arrayContaining([{ type: 'tool_use', id: expect.any(String), name: 'TaskList', input: {} }]));
    expect(server.requests.at(-1)?.member).toBe('ds');
  });
});

describe('prompt cache emulation', () => {
  const blocks = (keys: string[], breakpoints: number[], tokens = 600): PromptBlock[] =>
    keys.map((key, i) => ({ key, tokens, breakpoint: breakpoints.includes(i) }));

  it('writes on first use, reads the longest shared prefix later, per model', () => {
    const cache = createPromptCache({ minTokens: 1024 });
    expect(cache.use('m', blocks(['tools', 'system', 'u1'], [1, 2]))).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 1800 });
    expect(cache.use('m', blocks(['tools', 'system', 'u1', 'a1', 'u2'], [1, 4]))).toEqual({ input_tokens: 0, cache_read_input_tokens: 1800, cache_creation_input_tokens: 1200 });
    expect(cache.use('m', blocks(['tools', 'system', 'other'], [1]))).toEqual({ input_tokens: 600, cache_read_input_tokens: 1200, cache_creation_input_tokens: 0 });
    expect(cache.use('other-model', blocks(['tools', 'system'], [1]))).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 1200 });
  });

  it('does not cache short prefixes, finds hits only within 20 blocks of a breakpoint, and expires entries', () => {
    let now = 0;
    const cache = createPromptCache({ minTokens: 1024, ttlMs: 1000, now: () => now });
    expect(cache.use('m', blocks(['a'], [0]))).toEqual({ input_tokens: 600, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    const long = Array.from({ length: 30 }, (_, i) => `b${i}`);
    cache.use('m', blocks(long.slice(0, 2), [1]));
    expect(cache.use('m', blocks(long, [29])).cache_read_input_tokens).toBe(0);
    expect(cache.use('m', blocks(long.slice(0, 20), [19])).cache_read_input_tokens).toBe(1200);
    now = 5000;
    expect(cache.use('m', blocks(long.slice(0, 2), [1]))).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 1200 });
  });
});
