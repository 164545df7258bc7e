import YAML, { LineCounter } from 'yaml';

/** Frontmatter split from a Markdown file, parsed into plain data. */
export interface ParsedFrontmatter {
  data: Record<string, unknown>;
  body: string;
  /** File line (1-based) of each top-level key. */
  keyLines: Map<string, number>;
  /** Problems that did not stop the file from loading, each prefixed with `file:line: `. */
  warnings: string[];
}

/** A problem at one line of the file; the caller turns it into a DefinitionError. */
/** The fix for a YAML error, by the yaml library's error code. */
export function yamlFix(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'Fix: keep only one of the lines with this key';
  if (code === 'TAB_AS_INDENT') return 'Fix: indent with spaces, not tabs';
  return 'Fix the indentation (spaces, not tabs) or put the value in quotes';
}

export class FrontmatterProblem extends Error {
  override name = 'FrontmatterProblem';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const FENCE = /^---[ \t]*$/;

/** Normalise BOM and line endings so that every later step sees `\n` only. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Does the text open with a `---` fence (after blank lines)? Files without one are not agent files. */
export function hasFrontmatter(text: string): boolean {
  const lines = normaliseText(text).split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  return first >= 0 && FENCE.test(lines[first] ?? '');
}

/**
 * Split and parse YAML frontmatter. `label` names the file in messages.
 * Throws FrontmatterProblem for a missing fence or YAML that cannot be read.
 */
export function parseFrontmatter(rawText: string, label: string): ParsedFrontmatter {
  const lines = normaliseText(rawText).split('\n');
  const open = lines.findIndex((line) => line.trim() !== '');
  if (open < 0 || !FENCE.test(lines[open] ?? '')) {
    throw new FrontmatterProblem(
      `${label}:${open < 0 ? 1 : open + 1}: no frontmatter. Fix: start the file with a line "---", then fields such as "name: my-agent" and "description: ...", then a closing "---" line before the prompt`,
      open < 0 ? 1 : open + 1,
    );
  }
  const closeOffset = lines.slice(open + 1).findIndex((line) => FENCE.test(line));
  if (closeOffset < 0) {
    throw new FrontmatterProblem(
      `${label}:${open + 1}: the frontmatter opened here is never closed. Fix: add a line "---" after the last field (name, description, tools, ...) and before the prompt`,
      open + 1,
    );
  }
  const close = open + 1 + closeOffset;
  const firstYamlLine = open + 2;
  const yamlLines = lines.slice(open + 1, close);
  const body = lines.slice(close + 1).join('\n').trim();

  const warnings: string[] = [];
  let parsed = parseYaml(yamlLines.join('\n'));
  if (parsed.errors.length > 0) {
    const repair = repairPlainValues(yamlLines);
    const retried = repair.changed.length > 0 ? parseYaml(repair.lines.join('\n')) : undefined;
    if (!retried || retried.errors.length > 0) {
      const first = parsed.errors[0];
      const line = firstYamlLine - 1 + (first?.line ?? 1);
      throw new FrontmatterProblem(
        `${label}:${line}: bad YAML in frontmatter: ${first?.reason ?? 'unreadable'}. ${yamlFix(first?.code ?? '')}`,
        line,
      );
    }
    parsed = retried;
    for (const { index, key } of repair.changed) {
      warnings.push(
        `${label}:${firstYamlLine + index}: the value of "${key}" is not valid YAML (it contains ": " or a special character); it was read as plain text. Put it in quotes to silence this warning`,
      );
    }
  }

  const value = parsed.value;
  if (value === null || value === undefined) return { data: {}, body, keyLines: new Map(), warnings };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FrontmatterProblem(
      `${label}:${firstYamlLine}: the frontmatter must be a set of "key: value" fields, not a ${Array.isArray(value) ? 'list' : 'single value'}. Fix: write fields such as "name: my-agent"`,
      firstYamlLine,
    );
  }
  const keyLines = new Map<string, number>();
  for (const [key, line] of parsed.keyLines) keyLines.set(key, firstYamlLine - 1 + line);
  return { data: value as Record<string, unknown>, body, keyLines, warnings };
}

interface YamlResult {
  value: unknown;
  errors: { line: number; reason: string; code: string }[];
  keyLines: Map<string, number>;
}

function parseYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  const errors = doc.errors.map((error) => ({
    line: lineCounter.linePos(error.pos[0]).line,
    code: error.code,
    reason: error.message.replace(/\s+/g, ' ').replace(/[.:]\s*$/, ''),
  }));
  const keyLines = new Map<string, number>();
  if (YAML.isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (YAML.isScalar(pair.key) && pair.key.range) keyLines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
    }
  }
  if (errors.length > 0) return { value: undefined, errors, keyLines };
  return { value: doc.toJS({ maxAliasCount: 100 }), errors, keyLines };
}

const TOP_LEVEL_FIELD = /^([A-Za-z_][\w.-]*)[ \t]*:[ \t]+(\S.*?)[ \t]*$/;
const STRUCTURED_START = /^["'[{|>&*!#%@`]/;

/**
 * Real-world agent files often hold one-line values that YAML rejects, such as a description
 * full of "Context: ..." examples. Claude Code reads those as text, so quote such lines and retry.
 */
function repairPlainValues(lines: string[]): { lines: string[]; changed: { index: number; key: string }[] } {
  const changed: { index: number; key: string }[] = [];
  const repaired = [...lines];
  for (let index = 0; index < lines.length; index++) {
    const match = TOP_LEVEL_FIELD.exec(lines[index] ?? '');
    if (!match) continue;
    const [, key = '', value = ''] = match;
    if (STRUCTURED_START.test(value)) continue;
    let end = index + 1;
    while (end < lines.length && /^[ \t]+\S/.test(lines[end] ?? '')) end++;
    const original = lines.slice(index, end);
    // Indented list items or fields under a value are broken structure, not text: leave them to the error.
    if (original.slice(1).some((line) => /^\s*(-\s|[\w.-]+:(\s|$))/.test(line))) continue;
    if (YAML.parseDocument(original.join('\n'), { prettyErrors: false }).errors.length === 0) continue;
    const text = [value, ...original.slice(1).map((line) => line.trim())].join(' ');
    repaired[index] = `${key}: '${text.replace(/'/g, "''")}'`;
    for (let continuation = index + 1; continuation < end; continuation++) repaired[continuation] = '';
    changed.push({ index, key });
    index = end - 1;
  }
  return { lines: repaired, changed };
}
