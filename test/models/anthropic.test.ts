import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicModel, backoff, type RetryInfo } from '../../src/models/anthropic.js';
import { startFakeMessagesApi, type FakeMessagesApi, type FakeMessagesApiOptions } from '../../src/models/fake/messages-api.js';
import { ModelError, type Message, type ModelEvent } from '../../src/models/model.js';
import { costUsd, resolveModel } from '../../src/definitions/model-aliases.js';
import { promptBlocks, validateBody } from '../../src/models/fake/request.js';
import { fakeSleep, request, TOOLS } from './helpers.js';

let server: FakeMessagesApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: Partial<FakeMessagesApiOptions> = {}): Promise<FakeMessagesApi> {
  server = await startFakeMessagesApi({ responder: [{ content: [{ type: 'text', text: 'ok' }] }], ...opts });
  return server;
}

function model(api: FakeMessagesApi, extra: Parameters<typeof createAnthropicModel>[0] = {}) {
  const clock = fakeSleep();
  const retries: RetryInfo[] = [];
  const m = createAnthropicModel({ apiKey: 'test-key', baseURL: api.url, sleep: clock.sleep, onRetry: (info) => retries.push(info), ...extra });
  return { model: m, waits: clock.waits, retries };
}

const hello: Message[] = [{ role: 'user', content: 'Start working.' }];
const messagesCalls = (api: FakeMessagesApi) => api.requests.filter((r) => r.path === '/v1/messages');
type Body = { system: { text: string; cache_control?: unknown }[]; tools: { name: string; cache_control?: unknown }[]; messages: { content: { cache_control?: unknown }[] }[]; model: string; stream: boolean };
const bodyOf = (api: FakeMessagesApi, i: number) => messagesCalls(api)[i]?.body as Body;

describe('anthropic model against the fake Messages API', () => {
  it('streams text deltas in order and returns the text', async () => {
    const text = 'Checking the board for work before I claim anything, then reading the task in full.';
    const api = await start({ responder: [{ content: [{ type: 'text', text }] }] });
    const events: ModelEvent[] = [];
    const response = await model(api).model.send(request('mle', hello), (event) => events.push(event));
    expect(events.length).toBeGreaterThan(2);
    expect(events.every((event) => event.type === 'text_delta')).toBe(true);
    expect(events.map((event) => (event.type === 'text_delta' ? event.text : '')).join('')).toBe(text);
    expect(response.content).toEqual([{ type: 'text', text }]);
    expect(response.stopReason).toBe('end_turn');
    expect(bodyOf(api, 0).stream).toBe(true);
  });

  it('returns tool_use blocks with parsed input and stop reason tool_use', async () => {
    const input = { taskId: '3', status: 'in_progress', metadata: { note: 'claiming "features" — ünïcode ok', n: [1, 2, 3] } };
    const api = await start({
      responder: [{ content: [{ type: 'text', text: 'Claiming #3.' }, { type: 'tool_use', id: 'toolu_01', name: 'TaskUpdate', input }] }],
    });
    const response = await model(api).model.send(request('mle', hello));
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      { type: 'text', text: 'Claiming #3.' },
      { type: 'tool_use', id: 'toolu_01', name: 'TaskUpdate', input },
    ]);
  });

  it('marks the last tool, the last system block and the last message block for caching, and keeps the prefix identical across turns', async () => {
    const api = await start({
      responder: [
        { content: [{ type: 'tool_use', id: 'toolu_a', name: 'TaskList', input: {} }] },
        { content: [{ type: 'text', text: 'Nothing to do.' }] },
      ],
    });
    const { model: m } = model(api);
    const first = await m.send(request('mle', hello));
    const turn2: Message[] = [
      ...hello,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: '{"tasks":[]}' }] },
    ];
    const second = await m.send(request('mle', turn2));

    const [a, b] = [bodyOf(api, 0), bodyOf(api, 1)];
    for (const body of [a, b]) {
      expect(body.tools.map((tool) => tool.cache_control ?? null)).toEqual([...TOOLS.slice(1).map(() => null), { type: 'ephemeral' }]);
      expect(body.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      expect(body.messages.at(-1)?.content.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      const marks = JSON.stringify(body).split('"cache_control"').length - 1;
      expect(marks).toBe(3);
    }
    expect(JSON.stringify([b.tools, b.system])).toBe(JSON.stringify([a.tools, a.system]));
    // The caller's transcript is not touched.
    expect(turn2.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: '{"tasks":[]}' }] });
    // The first turn writes the prefix, the second reads all of it back (tools + system + turn 1).
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_creation_input_tokens).toBeLessThan(100);
  });

  it('retries 429 honouring retry-after, then succeeds', async () => {
    const api = await start({ faults: [{ type: 'status', status: 429, times: 2, retryAfter: 3 }] });
    const { model: m, waits, retries } = model(api);
    const response = await m.send(request('mle', hello));
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(messagesCalls(api).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(waits).toEqual([3000, 3000]);
    expect(retries.map((r) => [r.attempt, r.status, r.reason])).toEqual([
      [1, 429, '429 rate_limit_error'],
      [2, 429, '429 rate_limit_error'],
    ]);
  });

  it('retries 529 overloaded with exponential backoff, then succeeds, telling the caller of each retry', async () => {
    const api = await start({ faults: [{ type: 'status', status: 529, times: 3 }] });
    const { model: m, waits } = model(api, { random: () => 1, retryBaseMs: 100 });
    const events: ModelEvent[] = [];
    await m.send(request('mle', hello), (event) => events.push(event));
    expect(messagesCalls(api).map((r) => r.status)).toEqual([529, 529, 529, 200]);
    expect(waits).toEqual([100, 200, 400]);
    expect(events.filter((e) => e.type === 'retrying')).toEqual([
      { type: 'retrying', status: 529, attempt: 1, of: 5, waitMs: 100, reason: '529 overloaded_error' },
      { type: 'retrying', status: 529, attempt: 2, of: 5, waitMs: 200, reason: '529 overloaded_error' },
      { type: 'retrying', status: 529, attempt: 3, of: 5, waitMs: 400, reason: '529 overloaded_error' },
    ]);
  });

  it('retries 500 and gives up after maxRetries with a retryable ModelError', async () => {
    const api = await start({ faults: [{ type: 'status', status: 500, times: 10 }] });
    const { model: m, waits } = model(api, { maxRetries: 2 });
    const error = await m.send(request('mle', hello)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).retryable).toBe(true);
    expect((error as ModelError).status).toBe(500);
    expect((error as ModelError).message).toBe('Anthropic API is unavailable (500 api_error: Internal server error); gave up after 3 attempts');
    expect(messagesCalls(api)).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('fails at once on 401 with a one-line error naming the cause', async () => {
    const api = await start({ apiKey: 'the-right-key' });
    const { model: m, waits } = model(api);
    const error = await m.send(request('mle', hello)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe('Anthropic API rejected the key (401 authentication_error: invalid x-api-key): check ANTHROPIC_API_KEY');
    expect((error as ModelError).retryable).toBe(false);
    expect((error as ModelError).status).toBe(401);
    expect(messagesCalls(api)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('fails at once on 400 and 403 naming the cause', async () => {
    const api = await start({ faults: [{ type: 'status', status: 403 }] });
    const { model: m } = model(api);
    await expect(m.send(request('mle', hello))).rejects.toThrow(
      'Anthropic API refused the request (403 permission_error: Your API key does not have permission to use the specified resource.): the key has no access to model claude-sonnet-5-5 or to this feature',
    );
    const bad = await m.send(request('mle', [{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }])).catch((e: unknown) => e);
    expect((bad as ModelError).message).toBe('Anthropic API rejected the request (400 invalid_request_error: messages: first message must use the "user" role)');
    expect((bad as ModelError).retryable).toBe(false);
    expect(messagesCalls(api)).toHaveLength(2);
  });

  it('retries the whole call when the stream drops mid-way', async () => {
    const api = await start({
      responder: () => ({ content: [{ type: 'text', text: 'A long answer that arrives in several pieces over the stream.' }] }),
      faults: [{ type: 'drop', afterDeltas: 1 }],
    });
    const { model: m, retries } = model(api);
    const response = await m.send(request('mle', hello));
    expect(response.content).toEqual([{ type: 'text', text: 'A long answer that arrives in several pieces over the stream.' }]);
    expect(messagesCalls(api).map((r) => r.fault ?? null)).toEqual(['drop', null]);
    expect(retries.map((r) => [r.status ?? null, r.reason])).toEqual([[null, 'stream dropped']]);
  });

  it('retries an overloaded error event inside the stream', async () => {
    const api = await start({ responder: () => ({ content: [{ type: 'text', text: 'fine' }] }), faults: [{ type: 'stream-error' }] });
    const { model: m, retries } = model(api);
    expect((await m.send(request('mle', hello))).content).toEqual([{ type: 'text', text: 'fine' }]);
    expect(retries.map((r) => r.reason)).toEqual(['overloaded_error']);
  });

  it('sends the model id each alias resolves to', async () => {
    const api = await start({ responder: () => ({ content: [{ type: 'text', text: 'ok' }] }) });
    const { model: m } = model(api);
    const env = {};
    for (const alias of ['sonnet', 'opus', 'haiku', 'fable']) {
      const id = resolveModel(alias, { env });
      const response = await m.send(request('mle', hello, { model: id }));
      expect(response.model).toBe(id);
    }
    expect(messagesCalls(api).map((r) => (r.body as Body).model)).toEqual(['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-fable-5-2']);
  });

  it('reports exact usage from the final message and its cost', async () => {
    const api = await start({ responder: [{ content: [{ type: 'text', text: 'ok' }], outputTokens: 57 }] });
    const response = await model(api).model.send(request('mle', hello, { model: 'claude-opus-5-5' }));
    const { usage } = response;
    // The whole prompt sits before the last breakpoint, so it is all cache writes on a first call.
    const promptTokens = promptBlocks(validateBody(bodyOf(api, 0))).reduce((sum, block) => sum + block.tokens, 0);
    expect(usage).toEqual({ input_tokens: 0, output_tokens: 57, cache_read_input_tokens: 0, cache_creation_input_tokens: promptTokens });
    expect(promptTokens).toBeGreaterThan(1024);
    expect(response.costUsd).toBe(costUsd('claude-opus-5-5', usage));
    expect(response.costUsd).toBeCloseTo((57 * 20 + promptTokens * 5) / 1e6, 12);
  });

  it('stops retrying when the request is aborted', async () => {
    const api = await start({ faults: [{ type: 'status', status: 529, times: 5 }] });
    const controller = new AbortController();
    const m = createAnthropicModel({ apiKey: 'k', baseURL: api.url, onRetry: () => controller.abort() });
    await expect(m.send(request('mle', hello, { signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(messagesCalls(api)).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('doubles from the base, caps, and adds jitter of up to half a step', () => {
    const opts = { retryBaseMs: 1000, retryMaxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((n) => backoff(n, undefined, opts, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect([1, 2, 3].map((n) => backoff(n, undefined, opts, () => 0))).toEqual([500, 1000, 2000]);
    expect(backoff(1, 7000, opts)).toBe(7000);
    expect(backoff(1, 10 * 60_000, opts)).toBe(120_000);
  });
});
