/**
 * A task's `estimate` in a team file, written the way people write durations: `90s`, `20m`,
 * `1h30m`, `1.5h`, `20 min`, `15 minutes`, `1 hour 30 minutes`, `2 hrs`. A bare number is refused:
 * its unit would be a guess.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1000;
/** Milliseconds per unit, by the names people give it. */
const UNITS = new Map<string, number>([
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((name) => [name, HOUR] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((name) => [name, MINUTE] as const),
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((name) => [name, SECOND] as const),
]);
/** One part: a number and its unit, with optional spaces, commas or "and" before the next. */
const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:,|\band\b)?\s*/gy;

/** The forms an estimate may take, as errors name them. */
export const DURATION_FORMS = '90s, 20m, 1h30m, 1.5h or 20 minutes';

/** What people put before an estimate ("~20m", "about 20 minutes"): it is one anyway. */
const HEDGE = /^(?:~|≈|about\b|around\b|approx(?:imately|\.)?|roughly\b|circa\b|ca\.)\s*/;
/** Durations said in words: "an hour", "half an hour", "a minute". */
const SPELLED: readonly [RegExp, string][] = [
  [/\bhalf an? hour\b/g, '30 minutes'],
  [/\ban? (hour|hr|minute|min|second|sec)\b/g, '1 $1'],
];

/** Milliseconds for a duration like `1h30m`, `20 minutes` or `about an hour`; null for anything else (a bare number, other units, a unit twice, zero). */
export function parseDuration(text: string): number | null {
  let input = text.trim().toLowerCase().replace(HEDGE, '');
  for (const [pattern, replacement] of SPELLED) input = input.replace(pattern, replacement);
  if (input === '') return null;
  PART.lastIndex = 0;
  const seen = new Set<number>();
  let ms = 0;
  while (PART.lastIndex < input.length) {
    const match = PART.exec(input);
    if (!match) return null;
    const unit = UNITS.get(match[2] ?? '');
    if (unit === undefined || seen.has(unit)) return null;
    seen.add(unit);
    ms += Number(match[1]) * unit;
  }
  ms = Math.round(ms);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** An estimate written back the way a team file may give it: `1h30m`, `20m`, `1m30s`; whole seconds. */
export function formatEstimate(ms: number): string {
  const total = Math.max(1, Math.round(ms / SECOND));
  const parts: [number, string][] = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}
