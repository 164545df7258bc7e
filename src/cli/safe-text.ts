/**
 * What the CLI writes for a person to read passes through here: agent-written text (subjects,
 * notes, messages, answers) may hold terminal escape sequences that retitle, clear or rewrite the
 * terminal. The one cleaner is the report's, so the CLI and `team export` agree on what is shown.
 */
import { cleanText } from '../report/safe-text.js';

export { cleanText };

// Characters JSON.stringify leaves raw that a terminal may still act on: DEL, C1 controls, bidi marks.
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** JSON text that is harmless on a terminal and loses nothing: the characters above become \u escapes. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
