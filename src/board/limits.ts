import { BoardError } from './errors.js';

/**
 * Sizes the board accepts, chosen so that a task list, a question or a message stays small enough
 * for a model's context (a 5 MB subject made every TaskList 5 MB).
 */
export const LIMITS = {
  subject: 200,
  activeForm: 200,
  description: 20_000,
  /** Serialised JSON of a task's whole metadata after a merge. */
  metadata: 32_000,
  messageBody: 20_000,
  summary: 300,
  questionText: 2_000,
  header: 12,
  optionLabel: 60,
  optionDescription: 1_000,
  /** Serialised JSON of a whole question payload. */
  questionPayload: 20_000,
  name: 64,
} as const;

export function checkLength(field: string, value: string, limit: number, hint: string): void {
  if (value.length <= limit) return;
  throw new BoardError('invalid', `${field} is ${value.length.toLocaleString('en-US')} characters; the limit is ${limit.toLocaleString('en-US')}: ${hint}`);
}

export function checkJsonSize(field: string, value: unknown, limit: number, hint: string): void {
  const size = JSON.stringify(value).length;
  if (size <= limit) return;
  throw new BoardError('invalid', `${field} is ${size.toLocaleString('en-US')} characters as JSON; the limit is ${limit.toLocaleString('en-US')}: ${hint}`);
}
