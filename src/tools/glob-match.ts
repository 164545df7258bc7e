/** A small glob matcher for Glob and Grep: `**`, `*`, `?`, `[abc]`, `[!abc]`, `{a,b}` and `\` escapes. */

export class GlobPatternError extends Error {
  override name = 'GlobPatternError';
}

const MAX_EXPANSIONS = 256;
const SPECIAL = /[*?[{\\]/;

/**
 * Compiles a glob into a RegExp that matches whole `/`-separated relative paths. `*` and `?`
 * stay within one path segment and also match names starting with a dot; `**` as a whole
 * segment matches any number of segments, including none.
 */
export function compileGlob(pattern: string): RegExp {
  const normalized = normalizeGlob(pattern);
  if (normalized === '') throw new GlobPatternError('glob pattern is empty; use e.g. "**/*.ts"');
  const sources = expandBraces(normalized).map(globSource);
  return new RegExp(`^(?:${sources.join('|')})$`);
}

/** The leading segments of a glob that contain no special characters ('' when there are none). */
export function literalPrefix(pattern: string): string {
  const segments = normalizeGlob(pattern).split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (SPECIAL.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/');
}

/** True when a segment of the pattern is `..` (which would leave the searched directory). */
export function hasParentSegment(pattern: string): boolean {
  return expandBraces(normalizeGlob(pattern)).some((p) => p.split('/').includes('..'));
}

function normalizeGlob(pattern: string): string {
  let p = pattern.trim().replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/') && p.length > 1) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}

/** Bash-style brace expansion: `a{b,c{d,e}}` gives `ab`, `acd`, `ace`. Braces without a comma stay literal. */
export function expandBraces(pattern: string): string[] {
  const out: string[] = [];
  expandInto(pattern, out);
  return out;
}

function expandInto(pattern: string, out: string[]): void {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '{') continue;
    const group = braceGroup(pattern, i);
    if (!group) continue;
    const before = pattern.slice(0, i);
    const after = pattern.slice(group.end + 1);
    for (const alternative of group.alternatives) expandInto(before + alternative + after, out);
    return;
  }
  out.push(pattern);
  if (out.length > MAX_EXPANSIONS) {
    throw new GlobPatternError(`glob pattern expands to more than ${MAX_EXPANSIONS} alternatives; use fewer {a,b} groups`);
  }
}

function braceGroup(pattern: string, open: number): { end: number; alternatives: string[] } | null {
  let depth = 0;
  let start = open + 1;
  const alternatives: string[] = [];
  for (let j = open; j < pattern.length; j++) {
    const c = pattern[j];
    if (c === '\\') {
      j++;
    } else if (c === '{') {
      depth++;
    } else if (c === ',' && depth === 1) {
      alternatives.push(pattern.slice(start, j));
      start = j + 1;
    } else if (c === '}' && --depth === 0) {
      if (alternatives.length === 0) return null;
      alternatives.push(pattern.slice(start, j));
      return { end: j, alternatives };
    }
  }
  return null;
}

function globSource(pattern: string): string {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += segmentSource(segment) + (last ? '' : '/');
  });
  return source;
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) {
      out += escapeRegExp(segment[++i] as string);
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[' && classEnd(segment, i) > 0) {
      const end = classEnd(segment, i);
      out += classSource(segment.slice(i + 1, end));
      i = end;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

/** Index of the `]` closing the class opened at `open`, or -1 (then `[` is a literal). */
function classEnd(segment: string, open: number): number {
  let j = open + 1;
  if (segment[j] === '!' || segment[j] === '^') j++;
  if (segment[j] === ']') j++;
  for (; j < segment.length; j++) {
    if (segment[j] === '\\') j++;
    else if (segment[j] === ']') return j;
  }
  return -1;
}

function classSource(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  let chars = '';
  for (let i = negated ? 1 : 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) chars += classLiteral(body[++i] as string);
    else chars += c === '-' ? c : classLiteral(c);
  }
  return negated ? `[^/${chars}]` : `[${chars}]`;
}

function classLiteral(c: string): string {
  return /[\\\][^-]/.test(c) ? `\\${c}` : c;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
