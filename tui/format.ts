/** Plain text helpers for the board: every width is in terminal cells of ASCII-ish text. */

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = oneLine(text);
  return clean.length <= width ? clean : `${clean.slice(0, Math.max(0, width - 1))}…`;
}

export function pad(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - cut.length));
}

export function padStart(text: string, width: number): string {
  const cut = truncate(text, width);
  return ' '.repeat(Math.max(0, width - cut.length)) + cut;
}

/** Collapse newlines and tabs so one value never takes more than one line. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

/** Word-wrap to at most maxLines lines of width; the last kept line ends with … when text was cut. */
export function wrap(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r/g, '').split('\n')) {
    let line = '';
    for (const word of paragraph.replace(/\t/g, ' ').split(' ')) {
      let rest = word;
      while (rest.length > width) {
        if (line !== '') {
          lines.push(line);
          line = '';
        }
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      if (line === '') line = rest;
      else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1] ?? '';
  kept[maxLines - 1] = last.length >= width ? `${last.slice(0, width - 1)}…` : `${last}…`;
  return kept;
}

export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 10_000) return `${(tokens / 1000).toFixed(1)}k`;
  if (tokens < 1_000_000) return `${Math.round(tokens / 1000)}k`;
  return `${(tokens / 1_000_000).toFixed(tokens < 10_000_000 ? 2 : 1)}M`;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return '<$0.01';
  if (usd < 1000) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd)}`;
}

/** A duration on a clock: m:ss, or h:mm:ss past an hour (elapsed run time, time on a step). */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60);
  if (m < 60) return `${m}:${s}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}`;
}

/** A file size as people read it: 812 B, 4.2 KB, 3.1 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A path cut from the left to fit, keeping its end (the part that tells files apart). */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = oneLine(text);
  return clean.length <= width ? clean : `…${clean.slice(clean.length - Math.max(0, width - 1))}`;
}

/** Offset of an event from the run start: m:ss, or h:mm:ss past an hour. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60);
  if (m < 60) return `${String(m).padStart(2, '0')}:${s}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}`;
}

/** A short stage tag: whole words up to 6 letters, else the first 5 (a trailing vowel dropped). */
export function stageTag(stage: string | null): string {
  if (stage === null) return '';
  if (stage.length <= 6) return stage;
  const head = stage.slice(0, 5);
  return /[aeiou]$/i.test(head) ? head.slice(0, 4) : head;
}

export function idList(ids: number[], max = 3): string {
  const shown = ids.slice(0, max).map((id) => `#${id}`).join(',');
  return ids.length > max ? `${shown}+${ids.length - max}` : shown;
}

/** A JSON value as one short line (strings unquoted). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  return JSON.stringify(value) ?? String(value);
}

/** Nested objects as dotted keys (two levels deep), each value on one short line. */
export function flattenJson(value: unknown, prefix = '', depth = 0, out: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
    for (const [k, v] of Object.entries(value)) flattenJson(v, prefix === '' ? k : `${prefix}.${k}`, depth + 1, out);
    return out;
  }
  out.push([prefix, formatValue(value)]);
  return out;
}
