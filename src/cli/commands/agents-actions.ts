/** What `team agents list|show|validate` do; loaded only when one of them runs. */
import path from 'node:path';
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
import { columns, fail, printJson, type CommandIO } from '../io.js';
import { formatResults, wrap, type FileResult } from '../definition-output.js';

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

export function listAgentsAction(io: CommandIO, opts: { json?: boolean }): void {
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
}

export function showAgentAction(io: CommandIO, name: string, opts: { json?: boolean }): void {
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
}

export function validateAgentsAction(io: CommandIO, paths: string[], opts: { json?: boolean }): void {
  const cwd = io.cwd();
  const results = collectAgentResults(paths, cwd, io.home());
  const failed = results.some((result) => result.errors.length > 0);
  if (opts.json) {
    printJson(io, results.map(({ file, name, errors, warnings, skipped }) => ({ file, name: name ?? null, ok: errors.length === 0, errors, warnings, skipped })));
  } else {
    io.stdout(`${formatResults(results, cwd).join('\n')}\n`);
  }
  if (failed) io.setExitCode(1);
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

