import { displayPath } from '../definitions/paths.js';

/**
 * Wrap text to `width` columns with an indent. A word longer than a whole line (a path in a deep
 * folder) is broken after a `/`, or at the width when it has none, so no line is ever wider.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length <= room) {
        line = `${line} ${word}`;
        continue;
      }
      if (line !== '') lines.push(indent + line);
      const pieces = breakWord(word, room);
      line = pieces.pop() ?? '';
      lines.push(...pieces.map((piece) => indent + piece));
    }
    lines.push(indent + line);
  }
  return lines;
}

/** A word cut into pieces of at most `room` characters, after a `/` where there is one. */
function breakWord(word: string, room: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > room) {
    const slash = rest.lastIndexOf('/', room - 1);
    const cut = slash > 0 ? slash + 1 : room;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

export interface FileResult {
  file: string;
  name?: string;
  errors: string[];
  warnings: string[];
  skipped?: boolean;
}

/** `OK` / `WARN` / `ERROR` per file with its messages, then a summary line. */
export function formatResults(results: FileResult[], cwd: string): string[] {
  const lines: string[] = [];
  let ok = 0;
  let warned = 0;
  let failed = 0;
  for (const result of results) {
    const label = `${displayPath(result.file, cwd)}${result.name ? ` (${result.name})` : ''}`;
    if (result.skipped) {
      lines.push(`SKIP   ${label}: no frontmatter, not an agent file`);
      continue;
    }
    if (result.errors.length > 0) {
      failed++;
      lines.push(`ERROR  ${label}`, ...result.errors.map((message) => `       ${message}`));
    } else if (result.warnings.length > 0) {
      warned++;
      lines.push(`WARN   ${label}`, ...result.warnings.map((message) => `       ${message}`));
    } else {
      ok++;
      lines.push(`OK     ${label}`);
    }
  }
  const total = ok + warned + failed;
  lines.push(`${total} file${total === 1 ? '' : 's'}: ${ok} ok, ${warned} with warnings, ${failed} with errors`);
  return lines;
}
