/** A task's `estimate` in a team file: hours, minutes and seconds, largest first (`90s`, `20m`, `1h30m`, `2h`). */

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** The forms an estimate may take, as errors name them. */
export const DURATION_FORMS = '90s, 20m, 1h30m or 2h';

/** Milliseconds for a duration like `1h30m`; null for anything else (a bare number, other units, zero). */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return null;
  const [, h = '0', m = '0', s = '0'] = match;
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}
