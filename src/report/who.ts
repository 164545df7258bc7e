/** Who answered or decided, in words a person reads in a report. */
import type { AnsweredBy } from '../board/types.js';

const ANSWERED_BY: Record<AnsweredBy, string> = {
  human: 'you, on the board',
  cli: 'you, with team answer',
  // Not always the recommended option: a stuck task retried once already is stopped.
  auto: '--auto-answer',
  tape: 'the replayed tape',
};

const SHORT: Record<AnsweredBy, string> = {
  human: 'you',
  cli: 'you',
  auto: '--auto-answer',
  tape: 'the replayed tape',
};

function isAnsweredBy(by: string): by is AnsweredBy {
  return Object.hasOwn(ANSWERED_BY, by);
}

export function answeredByText(by: AnsweredBy): string {
  return ANSWERED_BY[by];
}

/** Who decided a gate: the coordinator's own check, or whoever answered its question. */
export function decidedByText(by: string | null): string | null {
  if (by === null) return null;
  if (by === 'coordinator') return 'the coordinator (metric check)';
  return isAnsweredBy(by) ? ANSWERED_BY[by] : by;
}

/** For a headline: `you`, `--auto-answer`. */
export function shortWho(by: string | null): string {
  if (by === null) return 'nobody';
  return isAnsweredBy(by) ? SHORT[by] : by;
}
