import { APIConnectionError, APIError } from '@anthropic-ai/sdk';

/** What went wrong with one attempt, and whether another attempt can fix it. */
export interface AttemptFailure {
  retryable: boolean;
  status: number | undefined;
  /** Short cause for logs and onRetry, e.g. `429 rate_limit_error`, `stream dropped`. */
  reason: string;
  /** A one-line message for a person. */
  message: string;
  /** Server-requested wait (retry-after / retry-after-ms), in ms. */
  retryAfterMs: number | undefined;
}

const RETRYABLE_TYPES = new Set(['overloaded_error', 'rate_limit_error', 'api_error', 'timeout_error']);

export function classifyFailure(error: unknown, model: string): AttemptFailure {
  if (error instanceof APIError && !(error instanceof APIConnectionError)) return classifyApiError(error, model);
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof APIConnectionError) {
    return failure(true, undefined, 'connection failed', `could not reach the Anthropic API (${detail}): check ANTHROPIC_BASE_URL and the network`);
  }
  // Anything else thrown while reading the stream (socket closed, truncated SSE) means the response was lost.
  return failure(true, undefined, 'stream dropped', `the Anthropic API stream ended early (${detail})`);
}

function classifyApiError(error: APIError, model: string): AttemptFailure {
  const status = error.status;
  const type = error.type ?? typeOfStatus(status);
  const apiMessage = error.apiMessage ?? '';
  const cause = [status, type].filter((part) => part !== undefined && part !== null).join(' ');
  const what = apiMessage ? `${cause}: ${apiMessage}` : cause;
  const retryAfterMs = retryAfter(error.headers);

  // An error event inside a 200 stream has no status: judge it by its type.
  if (status === undefined) {
    const retryable = RETRYABLE_TYPES.has(type ?? '');
    return failure(retryable, undefined, cause || 'stream error', `the Anthropic API failed mid-response (${what || error.message})`, retryAfterMs);
  }

  if (status === 401) return failure(false, status, cause, `Anthropic API rejected the key (${what}): check ANTHROPIC_API_KEY`);
  if (status === 403) {
    return failure(false, status, cause, `Anthropic API refused the request (${what}): the key has no access to model ${model} or to this feature`);
  }
  if (status === 404) {
    return failure(false, status, cause, `Anthropic API does not know model ${model} (${what}): fix the agent's model: or set TEAM_MODEL_<ALIAS>`);
  }
  if (status === 402) return failure(false, status, cause, `Anthropic API refused the request (${what}): check the account's billing`);
  if (status === 413) return failure(false, status, cause, `Anthropic API rejected the request as too large (${what}): the conversation has outgrown the model's limit`);
  if (status === 400) return failure(false, status, cause, `Anthropic API rejected the request (${what})`);
  const shouldRetry = error.headers?.get('x-should-retry');
  if (shouldRetry === 'false') return failure(false, status, cause, `Anthropic API error (${what}); the API says not to retry`);
  if (shouldRetry === 'true' || status === 408 || status === 409 || status === 429 || status >= 500) {
    return failure(true, status, cause, `Anthropic API is unavailable (${what})`, retryAfterMs);
  }
  return failure(false, status, cause, `Anthropic API error (${what})`);
}

function failure(retryable: boolean, status: number | undefined, reason: string, message: string, retryAfterMs?: number): AttemptFailure {
  return { retryable, status, reason, message, retryAfterMs };
}

function typeOfStatus(status: number | undefined): string | undefined {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status !== undefined && status >= 500 ? 'api_error' : undefined;
  }
}

/** `retry-after-ms` (milliseconds) wins over `retry-after` (seconds or an HTTP date). */
export function retryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
