import http from 'node:http';
import { realClock } from '../../shared/clock.js';
import { DEFAULT_MODEL_ALIASES } from '../../definitions/model-aliases.js';
import { ModelError, type AssistantBlock, type ModelRequest, type StopReason } from '../model.js';
import { createSimModel, type SimOptions } from '../sim.js';
import { createFaultQueue, defaultErrorMessage, errorTypeFor, type Fault, type FaultPlan } from './faults.js';
import { createPromptCache, estimateTokens, type PromptCacheOptions } from './prompt-cache.js';
import { FakeApiError, parseSpeaker, promptBlocks, toModelRequest, validateBody, type MessagesRequestBody, type Speaker } from './request.js';
import { apiUsage, formatSse, sseEvents, type ApiMessage } from './sse.js';

/** What a responder answers: the assistant's blocks; usage is computed by the server. */
export interface FakeReply {
  content: AssistantBlock[];
  /** Defaults to tool_use when there is a tool_use block, else end_turn. */
  stopReason?: StopReason;
  outputTokens?: number;
}

export interface FakeCall {
  /** 0-based count of /v1/messages requests that reached the responder. */
  index: number;
  request: ModelRequest;
  body: MessagesRequestBody;
  speaker: Speaker | undefined;
}

export type ReplyFn = (call: FakeCall) => FakeReply | Promise<FakeReply>;
/** A function of the request, or a script of replies used in order (an entry may itself be a function). */
export type Responder = ReplyFn | readonly (FakeReply | ReplyFn)[];

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  /** Lower-case header names; x-api-key and authorization are left out. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  raw: string;
  member: string | undefined;
  /** Status the server answered with (200 for streams, even ones it then dropped). */
  status: number;
  fault: Fault['type'] | undefined;
}

export interface FakeMessagesApiOptions {
  port?: number;
  host?: '127.0.0.1';
  responder: 'sim' | Responder;
  /** For responder 'sim': seed (default 1), clock (default real time), speed, instant, failureRate. */
  simOptions?: Partial<SimOptions>;
  faults?: FaultPlan | Fault[];
  /** Wait before every /v1/messages answer. */
  latencyMs?: number;
  /** When set, any other x-api-key is refused with 401. */
  apiKey?: string;
  cache?: PromptCacheOptions;
}

export interface FakeMessagesApi {
  /** Base URL for the SDK, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the fault plan (e.g. `[{ type: 'status', status: 429, times: 2 }]`). */
  setFaults(plan: FaultPlan | Fault[]): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A local stand-in for the Anthropic Messages API (HTTP + SSE) for tests, dry runs and benchmarks. */
export async function startFakeMessagesApi(opts: FakeMessagesApiOptions): Promise<FakeMessagesApi> {
  const requests: RecordedRequest[] = [];
  const faults = createFaultQueue(opts.faults);
  const cache = createPromptCache(opts.cache);
  const reply = makeReplier(opts);
  let calls = 0;
  let ids = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      sendError(res, error instanceof FakeApiError ? error : new FakeApiError(500, 'api_error', error instanceof Error ? error.message : String(error)));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const record: RecordedRequest = {
      seq: requests.length + 1,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      headers: visibleHeaders(req.headers),
      body: parseJson(raw) ?? raw,
      raw,
      member: undefined,
      status: 0,
      fault: undefined,
    };
    requests.push(record);
    res.on('close', () => (record.status ||= res.statusCode));
    try {
      checkKey(req.headers);
      if (record.method === 'GET' && record.path === '/v1/models') return sendJson(res, 200, modelList());
      if (record.method === 'POST' && record.path === '/v1/messages/count_tokens') return sendJson(res, 200, countTokens(raw));
      if (record.method !== 'POST' || record.path !== '/v1/messages') {
        throw new FakeApiError(404, 'not_found_error', `${record.method} ${record.path} is not served by the fake Messages API`);
      }
      await messages(req, res, raw, record);
    } catch (error) {
      if (!(error instanceof FakeApiError)) throw error;
      record.status = error.status;
      sendError(res, error);
    }
  }

  /** The SDK sends its key as `Authorization: Bearer <key>`; older clients and curl send `x-api-key`. */
  function checkKey(headers: http.IncomingHttpHeaders): void {
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    const key = typeof headers['x-api-key'] === 'string' && headers['x-api-key'] ? headers['x-api-key'] : bearer;
    if (!key) throw new FakeApiError(401, 'authentication_error', 'an API key is required: send the x-api-key header (or Authorization: Bearer)');
    if (opts.apiKey !== undefined && key !== opts.apiKey) throw new FakeApiError(401, 'authentication_error', 'invalid x-api-key');
  }

  async function messages(req: http.IncomingMessage, res: http.ServerResponse, raw: string, record: RecordedRequest): Promise<void> {
    const fault = faults.take();
    record.fault = fault?.type;
    const parsed = parseJson(raw);
    if (parsed === undefined) throw new FakeApiError(400, 'invalid_request_error', 'request body is not valid JSON');
    const speaker = isSystemCarrier(parsed) ? parseSpeaker(systemText(parsed.system)) : undefined;
    record.member = speaker?.member;

    if (fault?.type === 'status') {
      const type = fault.errorType ?? errorTypeFor(fault.status);
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      throw new FakeApiError(fault.status, type, fault.message ?? defaultErrorMessage(type), headers);
    }
    const delay = (opts.latencyMs ?? 0) + (fault?.type === 'slow' ? fault.delayMs : 0);
    if (delay > 0) await sleep(delay);

    const body = validateBody(parsed);
    if (!body.model.startsWith('claude-')) throw new FakeApiError(404, 'not_found_error', `model: ${body.model}`);

    const aborter = new AbortController();
    res.on('close', () => aborter.abort());
    const answer = await reply({ index: calls++, request: toModelRequest(body, speaker, aborter.signal), body, speaker });
    if (aborter.signal.aborted) return;

    const cached = cache.use(body.model, promptBlocks(body));
    const content = answer.content;
    const message: ApiMessage = {
      id: `msg_fake${String(++ids).padStart(20, '0')}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: answer.stopReason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: apiUsage(cached, answer.outputTokens ?? Math.max(1, estimateTokens(JSON.stringify(content)))),
    };
    if (!body.stream) return sendJson(res, 200, message);
    await stream(req, res, message, fault);
  }

  async function stream(req: http.IncomingMessage, res: http.ServerResponse, message: ApiMessage, fault: Fault | undefined): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId() });
    const eventDelay = fault?.type === 'slow' ? (fault.eventDelayMs ?? 0) : 0;
    let deltas = 0;
    for (const event of sseEvents(message)) {
      if (res.destroyed) return;
      res.write(formatSse(event));
      if (eventDelay > 0) await sleep(eventDelay);
      if (!event.isDelta) continue;
      deltas++;
      if (fault?.type === 'drop' && deltas >= (fault.afterDeltas ?? 1)) {
        // Let the written bytes reach the client, then cut the connection without ending the response.
        await sleep(5);
        req.socket.destroy();
        return;
      }
      if (fault?.type === 'stream-error') {
        const type = fault.errorType ?? 'overloaded_error';
        res.end(formatSse({ event: 'error', data: { type: 'error', error: { type, message: fault.message ?? defaultErrorMessage(type) } }, isDelta: false }));
        return;
      }
    }
    res.end();
  }

  function requestId(): string {
    return `req_fake${String(requests.length).padStart(20, '0')}`;
  }

  function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': requestId(), ...headers });
    res.end(text);
  }

  function sendError(res: http.ServerResponse, error: FakeApiError): void {
    const retryable = error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
    sendJson(
      res,
      error.status,
      { type: 'error', error: { type: error.type, message: error.message }, request_id: requestId() },
      { 'x-should-retry': String(retryable), ...error.headers },
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  // Listening on a host and port, so the address is an AddressInfo (a string only for a pipe).
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFaults: (plan) => faults.set(plan),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function makeReplier(opts: FakeMessagesApiOptions): (call: FakeCall) => Promise<FakeReply> {
  if (opts.responder === 'sim') {
    const sim = createSimModel({ seed: 1, clock: realClock, ...opts.simOptions });
    return async (call) => {
      if (!call.speaker) {
        throw new FakeApiError(400, 'invalid_request_error', 'the simulated model needs the line You are "<member>", a member of team <team> with the role <role>. in the system prompt');
      }
      try {
        const response = await sim.send(call.request);
        return { content: response.content, stopReason: response.stopReason };
      } catch (error) {
        if (error instanceof ModelError) throw new FakeApiError(error.retryable ? 529 : 400, error.retryable ? 'overloaded_error' : 'invalid_request_error', error.message);
        throw error;
      }
    };
  }
  const responder = opts.responder;
  if (typeof responder === 'function') return async (call) => responder(call);
  let next = 0;
  return async (call) => {
    const entry = responder[next];
    if (entry === undefined) {
      throw new FakeApiError(400, 'invalid_request_error', `fake Messages API: the script has no reply left (all ${responder.length} used)`);
    }
    next++;
    return typeof entry === 'function' ? entry(call) : entry;
  };
}

function modelList(): unknown {
  const ids = [...new Set(Object.values(DEFAULT_MODEL_ALIASES))];
  const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null };
}

function countTokens(raw: string): unknown {
  const body = validateBody(parseJson(raw));
  return { input_tokens: promptBlocks(body).reduce((sum, block) => sum + block.tokens, 0) };
}

function visibleHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'x-api-key' || name === 'authorization' || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new FakeApiError(413, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${MAX_BODY_BYTES}).`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed;
  } catch {
    return undefined;
  }
}

function isSystemCarrier(value: unknown): value is { system?: unknown } {
  return typeof value === 'object' && value !== null;
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system.map((block: unknown) => (typeof block === 'object' && block !== null && 'text' in block ? String(block.text) : '')).join('\n\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
