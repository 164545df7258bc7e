import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import { costUsd } from '../definitions/model-aliases.js';
import { realClock } from '../shared/clock.js';
import { classifyFailure, type AttemptFailure } from './anthropic-errors.js';
import { buildMessagesBody, toAssistantBlocks, toStopReason } from './anthropic-request.js';
import { ModelError, type Model, type ModelEvent, type ModelRequest, type ModelResponse, type Usage } from './model.js';

export interface RetryInfo {
  member: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  maxAttempts: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  status: number | undefined;
  /** e.g. `429 rate_limit_error`, `stream dropped`. */
  reason: string;
  message: string;
}

export interface AnthropicModelOptions {
  /** Defaults to ANTHROPIC_API_KEY (the SDK reads it). */
  apiKey?: string;
  /** Defaults to ANTHROPIC_BASE_URL, then the public API. */
  baseURL?: string;
  /** Retries after the first attempt on 429, 529, 5xx and dropped streams (default 5). */
  maxRetries?: number;
  onRetry?: (info: RetryInfo) => void;
  fetch?: ClientOptions['fetch'];
  /** First backoff step in ms (default 1000); doubles each retry up to retryMaxMs (default 32000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest retry-after we honour, in ms (default 120000). */
  retryAfterCapMs?: number;
  /** Per-attempt timeout in ms (default 10 minutes). */
  timeoutMs?: number;
  /** For tests: how to wait between attempts, and the jitter source. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const DEFAULT_MAX_RETRIES = 5;

/** Claude through @anthropic-ai/sdk: streaming, prompt caching, our own retries, exact usage and cost. */
export function createAnthropicModel(opts: AnthropicModelOptions = {}): Model {
  const client = new Anthropic({
    ...(opts.apiKey !== undefined && { apiKey: opts.apiKey }),
    ...(opts.baseURL !== undefined && { baseURL: opts.baseURL }),
    ...(opts.fetch !== undefined && { fetch: opts.fetch }),
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 10 * 60_000,
  });
  const maxAttempts = 1 + Math.max(0, opts.maxRetries ?? DEFAULT_MAX_RETRIES);
  const sleep = opts.sleep ?? realClock.sleep;
  const random = opts.random ?? Math.random;

  async function attempt(request: ModelRequest, onEvent?: (event: ModelEvent) => void): Promise<ModelResponse> {
    const stream = client.messages.stream(buildMessagesBody(request) as Anthropic.MessageStreamParams, {
      ...(request.signal && { signal: request.signal }),
    });
    if (onEvent) stream.on('text', (text) => onEvent({ type: 'text_delta', text }));
    const message = await stream.finalMessage();
    const stopReason = toStopReason(message.stop_reason);
    if (stopReason === null) throw new Error('no stop_reason: the response was cut off');
    const usage: Usage = {
      input_tokens: message.usage.input_tokens ?? 0,
      output_tokens: message.usage.output_tokens ?? 0,
      cache_read_input_tokens: message.usage.cache_read_input_tokens ?? 0,
      cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? 0,
    };
    const model = message.model || request.model;
    return { content: toAssistantBlocks(message.content), stopReason, usage, model, costUsd: costUsd(model, usage) };
  }

  return {
    backend: 'anthropic',
    async send(request, onEvent) {
      for (let n = 1; ; n++) {
        throwIfAborted(request.signal);
        let failed: AttemptFailure;
        try {
          return await attempt(request, onEvent);
        } catch (error) {
          throwIfAborted(request.signal);
          failed = classifyFailure(error, request.model);
        }
        if (!failed.retryable) throw new ModelError(failed.message, failed.status, false);
        if (n >= maxAttempts) {
          throw new ModelError(`${failed.message}; gave up after ${maxAttempts} attempts`, failed.status, true);
        }
        const delayMs = backoff(n, failed.retryAfterMs, opts, random);
        opts.onRetry?.({ member: request.member, attempt: n, maxAttempts, delayMs, status: failed.status, reason: failed.reason, message: failed.message });
        onEvent?.({ type: 'retrying', status: failed.status ?? null, attempt: n, of: maxAttempts - 1, waitMs: Math.round(delayMs), reason: failed.reason });
        await sleep(delayMs, request.signal);
      }
    },
  };
}

/** The wait before retry n (from 1): the server's retry-after when given, else exponential backoff with jitter. */
export function backoff(
  n: number,
  retryAfterMs: number | undefined,
  opts: Pick<AnthropicModelOptions, 'retryBaseMs' | 'retryMaxMs' | 'retryAfterCapMs'> = {},
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, opts.retryAfterCapMs ?? 120_000);
  const step = Math.min(opts.retryMaxMs ?? 32_000, (opts.retryBaseMs ?? 1000) * 2 ** (n - 1));
  // Equal jitter: at least half the step, so backoff still grows, spread so members do not retry in lockstep.
  return Math.round(step / 2 + (random() * step) / 2);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('model call aborted', 'AbortError');
}
