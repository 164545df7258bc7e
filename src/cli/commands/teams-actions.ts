/** What `team teams list|show|validate` do; loaded only when one of them runs. */
import path from 'node:path';
import { DefinitionError } from '../../definitions/errors.js';
import { formatEstimate } from '../../definitions/duration.js';
import { displayPath, isFile } from '../../definitions/paths.js';
import { findTeamFile, listTeams, loadTeam, validateTeamFile, type LoadedTeam } from '../../definitions/team-loader.js';
import type { TeamGate } from '../../definitions/team-schema.js';
import { formatResults, wrap, type FileResult } from '../definition-output.js';
import { columns, fail, printJson, type CommandIO } from '../io.js';

const WIDTH = 80;

export function listTeamsAction(io: CommandIO, opts: { json?: boolean }): void {
  const cwd = io.cwd();
  const entries = listTeams({ cwd });
  if (opts.json) return printJson(io, entries);
  if (entries.length === 0) return io.stdout('no teams found in ./teams or the built-in teams\n');
  const rows = [['NAME', 'SOURCE', 'DESCRIPTION']];
  for (const entry of entries) {
    const used = entry.name.length + entry.source.length + 4;
    rows.push([entry.name, entry.source, truncate(entry.description ?? '', Math.max(20, WIDTH - used - 12))]);
  }
  io.stdout(`${columns(rows).join('\n')}\n`);
}

export function showTeamAction(io: CommandIO, name: string, opts: { json?: boolean }): void {
  let loaded: LoadedTeam;
  try {
    loaded = loadTeam(name, { cwd: io.cwd(), home: io.home(), env: io.env });
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    fail(io, error.message);
    for (const more of error.errors.slice(1)) io.stderr(`team: ${more}\n`);
    return;
  }
  if (opts.json) return printJson(io, teamJson(loaded));
  io.stdout(`${formatTeam(loaded, io.cwd()).join('\n')}\n`);
}

export function validateTeamsAction(io: CommandIO, targets: string[], opts: { json?: boolean }): void {
  const cwd = io.cwd();
  const results = collectTeamResults(targets, io);
  if (opts.json) {
    printJson(io, results.map(({ file, name, errors, warnings }) => ({ file, name: name ?? null, ok: errors.length === 0, errors, warnings })));
  } else {
    io.stdout(`${formatResults(results, cwd).join('\n')}\n`);
  }
  if (results.some((result) => result.errors.length > 0)) io.setExitCode(1);
}

function collectTeamResults(targets: string[], io: CommandIO): FileResult[] {
  const cwd = io.cwd();
  const opts = { cwd, home: io.home(), env: io.env };
  const files: { file: string; name?: string; error?: string }[] =
    targets.length === 0
      ? listTeams({ cwd }).map((entry) => ({ file: entry.path, name: entry.name }))
      : targets.map((target) => {
          try {
            return { file: findTeamFile(target, { cwd }).path };
          } catch (error) {
            if (error instanceof DefinitionError) return { file: path.resolve(cwd, target), error: error.message };
            throw error;
          }
        });
  return files.map(({ file, name, error }) => {
    if (error !== undefined || !isFile(file)) return { file, errors: [error ?? `${displayPath(file, cwd)}: team file not found`], warnings: [] };
    const result = validateTeamFile(file, opts);
    return { file, name: name ?? path.basename(file).replace(/\.ya?ml$/i, ''), ...result };
  });
}

function teamJson(loaded: LoadedTeam) {
  return {
    path: loaded.path,
    source: loaded.source,
    team: loaded.team,
    members: loaded.members.map((member) => ({
      name: member.name,
      agent: member.agent.name,
      agentPath: member.agent.path,
      agentSource: member.agent.source,
      role: member.role,
      model: member.model,
    })),
    warnings: loaded.warnings,
  };
}

export function gateText(gate: TeamGate): string {
  const spec = gate.spec;
  if (spec.kind === 'approval') return `human approval${spec.question ? `: "${spec.question}"` : ''}`;
  const checks: string[] = [];
  if (spec.min !== undefined) checks.push(`>= ${spec.min}`);
  if (spec.max !== undefined) checks.push(`<= ${spec.max}`);
  if (spec.beatBaseline) checks.push('> baseline');
  return `${spec.metric} of ${spec.task}${checks.length > 0 ? ` ${checks.join(', ')}` : ''}${spec.retrain ? ` (retrain: ${spec.retrain.join(', ')})` : ''}`;
}

function formatTeam(loaded: LoadedTeam, cwd: string): string[] {
  const { team } = loaded;
  const lines = [`${team.name}  (${displayPath(loaded.path, cwd)}, ${loaded.source})`];
  if (team.description) lines.push(...wrap(team.description, WIDTH));

  lines.push('', 'Members');
  lines.push(...columns([['  NAME', 'AGENT', 'ROLE', 'MODEL'], ...loaded.members.map((m) => [`  ${m.name}`, m.agent.name, m.role, m.model])]));

  lines.push('', ...wrap(`Pipeline: ${team.pipeline.join(' -> ')}`, WIDTH));
  if (team.gates.length > 0) {
    lines.push('', 'Gates');
    for (const gate of team.gates) {
      const [first = '', ...rest] = wrap(`before ${gate.before}: ${gateText(gate)}`, WIDTH - 2, '  ');
      lines.push(first, ...rest.map((line) => `  ${line}`));
    }
  }
  const budget: string[] = [];
  if (team.budget?.usd !== undefined) budget.push(`$${team.budget.usd.toFixed(2)}`);
  if (team.budget?.tokens !== undefined) budget.push(`${team.budget.tokens.toLocaleString('en-US')} tokens`);
  if (budget.length > 0 || team.workspace) lines.push('');
  if (budget.length > 0) lines.push(`Budget: ${budget.join(', ')}`);
  if (team.workspace) lines.push(`Workspace: ${displayPath(team.workspace, cwd)}`);

  lines.push('', 'Tasks');
  for (const stage of team.pipeline) {
    const tasks = team.tasks.filter((task) => task.stage === stage);
    const guards = team.gates.filter((gate) => gate.before === stage).length;
    lines.push(`  ${stage}${guards > 0 ? `  (behind ${guards} gate${guards === 1 ? '' : 's'})` : ''}${tasks.length === 0 ? '  (no tasks yet)' : ''}`);
    for (const task of tasks) {
      lines.push(`    ${task.id}${task.role ? `  [${task.role}]` : ''}${task.estimateMs !== undefined ? `  ~${formatEstimate(task.estimateMs)}` : ''}`);
      lines.push(...wrap(task.subject, WIDTH, '      '));
      if (task.blockedBy.length > 0) lines.push(...wrap(`after: ${task.blockedBy.join(', ')}`, WIDTH, '      '));
    }
  }
  if (loaded.warnings.length > 0) {
    lines.push('', 'Warnings');
    for (const warning of loaded.warnings) lines.push(...wrap(warning, WIDTH, '  '));
  }
  return lines;
}

function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 3)}...`;
}
