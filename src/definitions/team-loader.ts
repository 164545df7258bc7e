import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML, { LineCounter, type Document } from 'yaml';
import { z } from 'zod';
import { agentLookup, loadAgentFile, type AgentDefinition, type AgentListing } from './agent-loader.js';
import { DefinitionError } from './errors.js';
import { isRecognisedModel, loadTeamConfig, resolveModel, type TeamConfig } from './model-aliases.js';
import { packageRoot } from '../shared/paths.js';
import { displayPath, isDirectory, isFile, looksLikePath } from './paths.js';
import { didYouMean } from './suggest.js';
import { lineAt } from './yaml-locate.js';
import { reportIssue } from './team-issues.js';
import type { JsonObject, SandboxConfig, SimScript } from '../board/types.js';
import { sandboxSettingsFrom } from '../sandbox/config.js';
import { CONTROL_ENV_NAMES } from '../sandbox/env.js';
import { teamFileSchema, type SimStep, type TaskDefinition, type TeamDefinition, type TeamFileInput, type TeamGate } from './team-schema.js';

export type TeamSource = 'project' | 'builtin' | 'path';

export interface TeamLoadOptions {
  cwd?: string;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Model config; read from .team/config.json when not given. */
  config?: TeamConfig;
}

export interface ResolvedMember {
  name: string;
  agent: AgentDefinition;
  /** Who this member is for task `role:` checks: the member's `role:`, else the agent's name. */
  role: string;
  /** The model id this member will run on. */
  model: string;
}

export interface LoadedTeam {
  team: TeamDefinition;
  /** Member name -> the agent definition it runs. */
  agents: Map<string, AgentDefinition>;
  members: ResolvedMember[];
  warnings: string[];
  /** Absolute path of the team file. */
  path: string;
  /** Folder holding the team file (relative paths inside it start here). */
  dir: string;
  source: TeamSource;
}

export interface TeamCheck {
  errors: string[];
  warnings: string[];
  loaded?: LoadedTeam;
}

const TEAM_EXTENSIONS = ['.yaml', '.yml'];

export interface TeamDirectory {
  dir: string;
  source: Exclude<TeamSource, 'path'>;
}

/** Folders searched for `<name>.yaml`, nearest first. */
export function teamSearchPath(opts: { cwd?: string } = {}): TeamDirectory[] {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const project = path.join(cwd, 'teams');
  const builtin = path.join(packageRoot(), 'teams');
  return sameDir(project, builtin) ? [{ dir: project, source: 'project' }] : [{ dir: project, source: 'project' }, { dir: builtin, source: 'builtin' }];
}

/** Where a team name or path points. Throws DefinitionError when nothing matches. */
export function findTeamFile(nameOrPath: string, opts: { cwd?: string } = {}): { path: string; source: TeamSource } {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const direct = path.resolve(cwd, nameOrPath);
  if (isFile(direct)) return { path: direct, source: 'path' };
  if (looksLikePath(nameOrPath, TEAM_EXTENSIONS)) {
    if (isDirectory(direct)) throw folderNotTeam(direct, cwd);
    throw new DefinitionError(`${displayPath(direct, cwd)}: team file not found. Fix: check the path`, { file: direct });
  }
  const searchPath = teamSearchPath({ cwd });
  for (const { dir, source } of searchPath) {
    for (const ext of TEAM_EXTENSIONS) {
      const candidate = path.join(dir, `${nameOrPath}${ext}`);
      if (isFile(candidate)) return { path: candidate, source };
      if (isDirectory(candidate)) throw folderNotTeam(candidate, cwd);
    }
  }
  if (isDirectory(direct)) throw folderNotTeam(direct, cwd);
  const known = listTeams({ cwd }).map((team) => team.name);
  const looked = searchPath.map(({ dir }) => displayPath(path.join(dir, `${nameOrPath}.yaml`), cwd)).join(' and ');
  throw new DefinitionError(
    `team "${nameOrPath}" not found${didYouMean(nameOrPath, known)}; looked for ${looked}. Fix: ${known.length > 0 ? `use one of ${known.join(', ')}, ` : ''}create teams/${nameOrPath}.yaml or pass the path of a team file`,
    { file: path.join(cwd, 'teams', `${nameOrPath}.yaml`) },
  );
}

function folderNotTeam(dir: string, cwd: string): DefinitionError {
  return new DefinitionError(`${displayPath(dir, cwd)} is a folder, not a team file. Fix: pass the path of a .yaml team file, or a team name from \`team teams list\``, { file: dir });
}

/** Load and validate a team by name or path. Throws DefinitionError carrying every error. */
export function loadTeam(nameOrPath: string, opts: TeamLoadOptions = {}): LoadedTeam {
  const found = findTeamFile(nameOrPath, opts);
  const check = checkTeam(found.path, found.source, opts);
  const [first] = check.errors;
  if (first !== undefined || !check.loaded) {
    throw new DefinitionError(first ?? `${found.path}: cannot load team`, { file: found.path, line: lineFromMessage(first), errors: check.errors });
  }
  return check.loaded;
}

/** Validate a team file without throwing: every error and warning, each naming file, line and fix. */
export function validateTeamFile(file: string, opts: TeamLoadOptions = {}): { errors: string[]; warnings: string[] } {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const { errors, warnings } = checkTeam(path.resolve(cwd, file), 'path', opts);
  return { errors, warnings };
}

export interface TeamListEntry {
  name: string;
  path: string;
  source: Exclude<TeamSource, 'path'>;
  description?: string;
  /** Files of the same name further down the search path. */
  shadowed: string[];
}

/** Team files on the search path (`<cwd>/teams`, then the built-in teams), nearest first per name. */
export function listTeams(opts: { cwd?: string } = {}): TeamListEntry[] {
  const byName = new Map<string, TeamListEntry>();
  for (const { dir, source } of teamSearchPath(opts)) {
    if (!isDirectory(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) {
      const ext = TEAM_EXTENSIONS.find((candidate) => entry.toLowerCase().endsWith(candidate));
      const file = path.join(dir, entry);
      if (!ext || !isFile(file)) continue;
      const name = entry.slice(0, -ext.length);
      const existing = byName.get(name);
      if (existing) {
        existing.shadowed.push(file);
        continue;
      }
      const description = readDescription(file);
      byName.set(name, { name, path: file, source, shadowed: [], ...(description ? { description } : {}) });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readDescription(file: string): string | undefined {
  try {
    const data: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
    if (typeof data === 'object' && data !== null && 'description' in data && typeof data.description === 'string') return data.description.trim();
  } catch {
    return undefined;
  }
  return undefined;
}

interface Context {
  label: string;
  doc: Document;
  lineCounter: LineCounter;
  errors: string[];
  warnings: string[];
}

function checkTeam(file: string, source: TeamSource, opts: TeamLoadOptions): TeamCheck {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const label = displayPath(file, cwd);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { errors: [`${label}: cannot read team file: ${reason}. Fix: check the path`], warnings: [] };
  }

  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // One YAML mistake often yields several parser errors on the same line; the first per line is the useful one.
    const byLine = new Map<number, string>();
    for (const error of doc.errors) {
      const line = lineCounter.linePos(error.pos[0]).line;
      if (byLine.has(line)) continue;
      const reason = error.message.replace(/\s+/g, ' ').replace(/[.:]\s*$/, '');
      const fix =
        error.code === 'DUPLICATE_KEY'
          ? 'Fix: keep only one of the lines with this key'
          : error.code === 'TAB_AS_INDENT'
            ? 'Fix: indent with spaces, not tabs'
            : 'Fix: check the indentation (spaces, not tabs) and quote values that contain ": " or start with a special character';
      byLine.set(line, `${label}:${line}: bad YAML: ${reason}. ${fix}`);
    }
    return { errors: [...byLine.values()].slice(0, 3), warnings: [] };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      errors: [`${label}:1: a team file must be a mapping with name, members, pipeline and tasks, not ${data === null || data === undefined ? 'empty' : 'a list or a single value'}. Fix: give it name:, members:, pipeline: and tasks: (\`team teams show churn-project\` shows a whole team)`],
      warnings: [],
    };
  }

  const ctx: Context = { label, doc, lineCounter, errors: [], warnings: [] };
  // A schema is checked once per process: compiling zod's fast path for each object schema costs more than it saves.
  const parsed = teamFileSchema.safeParse(data, { jitless: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const report of reportIssue(issue, data)) ctx.errors.push(`${label}:${locate(ctx, report.path, report.key)}: ${report.message}`);
    }
    return { errors: ctx.errors, warnings: ctx.warnings };
  }

  const input = parsed.data;
  const dir = path.dirname(file);
  const stem = path.basename(file).replace(/\.ya?ml$/i, '');
  if (input.name !== stem) {
    ctx.warnings.push(`${label}:${locate(ctx, ['name'])}: name "${input.name}" differs from the file name "${stem}"; \`team start ${stem}\` finds this file, runs are recorded as "${input.name}". Fix: rename one to match`);
  }

  const config = opts.config ?? safeConfig(cwd, opts.env, ctx);
  const members = checkMembers(input, dir, { ...opts, cwd }, config, ctx);
  checkPipeline(input, ctx);
  checkTasks(input, members, ctx);
  const gates = checkGates(input, ctx);
  const workspace = checkWorkspace(input, dir, ctx);
  const sandbox = checkSandbox(input, dir, members, opts.home ?? os.homedir(), ctx);
  if (input.model !== undefined && !isRecognisedModel(input.model, config)) {
    ctx.warnings.push(`${label}:${locate(ctx, ['model'])}: model "${input.model}" is neither an alias nor a Claude model id; it will be sent to the API as written`);
  }

  if (ctx.errors.length > 0) return { errors: ctx.errors, warnings: ctx.warnings };

  const team: TeamDefinition = {
    name: input.name,
    ...(input.description !== undefined ? { description: input.description.trim() } : {}),
    ...(workspace !== undefined ? { workspace } : {}),
    ...(input.model !== undefined ? { model: input.model } : {}),
    members: input.members,
    pipeline: input.pipeline,
    gates,
    ...(input.budget !== undefined ? { budget: input.budget } : {}),
    ...(sandbox !== undefined ? { sandbox } : {}),
    tasks: input.tasks.map(
      (task): TaskDefinition => ({
        id: task.id,
        subject: task.subject,
        description: task.description,
        ...(task.activeForm !== undefined ? { activeForm: task.activeForm } : {}),
        stage: task.stage,
        ...(task.role !== undefined ? { role: task.role } : {}),
        blockedBy: task.blockedBy ?? [],
        ...(task.estimate !== undefined ? { estimateMs: task.estimate } : {}),
        ...(task.metadata !== undefined ? { metadata: task.metadata } : {}),
        ...(task.sim !== undefined ? { sim: simScript(task.sim) } : {}),
      }),
    ),
  };
  const resolved = members.flatMap((member): ResolvedMember[] =>
    member.agent && member.role !== undefined ? [{ name: member.name, agent: member.agent, role: member.role, model: member.model }] : [],
  );
  return {
    errors: [],
    warnings: ctx.warnings,
    loaded: {
      team,
      agents: new Map(resolved.map((member) => [member.name, member.agent])),
      members: resolved,
      warnings: ctx.warnings,
      path: file,
      dir,
      source,
    },
  };
}

function locate(ctx: Context, at: readonly PropertyKey[], key?: string): number {
  return lineAt(ctx.doc, ctx.lineCounter, at, key);
}

function safeConfig(cwd: string, env: NodeJS.ProcessEnv | undefined, ctx: Context): TeamConfig {
  try {
    return loadTeamConfig({ cwd, ...(env ? { env } : {}) });
  } catch (error) {
    if (error instanceof DefinitionError) {
      ctx.warnings.push(`${error.message} (model aliases use the built-in table until it is fixed)`);
      return {};
    }
    throw error;
  }
}

interface MemberCheck {
  name: string;
  /** Undefined when the agent could not be resolved and the member names no role. */
  role: string | undefined;
  agent?: AgentDefinition;
  model: string;
}

function checkMembers(input: TeamFileInput, dir: string, opts: TeamLoadOptions & { cwd: string }, config: TeamConfig, ctx: Context): MemberCheck[] {
  let listing: AgentListing | undefined;
  const agents = agentLookup({ cwd: opts.cwd, ...(opts.home ? { home: opts.home } : {}) });
  // Member name -> index of its first entry. Lines are looked up only for messages.
  const seen = new Map<string, number>();
  const reported = new Set<string>();
  const checks: MemberCheck[] = [];
  input.members.forEach((member, index) => {
    const first = seen.get(member.name);
    if (first !== undefined) {
      const line = locate(ctx, ['members', index]);
      ctx.errors.push(`${ctx.label}:${line}: member name "${member.name}" is used twice (lines ${locate(ctx, ['members', first])} and ${line}). Fix: give each member its own name`);
    } else {
      seen.set(member.name, index);
    }

    const agentLine = (): number => locate(ctx, ['members', index, 'agent']);
    let agent: AgentDefinition | undefined;
    try {
      if (looksLikePath(member.agent, ['.md', '.markdown', '.txt'])) {
        const file = path.resolve(dir, member.agent);
        if (!isFile(file)) {
          ctx.errors.push(`${ctx.label}:${agentLine()}: member "${member.name}" uses agent file "${member.agent}", which does not exist (looked at ${displayPath(file, opts.cwd)}). Fix: correct the path (it is relative to the team file) or use an agent name`);
        } else {
          agent = loadAgentFile(file, { cwd: opts.cwd, source: 'path' });
        }
      } else {
        agent = agents.find(member.agent);
        if (!agent) {
          listing ??= agents.list();
          const names = listing.agents.map((entry) => entry.name);
          ctx.errors.push(
            `${ctx.label}:${agentLine()}: member "${member.name}" uses unknown agent "${member.agent}"${didYouMean(member.agent, names)}. Fix: use one of ${names.join(', ') || '(no agents found)'} or add agents/${member.agent}.md`,
          );
        }
      }
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      ctx.errors.push(`${ctx.label}:${agentLine()}: member "${member.name}" uses agent "${member.agent}", whose file is broken: ${error.message}`);
    }

    if (agent && !reported.has(agent.path)) {
      reported.add(agent.path);
      ctx.warnings.push(...agent.warnings);
    }
    if (member.model !== undefined && !isRecognisedModel(member.model, config)) {
      ctx.warnings.push(`${ctx.label}:${locate(ctx, ['members', index, 'model'])}: member "${member.name}" has model "${member.model}", which is neither an alias nor a Claude model id; it will be sent to the API as written`);
    }
    const model = resolveModel(member.model ?? agent?.model, { teamDefault: input.model, config, ...(opts.env ? { env: opts.env } : {}) });
    checks.push({ name: member.name, role: member.role ?? agent?.name, model, ...(agent ? { agent } : {}) });
  });
  return checks;
}

function checkPipeline(input: TeamFileInput, ctx: Context): void {
  const seen = new Set<string>();
  input.pipeline.forEach((stage, index) => {
    if (seen.has(stage)) {
      ctx.errors.push(`${ctx.label}:${locate(ctx, ['pipeline', index])}: stage "${stage}" appears twice in the pipeline. Fix: list each stage once, in order`);
    }
    seen.add(stage);
  });
}

function checkTasks(input: TeamFileInput, members: MemberCheck[], ctx: Context): void {
  // Task id -> index of its first entry.
  const ids = new Map<string, number>();
  input.tasks.forEach((task, index) => {
    const first = ids.get(task.id);
    if (first !== undefined) {
      const line = locate(ctx, ['tasks', index, 'id']);
      ctx.errors.push(`${ctx.label}:${line}: task id "${task.id}" is used twice (lines ${locate(ctx, ['tasks', first, 'id'])} and ${line}). Fix: give each task its own id`);
    } else {
      ids.set(task.id, index);
    }
  });

  const stages = input.pipeline;
  // A member whose agent could not be found may have any role; its own error says why.
  const rolesKnown = members.every((member) => member.role !== undefined);
  const roles = [...new Set(members.flatMap((member) => (member.role === undefined ? [] : [member.role])))];
  const stageOf = new Map<string, string>();
  for (const task of input.tasks) if (!stageOf.has(task.id)) stageOf.set(task.id, task.stage);
  const duplicateIds = stageOf.size < input.tasks.length;

  input.tasks.forEach((task, index) => {
    if (!stages.includes(task.stage)) {
      ctx.errors.push(
        `${ctx.label}:${locate(ctx, ['tasks', index, 'stage'])}: task "${task.id}" has stage "${task.stage}", which is not in the pipeline${didYouMean(task.stage, stages)}. Fix: use one of ${stages.join(', ')} or add "${task.stage}" to pipeline`,
      );
    }
    if (rolesKnown && task.role !== undefined && !roles.includes(task.role)) {
      ctx.errors.push(
        `${ctx.label}:${locate(ctx, ['tasks', index, 'role'])}: task "${task.id}" has role "${task.role}", but no member has that role${didYouMean(task.role, roles)}. Fix: use one of ${roles.join(', ')}, or add a member with role: ${task.role}`,
      );
    }
    (task.blockedBy ?? []).forEach((blocker, position) => {
      const at = (): number => locate(ctx, ['tasks', index, 'blockedBy', position]);
      if (!stageOf.has(blocker)) {
        ctx.errors.push(`${ctx.label}:${at()}: task "${task.id}" is blocked by unknown task "${blocker}"${didYouMean(blocker, stageOf.keys())}. Fix: use the id of a task in this file`);
        return;
      }
      const blockerStage = stageOf.get(blocker) ?? '';
      if (stages.indexOf(blockerStage) > stages.indexOf(task.stage) && stages.includes(task.stage)) {
        ctx.errors.push(
          `${ctx.label}:${at()}: task "${task.id}" (stage ${task.stage}) is blocked by "${blocker}" from the later stage ${blockerStage}, which itself waits for every ${task.stage} task: neither could start. Fix: remove the blocker or move one of the tasks to another stage`,
        );
      }
    });
  });

  if (duplicateIds) return;
  for (const cycle of findCycles(input.tasks)) {
    const [start, next] = cycle;
    const index = input.tasks.findIndex((task) => task.id === start);
    const position = input.tasks[index]?.blockedBy?.indexOf(next ?? '') ?? -1;
    const at = locate(ctx, ['tasks', index, 'blockedBy', ...(position >= 0 ? [position] : [])]);
    ctx.errors.push(`${ctx.label}:${at}: tasks wait for each other in a cycle: ${cycle.join(' -> ')} (each waits for the next). Fix: remove one of these blockedBy entries`);
  }
}

/** Each dependency cycle once, as ids from a task through what it waits for back to itself. */
export function findCycles(tasks: readonly { id: string; blockedBy?: string[] | undefined }[]): string[][] {
  const edges = new Map(tasks.map((task) => [task.id, task.blockedBy ?? []]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue;
      const nextState = state.get(next);
      if (nextState === 'active') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...new Set(cycle)].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const task of tasks) if (!state.has(task.id)) visit(task.id);
  return cycles;
}

/** The checked sim steps as the board stores them (plain JSON objects). */
function simScript(sim: { steps: SimStep[]; retrain_steps?: SimStep[] | undefined }): SimScript {
  return { steps: sim.steps.map(jsonStep), ...(sim.retrain_steps !== undefined ? { retrain_steps: sim.retrain_steps.map(jsonStep) } : {}) };
}

const jsonObjectSchema = z.record(z.string(), z.json());

function jsonStep(step: SimStep): JsonObject {
  return jsonObjectSchema.parse(step);
}

function checkGates(input: TeamFileInput, ctx: Context): TeamGate[] {
  const stages = input.pipeline;
  const tasks = new Map<string, TeamFileInput['tasks'][number]>();
  for (const task of input.tasks) if (!tasks.has(task.id)) tasks.set(task.id, task);
  const gates: TeamGate[] = [];
  (input.gates ?? []).forEach((gate, index) => {
    const where = `gate ${index + 1} (before ${gate.before})`;
    const at = (field?: string): string => `${ctx.label}:${locate(ctx, ['gates', index, ...(field && Object.hasOwn(gate, field) ? [field] : [])])}`;
    const before = stages.indexOf(gate.before);
    if (before < 0) {
      ctx.errors.push(`${at('before')}: ${where} guards stage "${gate.before}", which is not in the pipeline${didYouMean(gate.before, stages)}. Fix: use one of ${stages.join(', ')}`);
    }
    const metricFields = (['task', 'metric', 'min', 'max', 'beat_baseline', 'retrain'] as const).filter((field) => gate[field] !== undefined);
    if (gate.approval !== undefined) {
      if (metricFields.length > 0) {
        ctx.errors.push(`${at()}: ${where} is both a human approval and a metric check (${metricFields.join(', ')}). Fix: split it into two gates with the same "before"`);
        return;
      }
      gates.push({ before: gate.before, spec: { kind: 'approval', ...(gate.question !== undefined ? { question: gate.question } : {}) } });
      return;
    }
    if (gate.question !== undefined && gate.task !== undefined) {
      ctx.errors.push(`${at('question')}: ${where}: "question" is only for approval gates. Fix: remove it, or add a separate gate { before: ${gate.before}, approval: human, question: ... }`);
    }
    if (gate.task === undefined) {
      ctx.errors.push(
        gate.metric !== undefined
          ? `${at('metric')}: ${where} checks metric "${gate.metric}" but names no task. Fix: add task: <id of the task that records ${gate.metric} in metadata.metrics>`
          : `${at()}: ${where} checks nothing. Fix: add task: and metric: for a metric check, or approval: human for a human decision`,
      );
      return;
    }
    if (gate.metric === undefined) {
      ctx.errors.push(`${at('task')}: ${where} checks task "${gate.task}" but names no metric. Fix: add metric: <a number the task records in metadata.metrics>, e.g. metric: auc`);
    }
    const task = tasks.get(gate.task);
    if (!task) {
      ctx.errors.push(`${at('task')}: ${where} checks unknown task "${gate.task}"${didYouMean(gate.task, tasks.keys())}. Fix: use the id of a task in this file`);
    } else if (before >= 0 && stages.indexOf(task.stage) >= before) {
      ctx.errors.push(
        `${at('task')}: ${where} checks task "${gate.task}" from stage ${task.stage}, which cannot run until the gate passes. Fix: check a task from a stage before ${gate.before}, or gate a later stage`,
      );
    }
    if (gate.min !== undefined && gate.max !== undefined && gate.min > gate.max) {
      ctx.errors.push(`${at('min')}: ${where} has min ${gate.min} above max ${gate.max}, so it can never pass. Fix: swap them or drop one`);
    }
    (gate.retrain ?? []).forEach((id, position) => {
      if (tasks.has(id)) return;
      const line = locate(ctx, ['gates', index, 'retrain', position]);
      ctx.errors.push(`${ctx.label}:${line}: ${where} would retrain unknown task "${id}"${didYouMean(id, tasks.keys())}. Fix: use the id of a task in this file`);
    });
    if (gate.metric !== undefined && gate.min === undefined && gate.max === undefined && gate.beat_baseline !== true) {
      ctx.warnings.push(`${at()}: ${where} has no min, max or beat_baseline, so it passes whenever "${gate.metric}" is recorded. Fix: add min:, max: or beat_baseline: true`);
    }
    if (gate.metric === undefined) return;
    gates.push({
      before: gate.before,
      spec: {
        kind: 'metric',
        task: gate.task,
        metric: gate.metric,
        ...(gate.min !== undefined ? { min: gate.min } : {}),
        ...(gate.max !== undefined ? { max: gate.max } : {}),
        ...(gate.beat_baseline !== undefined ? { beatBaseline: gate.beat_baseline } : {}),
        ...(gate.retrain !== undefined ? { retrain: gate.retrain } : {}),
      },
    });
  });
  return gates;
}

/**
 * The `sandbox:` section as the run keeps it: paths made absolute (relative to the team file, `~/` in
 * the home), `Bash(...)` taken off allowed patterns. Members named under `allow` must exist, and no
 * variable that leads to the run's controls may be passed to commands.
 */
function checkSandbox(input: TeamFileInput, dir: string, members: MemberCheck[], home: string, ctx: Context): SandboxConfig | undefined {
  const section = input.sandbox;
  if (section === undefined) return undefined;
  const config: SandboxConfig = {};
  if (section.network !== undefined) config.network = section.network;
  if (section.env !== undefined) {
    section.env.forEach((name, index) => {
      if (!CONTROL_ENV_NAMES.includes(name)) return;
      ctx.errors.push(
        `${ctx.label}:${locate(ctx, ['sandbox', 'env', index])}: sandbox.env passes ${name} to commands, which leads to the run's controls (the board or the model's credentials); commands never get it. Fix: remove ${name} from sandbox.env`,
      );
    });
    config.env = section.env.filter((name) => !CONTROL_ENV_NAMES.includes(name));
  }
  if (section.paths !== undefined) {
    const resolved = sandboxSettingsFrom({ paths: section.paths }, { mode: 'bwrap', baseDir: dir, home }).paths ?? {};
    const paths: NonNullable<SandboxConfig['paths']> = {};
    for (const kind of ['read', 'write', 'hide'] as const) {
      const list = resolved[kind];
      if (section.paths[kind] === undefined || list === undefined) continue;
      paths[kind] = [...list];
      if (kind === 'hide') continue;
      list.forEach((p, index) => {
        if (fs.existsSync(p)) return;
        ctx.warnings.push(`${ctx.label}:${locate(ctx, ['sandbox', 'paths', kind, index])}: sandbox.paths.${kind} names ${p}, which does not exist; the sandbox skips it`);
      });
    }
    config.paths = paths;
  }
  if (section.limits !== undefined) config.limits = { ...section.limits };
  if (section.allow !== undefined) config.allow = checkAllow(section.allow, members, ctx);
  return config;
}

function checkAllow(allow: Record<string, string[]>, members: MemberCheck[], ctx: Context): Record<string, string[]> {
  const names = members.map((m) => m.name);
  const result: Record<string, string[]> = {};
  for (const [name, patterns] of Object.entries(allow)) {
    const at = `${ctx.label}:${locate(ctx, ['sandbox', 'allow', name])}`;
    if (name !== '*' && !names.includes(name)) {
      ctx.errors.push(`${at}: sandbox.allow names member "${name}", which is not in this team${didYouMean(name, names)}. Fix: use one of ${names.join(', ')}, or "*" for every member`);
      continue;
    }
    const cleaned: string[] = [];
    patterns.forEach((raw, index) => {
      const pattern = bashPattern(raw);
      if (pattern === null) {
        ctx.errors.push(`${ctx.label}:${locate(ctx, ['sandbox', 'allow', name, index])}: sandbox.allow.${name} lists "${raw}", which is not a Bash pattern. Fix: write it like "git:*", "npm run build" or "Bash(git:*)"`);
        return;
      }
      cleaned.push(pattern);
    });
    const member = members.find((m) => m.name === name);
    if (member?.agent && !member.agent.toolPatterns.Bash?.length) {
      ctx.warnings.push(`${at}: sandbox.allow.${name}: member "${name}" (agent ${member.agent.name}) has no Bash(...) patterns in its definition, so it may already run any command (or has no Bash); the list changes nothing`);
    }
    result[name] = cleaned;
  }
  return result;
}

/** `git:*` or `Bash(git:*)` as `git:*`; null for another tool's pattern. */
function bashPattern(raw: string): string | null {
  const text = raw.trim();
  const wrapped = /^([A-Za-z]+)\((.*)\)$/s.exec(text);
  if (!wrapped) return text === '' ? null : text;
  return wrapped[1] === 'Bash' && wrapped[2]?.trim() ? wrapped[2].trim() : null;
}

function checkWorkspace(input: TeamFileInput, dir: string, ctx: Context): string | undefined {
  if (input.workspace === undefined) return undefined;
  const workspace = path.resolve(dir, input.workspace);
  if (!isDirectory(workspace)) {
    ctx.errors.push(`${ctx.label}:${locate(ctx, ['workspace'])}: workspace folder "${input.workspace}" does not exist (looked at ${workspace}). Fix: create it, or correct the path (it is relative to the team file)`);
  }
  return workspace;
}

function sameDir(a: string, b: string): boolean {
  const real = (dir: string): string => {
    try {
      return fs.realpathSync(dir);
    } catch {
      return path.resolve(dir);
    }
  };
  return real(a) === real(b);
}

function lineFromMessage(message: string | undefined): number | undefined {
  const match = message ? /^[^:]+:(\d+):/.exec(message) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

