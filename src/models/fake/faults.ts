import { mulberry32 } from '../rng.js';

/** Faults the fake Messages API injects, each applied to the next request(s) in arrival order. */
export type Fault =
  /** Answer with an API error: 429, 529, 500, 401, ... `retryAfter` in seconds becomes the retry-after header. */
  | { type: 'status'; status: number; times?: number; retryAfter?: number; errorType?: string; message?: string }
  /** Stream the start of the response, then destroy the socket after `afterDeltas` deltas (default 1). */
  | { type: 'drop'; times?: number; afterDeltas?: number }
  /** An `event: error` inside a 200 stream after the first delta (the API does this when overloaded mid-response). */
  | { type: 'stream-error'; times?: number; errorType?: string; message?: string }
  /** Wait before answering; `eventDelayMs` between SSE events. */
  | { type: 'slow'; times?: number; delayMs: number; eventDelayMs?: number };

export interface FaultPlan {
  /** Applied in order, one request each (`times` repeats a fault). */
  next?: Fault[];
  /** Chance in [0, 1] that any other request fails with 529, 429 or 500 (seeded). */
  failRate?: number;
  seed?: number;
}

export interface FaultQueue {
  /** The fault for the next /v1/messages request, if any. */
  take(): Fault | undefined;
  set(plan: FaultPlan | Fault[]): void;
  pending(): number;
}

export function createFaultQueue(initial: FaultPlan | Fault[] = {}): FaultQueue {
  let queue: Fault[] = [];
  let failRate = 0;
  let random = mulberry32(0);

  function set(plan: FaultPlan | Fault[]): void {
    const normal = Array.isArray(plan) ? { next: plan } : plan;
    queue = (normal.next ?? []).flatMap((fault) => Array.from({ length: Math.max(1, fault.times ?? 1) }, () => fault));
    failRate = normal.failRate ?? 0;
    if (failRate < 0 || failRate > 1) throw new RangeError(`failRate must be between 0 and 1, got ${failRate}`);
    random = mulberry32(normal.seed ?? 0);
  }
  set(initial);

  return {
    set,
    pending: () => queue.length,
    take() {
      const queued = queue.shift();
      if (queued) return queued;
      if (failRate === 0 || random() >= failRate) return undefined;
      const status = [529, 429, 500][Math.floor(random() * 3)] ?? 529;
      return { type: 'status', status };
    },
  };
}

export const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
  overloaded_error: 'Overloaded',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function defaultErrorMessage(type: string): string {
  return DEFAULT_MESSAGES[type] ?? 'Error';
}
