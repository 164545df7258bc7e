import type { Json } from '../src/board/types.js';

const EXTENSIONS = 'md|markdown|json|jsonl|csv|tsv|txt|log|py|js|mjs|cjs|ts|tsx|yaml|yml|toml|html|sh|sql|ipynb|cfg|ini|xml';
/** A relative path with a folder (`reports/model-card.md`, `data/`), or a bare file name with a known extension. */
const PATH = new RegExp(`(?<![\\w./~-])(?:\\./)?((?:[\\w.-]+/)+[\\w.-]*|[\\w-][\\w.-]*\\.(?:${EXTENSIONS}))(?![\\w/])`, 'gi');

/**
 * Workspace paths a text mentions, in order, once each: what the board offers to open. Only the
 * ones that exist are offered (see existingFiles); URLs, absolute paths and `..` are never taken.
 */
export function mentionedPaths(texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    const withoutUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
    for (const match of withoutUrls.matchAll(PATH)) {
      const candidate = (match[1] ?? '').replace(/[.,:;]+$/, '');
      if (candidate === '' || candidate.split('/').includes('..') || /^\d+(\.\d+)*$/.test(candidate)) continue;
      if (!found.includes(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** Every string in a JSON value (task metadata), for path mentions. */
export function jsonStrings(value: Json | undefined, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) jsonStrings(v, out);
  return out;
}
