import path from 'node:path';
import type { Command } from 'commander';
import {
  allowedTools,
  agentSearchPath,
  findAgent,
  listAgents,
  loadAgentFile,
  scanAgentDirectory,
  type AgentDefinition,
} from '../../definitions/agent-loader.js';
import { DefinitionError } from '../../definitions/errors.js';
import { loadTeamConfig, resolveModel, type TeamConfig } from '../../definitions/model-aliases.js';
import { displayPath, isFile } from '../../definitions/paths.js';
import { didYouMean } from '../../definitions/suggest.js';
import { KNOWN_TOOLS } from '../../definitions/tool-names.js';
import { columns, fail, printJson, processIO, type CommandIO } from '../io.js';

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

/** A file as short as it can be named: relative to the working folder, else `~/...`, else absolute. */
function shortPath(file: string, cwd: string, home: string): string {
  const shown = displayPath(file, cwd);
  if (shown !== file) return shown;
  const fromHome = path.relative(home, file);
  if (fromHome === '' || fromHome.startsWith('..') || path.isAbsolute(fromHome)) return file;
  return `~/${fromHome.split(path.sep).join('/')}`;
}

function safeConfig(io: CommandIO): TeamConfig {
  try {
    return loadTeamConfig({ cwd: io.cwd(), env: io.env });
  } catch (error) {
    if (error instanceof DefinitionError) {
      io.stderr(`team: ${error.message}\n`);
      return {};
    }
    throw error;
  }
}

function modelText(def: AgentDefinition, config: TeamConfig, env: NodeJS.ProcessEnv): string {
  const resolved = resolveModel(def.model, { config, env });
  const raw = def.model ?? 'inherit';
  return raw === resolved ? raw : `${raw} -> ${resolved}`;
}

function toolsText(def: AgentDefinition): string {
  if (def.tools === '*') return 'all';
  return def.tools.map((tool) => (def.toolPatterns[tool] ? `${tool}(${def.toolPatterns[tool]?.join(', ')})` : tool)).join(', ') || '(none)';
}

function agentJson(def: AgentDefinition, io: CommandIO, config: TeamConfig) {
  return {
    name: def.name,
    description: def.description,
    source: def.source,
    path: def.path,
    model: def.model ?? null,
    resolvedModel: resolveModel(def.model, { config, env: io.env }),
    tools: def.tools,
    toolPatterns: def.toolPatterns,
    disallowedTools: def.disallowedTools,
    unknownTools: def.unknownTools,
    allowedTools: allowedTools(def, KNOWN_TOOLS),
    extra: def.extra,
    warnings: def.warnings,
    body: def.body,
  };
}

export function registerAgentsCommand(program: Command, io: CommandIO = processIO): Command {
  const agents = program.command('agents').description('list, show and validate agent definitions (Markdown files with YAML frontmatter)');

  agents
    .command('list')
    .description('every agent on the search path (./agents, ./.claude/agents, ~/.claude/agents, built-in); the nearest of a name wins')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const cwd = io.cwd();
      const listing = listAgents({ cwd, home: io.home() });
      const config = safeConfig(io);
      if (opts.json) {
        printJson(io, {
          agents: listing.agents.map((entry) => ({
            ...agentJson(entry.definition, io, config),
            body: undefined,
            shadowed: entry.shadowed.map((def) => ({ source: def.source, path: def.path })),
          })),
          errors: listing.errors.map((error) => ({ file: error.file, line: error.line ?? null, message: error.message })),
        });
      } else {
        if (listing.agents.length === 0) io.stdout(`no agents found in ${listing.searchPath.map(({ dir }) => displayPath(dir, cwd)).join(', ')}\n`);
        const rows = [['NAME', 'SOURCE', 'MODEL', 'FILE']];
        for (const entry of listing.agents) {
          const def = entry.definition;
          rows.push([def.name, def.source, modelText(def, config, io.env), displayPath(def.path, cwd)]);
          for (const shadowed of entry.shadowed) rows.push(['', `  shadows ${shadowed.source}`, '', displayPath(shadowed.path, cwd)]);
        }
        if (listing.agents.length > 0) io.stdout(`${columns(rows).join('\n')}\n`);
      }
      for (const error of listing.errors) io.stderr(`team: ${error.message}\n`);
    });

  agents
    .command('show')
    .description('show one agent: where it comes from, model, tools, warnings and prompt')
    .argument('<name>', 'agent name or path to an agent file')
    .option('--json', 'print JSON')
    .action((name: string, opts: { json?: boolean }) => {
      const cwd = io.cwd();
      let def: AgentDefinition | undefined;
      try {
        def = findAgent(name, { cwd, home: io.home() });
      } catch (error) {
        if (error instanceof DefinitionError) return fail(io, error.message);
        throw error;
      }
      if (!def) {
        const names = listAgents({ cwd, home: io.home() }).agents.map((entry) => entry.name);
        return fail(io, `agent "${name}" not found${didYouMean(name, names)}. Fix: use one of ${names.join(', ') || '(none found)'}, or add agents/${name}.md`);
      }
      const config = safeConfig(io);
      if (opts.json) return printJson(io, agentJson(def, io, config));
      const shadowed = def.source === 'path' ? [] : (listAgents({ cwd, home: io.home() }).agents.find((entry) => entry.name === def.name)?.shadowed ?? []);
      const rows = [
        ['file', `${shortPath(def.path, cwd, io.home())} (${def.source})`],
        ['model', modelText(def, config, io.env)],
        ['tools', toolsText(def)],
        ['gets', allowedTools(def, KNOWN_TOOLS).join(', ')],
      ];
      if (def.disallowedTools.length > 0) rows.push(['disallowed', def.disallowedTools.join(', ')]);
      if (def.unknownTools.length > 0) rows.push(['ignored', `${def.unknownTools.join(', ')} (not provided by teamboard)`]);
      for (const other of shadowed) rows.push(['shadows', `${shortPath(other.path, cwd, io.home())} (${other.source})`]);
      if (Object.keys(def.extra).length > 0) rows.push(['other fields', Object.keys(def.extra).join(', ')]);
      const keyWidth = Math.max(...rows.map(([key = '']) => key.length)) + 4;
      const lines = [def.name];
      for (const [key = '', value = ''] of rows) {
        const wrapped = wrap(value, 78, ' '.repeat(keyWidth));
        lines.push(`  ${key}`.padEnd(keyWidth) + (wrapped[0] ?? '').trimStart(), ...wrapped.slice(1));
      }
      lines.push('  description', ...wrap(def.description || '(none)', 78, '    '));
      if (def.warnings.length > 0) lines.push('  warnings', ...def.warnings.flatMap((warning) => wrap(warning, 78, '    ')));
      lines.push('', '--- prompt ---', def.body);
      io.stdout(`${lines.join('\n')}\n`);
    });

  agents
    .command('validate')
    .description('check agent files (default: every agent file on the search path); exits 1 on any error')
    .argument('[paths...]', 'agent files or names')
    .option('--json', 'print JSON')
    .action((paths: string[], opts: { json?: boolean }) => {
      const cwd = io.cwd();
      const results = collectAgentResults(paths, cwd, io.home());
      const failed = results.some((result) => result.errors.length > 0);
      if (opts.json) {
        printJson(io, results.map(({ file, name, errors, warnings, skipped }) => ({ file, name: name ?? null, ok: errors.length === 0, errors, warnings, skipped })));
      } else {
        io.stdout(`${formatResults(results, cwd).join('\n')}\n`);
      }
      if (failed) io.setExitCode(1);
    });

  return agents;
}

export interface FileResult {
  file: string;
  name?: string;
  errors: string[];
  warnings: string[];
  skipped?: boolean;
}

function collectAgentResults(targets: string[], cwd: string, home: string): FileResult[] {
  if (targets.length === 0) {
    const results: FileResult[] = [];
    for (const { dir, source } of agentSearchPath({ cwd, home })) {
      const scan = scanAgentDirectory(dir, source, { cwd });
      for (const def of scan.definitions) results.push({ file: def.path, name: def.name, errors: [], warnings: def.warnings });
      for (const error of scan.errors) results.push({ file: error.file, errors: error.errors, warnings: [] });
      for (const file of scan.skipped) results.push({ file, errors: [], warnings: [], skipped: true });
    }
    return results.sort((a, b) => a.file.localeCompare(b.file));
  }
  return targets.map((target) => {
    const file = path.resolve(cwd, target);
    try {
      const def = isFile(file) ? loadAgentFile(file, { cwd, source: 'path' }) : findAgent(target, { cwd, home });
      if (!def) return { file, errors: [`${target}: no such file or agent. Fix: pass the path of an agent file or the name of an agent on the search path`], warnings: [] };
      return { file: def.path, name: def.name, errors: [], warnings: def.warnings };
    } catch (error) {
      if (error instanceof DefinitionError) return { file: error.file, errors: error.errors, warnings: [] };
      throw error;
    }
  });
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
