/** The Messages-shaped interface every model backend implements (DESIGN.md §8). */
import type { ToolSpec } from '../shared/tool-spec.js';

export type { ToolSpec };

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock;
export type UserBlock = TextBlock | ToolResultBlock;

export type Message =
  | { role: 'user'; content: string | UserBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';

export interface ModelRequest {
  /** Member name, for per-member policies (sim) and logging. */
  member: string;
  /** Role (agent name) of the member. */
  role: string;
  /** Resolved model id. */
  model: string;
  system: string;
  tools: ToolSpec[];
  messages: Message[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface ModelResponse {
  content: AssistantBlock[];
  stopReason: StopReason;
  usage: Usage;
  model: string;
  /** Cost of this call in USD (0 for sim). */
  costUsd: number;
  /** Simulated think time, reported instead of waited for by instant (virtual-time) runs. */
  latencyMs?: number;
}

/** The backend failed an attempt and will try again after `waitMs` (rate limit, overload, dropped stream). */
export interface RetryEvent {
  type: 'retrying';
  /** HTTP status of the failed attempt; null when the connection or the stream failed. */
  status: number | null;
  /** Which retry this is, from 1. */
  attempt: number;
  /** How many retries the backend makes before giving up. */
  of: number;
  waitMs: number;
  /** Short cause, e.g. `529 overloaded_error`, `stream dropped`. */
  reason: string;
}

export type ModelEvent = { type: 'text_delta'; text: string } | RetryEvent;

export interface Model {
  readonly backend: 'sim' | 'anthropic' | 'replay';
  send(request: ModelRequest, onEvent?: (event: ModelEvent) => void): Promise<ModelResponse>;
}

/** A model call failed in a way that retrying will not fix (bad key, bad request). */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const zeroUsage = (): Usage => ({
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
});
