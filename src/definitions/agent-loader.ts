import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefinitionError } from './errors.js';
import { FrontmatterProblem, hasFrontmatter, parseFrontmatter } from './frontmatter.js';
import { isModelAlias, isRecognisedModel, DEFAULT_MODEL_ALIASES } from './model-aliases.js';
import { packageRoot } from '../shared/paths.js';
import { displayPath, isDirectory, isFile, looksLikePath } from './paths.js';
import { BOARD_TOOLS, KNOWN_TOOLS, canonicalToolName, isBoardTool, parseToolEntry, splitToolString } from './tool-names.js';

export type AgentSource = 'project' | 'claude-project' | 'user' | 'builtin' | 'path';

export interface AgentDefinition {
  name: string;
  description: string;
  /** `model:` as written (alias, inherit or id); resolve with resolveModel(). */
  model: string | undefined;
  /** Tool names the file allows, or '*' for every tool. Patterns are stripped (see toolPatterns). */
  tools: string[] | '*';
  /** Per tool, the argument patterns it is limited to, e.g. { Bash: ['git:*'] }. */
  toolPatterns: Record<string, string[]>;
  disallowedTools: string[];
  /** Tools the file asks for that teamboard does not provide (mlflow, WebSearch, mcp__x__y, ...). */
  unknownTools: string[];
  /** The Markdown after the frontmatter: the system prompt. */
  body: string;
  path: string;
  source: AgentSource;
  /** Frontmatter fields this loader does not use (color, tier, ...), kept as read. */
  extra: Record<string, unknown>;
  /** Problems that do not stop the agent from working, each starting with `file:line: `. */
  warnings: string[];
}

export interface AgentSearchOptions {
  cwd?: string;
  home?: string;
}

export interface AgentDirectory {
  dir: string;
  source: Exclude<AgentSource, 'path'>;
}

const USED_FIELDS = new Set(['name', 'description', 'model', 'tools', 'disallowedTools']);

/** The folders searched for agents, nearest first. */
export function agentSearchPath(opts: AgentSearchOptions = {}): AgentDirectory[] {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const home = opts.home ?? os.homedir();
  const candidates: AgentDirectory[] = [
    { dir: path.join(cwd, 'agents'), source: 'project' },
    { dir: path.join(cwd, '.claude', 'agents'), source: 'claude-project' },
    { dir: path.join(home, '.claude', 'agents'), source: 'user' },
    { dir: path.join(packageRoot(), 'agents'), source: 'builtin' },
  ];
  const seen = new Set<string>();
  return candidates.filter(({ dir }) => {
    const key = realpathOr(dir);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Load one agent file. Throws DefinitionError (file, line, fix) when it cannot be used. */
export function loadAgentFile(file: string, opts: { cwd?: string; source?: AgentSource } = {}): AgentDefinition {
  const absolute = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new DefinitionError(`${displayPath(absolute, opts.cwd)}: cannot read agent file: ${reason}. Fix: check the path`, { file: absolute });
  }
  return agentFromText(text, absolute, opts);
}

/** An agent from the text of its file (already read), as loadAgentFile makes it. */
function agentFromText(text: string, absolute: string, opts: { cwd?: string | undefined; source?: AgentSource }): AgentDefinition {
  const label = displayPath(absolute, opts.cwd);
  let parsed;
  try {
    parsed = parseFrontmatter(text, label);
  } catch (error) {
    if (error instanceof FrontmatterProblem) throw new DefinitionError(error.message, { file: absolute, line: error.line });
    throw error;
  }
  const { data, body, keyLines } = parsed;
  const warnings = [...parsed.warnings];
  const at = (key: string): string => `${label}:${keyLines.get(key) ?? 1}`;

  const name = readName(data.name, at('name'), absolute, keyLines.get('name'));
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    warnings.push(`${at('name')}: name "${name}" is not kebab-case (lowercase letters, digits, hyphens); team files must spell it exactly as written`);
  }

  let description = '';
  if (data.description === undefined || data.description === null || data.description === '') {
    warnings.push(`${at('description')}: no description. Fix: add "description: <when to use this agent>" so people and teams know what it is for`);
  } else if (typeof data.description === 'string' || typeof data.description === 'number' || typeof data.description === 'boolean') {
    description = String(data.description).replace(/\\n/g, '\n').trim();
  } else {
    warnings.push(`${at('description')}: description should be text, not a ${describeKind(data.description)}; it was ignored`);
  }

  let model: string | undefined;
  if (typeof data.model === 'string' || typeof data.model === 'number') {
    model = String(data.model).trim() || undefined;
  } else if (data.model !== undefined && data.model !== null) {
    warnings.push(`${at('model')}: model should be an alias (${Object.keys(DEFAULT_MODEL_ALIASES).join(', ')}, inherit) or a model id, not a ${describeKind(data.model)}; it was ignored`);
  }
  if (model !== undefined && !isRecognisedModel(model)) {
    warnings.push(`${at('model')}: model "${model}" is neither an alias (${Object.keys(DEFAULT_MODEL_ALIASES).join(', ')}, inherit) nor a Claude model id; it will be sent to the API as written`);
  }
  if (model !== undefined && isModelAlias(model.toLowerCase())) model = model.toLowerCase();

  const grants = readTools(data, at('tools'), warnings);
  const disallowed = readToolList(data.disallowedTools, at('disallowedTools'), 'disallowedTools', warnings).map((entry) =>
    entry.pattern ? `${entry.name}(${entry.pattern})` : entry.name,
  );
  for (const entry of disallowed) {
    if (isBoardTool(entry)) warnings.push(`${at('disallowedTools')}: ${entry} cannot be disallowed: every member always gets the board tools (${BOARD_TOOLS.join(', ')})`);
  }

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!USED_FIELDS.has(key)) extra[key] = value;

  if (body === '') warnings.push(`${label}: the prompt (the Markdown after the frontmatter) is empty. Fix: describe the agent's role and how it works`);

  return {
    name,
    description,
    model,
    tools: grants.tools,
    toolPatterns: grants.patterns,
    disallowedTools: disallowed,
    unknownTools: grants.unknown,
    body,
    path: absolute,
    source: opts.source ?? 'path',
    extra,
    warnings,
  };
}

function readName(value: unknown, where: string, file: string, line: number | undefined): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  const problem = value === undefined || value === null || value === '' ? 'missing "name"' : `"name" must be text, not a ${describeKind(value)}`;
  throw new DefinitionError(`${where}: ${problem} in frontmatter. Fix: add a line such as "name: ${suggestName(file)}" between the --- lines`, { file, line: line ?? 1 });
}

function suggestName(file: string): string {
  const stem = path.basename(file).replace(/\.[^.]*$/, '');
  const kebab = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return kebab || 'my-agent';
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'mapping' : typeof value;
}

/** The tools a definition grants (not a tool's API spec: that is ToolSpec in src/shared/tool-spec.ts). */
interface ToolGrants {
  tools: string[] | '*';
  patterns: Record<string, string[]>;
  unknown: string[];
}

function readTools(data: Record<string, unknown>, where: string, warnings: string[]): ToolGrants {
  if (!Object.hasOwn(data, 'tools')) return { tools: '*', patterns: {}, unknown: [] };
  let raw = data.tools;
  if (raw === null) {
    warnings.push(`${where}: "tools" is empty, so the agent gets every tool. Fix: remove the line, or list tools such as "tools: Read, Grep, Bash"`);
    return { tools: '*', patterns: {}, unknown: [] };
  }
  if (typeof raw === 'object' && !Array.isArray(raw)) raw = pickMode(raw as Record<string, unknown>, where, warnings);

  const entries = readToolList(raw, where, 'tools', warnings);
  if (entries.length === 0) {
    warnings.push(`${where}: "tools" lists nothing, so the agent only gets the board tools (${BOARD_TOOLS.join(', ')})`);
  }
  if (entries.some((entry) => entry.name === '*')) return { tools: '*', patterns: {}, unknown: [] };

  const names: string[] = [];
  const patterns: Record<string, string[]> = {};
  const unrestricted = new Set<string>();
  const unknown: string[] = [];
  for (const entry of entries) {
    const canonical = canonicalToolName(entry.name);
    if (canonical && canonical !== entry.name) warnings.push(`${where}: tool "${entry.name}" is spelled differently from "${canonical}"; using ${canonical}`);
    const name = canonical ?? entry.name;
    if (!names.includes(name)) names.push(name);
    if (!canonical && !unknown.includes(name)) unknown.push(name);
    if (entry.pattern === undefined) unrestricted.add(name);
    else (patterns[name] ??= []).push(entry.pattern);
  }
  // A bare `Bash` next to `Bash(git:*)` allows all of Bash, so the pattern no longer limits anything.
  for (const name of unrestricted) delete patterns[name];
  if (unknown.length > 0) {
    const list = unknown.map((name) => `"${name}"`).join(', ');
    const verb = unknown.length === 1 ? 'tool ' + list + ' is' : 'tools ' + list + ' are';
    warnings.push(`${where}: ${verb} not provided by teamboard and will be ignored (it provides ${KNOWN_TOOLS.join(', ')})`);
  }
  return { tools: names, patterns, unknown };
}

/** `tools:` as a map of mode -> tools: use the `default_mode` entry, else the union of all modes. */
function pickMode(modes: Record<string, unknown>, where: string, warnings: string[]): unknown {
  const selector = modes.default_mode ?? modes.default;
  const modeNames = Object.keys(modes).filter((key) => key !== 'default_mode' && key !== 'default');
  if (typeof selector === 'string' && modeNames.includes(selector)) return modes[selector];
  if (selector !== undefined) {
    warnings.push(`${where}: default_mode "${String(selector)}" is not one of the modes (${modeNames.join(', ')}); using the tools of every mode`);
  }
  const union: unknown[] = [];
  for (const key of modeNames) {
    const value = modes[key];
    if (Array.isArray(value)) union.push(...(value as unknown[]));
    else union.push(value);
  }
  return union;
}

function readToolList(raw: unknown, where: string, field: string, warnings: string[]) {
  if (raw === undefined || raw === null) return [];
  const items: unknown[] = Array.isArray(raw) ? raw : [raw];
  const entries = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      warnings.push(`${where}: "${field}" entry ${JSON.stringify(item)} is not a tool name; it was ignored`);
      continue;
    }
    for (const part of splitToolString(item)) entries.push(parseToolEntry(part));
  }
  return entries;
}

/** Resolve which of the `available` tools a member may use. The board tools are always included. */
export function allowedTools(def: Pick<AgentDefinition, 'tools' | 'disallowedTools'>, available: readonly string[]): string[] {
  const blocked = new Set(def.disallowedTools.filter((entry) => !entry.includes('(')).map((entry) => canonicalToolName(entry) ?? entry));
  const wanted = def.tools === '*' ? undefined : new Set(def.tools);
  const result = available.filter((tool) => isBoardTool(tool) || ((wanted === undefined || wanted.has(tool)) && !blocked.has(tool)));
  for (const tool of BOARD_TOOLS) if (!result.includes(tool)) result.push(tool);
  return result;
}

export interface AgentScan {
  definitions: AgentDefinition[];
  errors: DefinitionError[];
  /** .md files without frontmatter (READMEs, notes): not agent files. */
  skipped: string[];
}

/** Load every agent file in one folder (recursively), sorted by path. */
export function scanAgentDirectory(dir: string, source: AgentSource, opts: { cwd?: string } = {}): AgentScan {
  const scan: AgentScan = { definitions: [], errors: [], skipped: [] };
  for (const file of markdownFiles(dir)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!hasFrontmatter(text)) {
      scan.skipped.push(file);
      continue;
    }
    try {
      scan.definitions.push(agentFromText(text, path.resolve(opts.cwd ?? process.cwd(), file), { cwd: opts.cwd, source }));
    } catch (error) {
      if (error instanceof DefinitionError) scan.errors.push(error);
      else throw error;
    }
  }
  return scan;
}

function markdownFiles(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...markdownFiles(full));
    else if (entry.name.toLowerCase().endsWith('.md') && isFile(full)) files.push(full);
  }
  return files.sort();
}

/**
 * Find the agent named `name` on the search path (nearest wins), or load it when `name` is a path.
 * Returns undefined when no file defines it; throws DefinitionError when the file that would win is broken.
 */
export function findAgent(name: string, opts: AgentSearchOptions = {}): AgentDefinition | undefined {
  return agentLookup(opts).find(name);
}

export interface AgentListEntry {
  name: string;
  /** The definition that wins (nearest on the search path). */
  definition: AgentDefinition;
  /** Definitions of the same name that lose to it, nearest first. */
  shadowed: AgentDefinition[];
}

export interface AgentListing {
  agents: AgentListEntry[];
  errors: DefinitionError[];
  skipped: string[];
  searchPath: AgentDirectory[];
}

/** Every agent on the search path, by name, with the winning definition and the ones it shadows. */
export function listAgents(opts: AgentSearchOptions = {}): AgentListing {
  return agentLookup(opts).list();
}

export interface AgentLookup {
  /** As findAgent. */
  find(name: string): AgentDefinition | undefined;
  /** As listAgents. */
  list(): AgentListing;
}

/**
 * findAgent and listAgents over one search path, each folder read and parsed at most once: a team
 * looks up its members one after another, and each look-up used to read every agent file again.
 */
export function agentLookup(opts: AgentSearchOptions = {}): AgentLookup {
  const cwd = opts.cwd ?? process.cwd();
  let searchPath: AgentDirectory[] | undefined;
  const scans = new Map<string, AgentScan>();
  const dirs = (): AgentDirectory[] => (searchPath ??= agentSearchPath(opts));
  const scanOf = ({ dir, source }: AgentDirectory): AgentScan => {
    let scan = scans.get(dir);
    if (!scan) {
      scan = scanAgentDirectory(dir, source, { cwd });
      scans.set(dir, scan);
    }
    return scan;
  };
  return {
    find(name) {
      if (looksLikePath(name, ['.md', '.markdown', '.txt']) || isFile(path.resolve(cwd, name))) {
        if (!isFile(path.resolve(cwd, name))) return undefined;
        return loadAgentFile(name, { cwd, source: 'path' });
      }
      for (const directory of dirs()) {
        const scan = scanOf(directory);
        const match = scan.definitions.find((def) => def.name === name);
        if (match) return match;
        const broken = scan.errors.find((error) => path.basename(error.file).replace(/\.md$/i, '') === name);
        if (broken) throw broken;
      }
      return undefined;
    },
    list() {
      const byName = new Map<string, AgentListEntry>();
      const errors: DefinitionError[] = [];
      const skipped: string[] = [];
      for (const directory of dirs()) {
        const scan = scanOf(directory);
        errors.push(...scan.errors);
        skipped.push(...scan.skipped);
        for (const def of scan.definitions) {
          const entry = byName.get(def.name);
          if (entry) entry.shadowed.push(def);
          else byName.set(def.name, { name: def.name, definition: def, shadowed: [] });
        }
      }
      const agents = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
      return { agents, errors, skipped, searchPath: dirs() };
    },
  };
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
