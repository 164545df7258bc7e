import fs from 'node:fs';
import path from 'node:path';
import { teamHome } from '../../db/open.js';
import { human, type Actor } from '../board/actor.js';
import { transact, type Board } from '../board/board.js';
import { addDependency } from '../board/deps.js';
import { addGate } from '../board/gates.js';
import { addMember } from '../board/members.js';
import { createRun, updateRun, type Run } from '../board/runs.js';
import { createTask } from '../board/tasks.js';
import type { Backend, JsonObject } from '../../db/schema.js';
import { allowedTools } from '../definitions/agent-loader.js';
import { WORKSPACE_TOOLS } from '../definitions/tools.js';
import type { LoadedTeam } from '../definitions/team-loader.js';
import { RuntimeError } from './errors.js';
import type { GateConfig, MemberConfig, TeamRunConfig } from './run-config.js';

export interface PrepareOptions {
  board: Board;
  loaded: LoadedTeam;
  backend: Backend;
  seed: number;
  /** Where the run works; default .team/runs/<id>/workspace. */
  workspace?: string;
  budgetUsd?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  actor?: Actor;
}

/** Create a run from a team: its workspace (copied from the template), members, gates and tasks. */
export function prepareRun(opts: PrepareOptions): Run {
  const { board, loaded } = opts;
  const actor = opts.actor ?? human;
  const team = loaded.team;
  const explicit = opts.workspace ? path.resolve(opts.cwd ?? process.cwd(), opts.workspace) : null;
  if (explicit && fs.existsSync(explicit) && fs.readdirSync(explicit).length > 0) {
    throw new RuntimeError(`workspace ${explicit} is not empty; give an empty or new folder to --workspace`);
  }
  const members: MemberConfig[] = loaded.members.map((m) => ({
    name: m.name,
    agent: m.agent.name,
    role: m.role,
    model: m.model,
    instructions: m.agent.body,
    tools: allowedTools(m.agent, WORKSPACE_TOOLS),
    ...(m.agent.toolPatterns.Bash?.length ? { bashPatterns: m.agent.toolPatterns.Bash } : {}),
  }));
  const gates: GateConfig[] = team.gates.map((g) =>
    g.kind === 'approval'
      ? { before: g.before, kind: 'approval', ...(g.question ? { question: g.question } : {}) }
      : { before: g.before, kind: 'metric', task: g.task, metric: g.metric, min: g.min, max: g.max, beat_baseline: g.beat_baseline, retrain: g.retrain },
  );
  const config: TeamRunConfig = {
    team: team.name,
    description: team.description ?? '',
    pipeline: team.pipeline,
    members,
    gates,
    teamFile: loaded.path,
  };
  const budgetUsd = opts.budgetUsd ?? team.budget?.usd ?? null;

  const run = transact(board, () => {
    const created = createRun(
      board,
      { team: team.name, backend: opts.backend, seed: opts.seed, workspace: '', budgetUsd, budgetTokens: team.budget?.tokens ?? null, config },
      actor,
    );
    const workspace = explicit ?? path.join(teamHome(opts.env ?? process.env, opts.cwd ?? process.cwd()), 'runs', String(created.id), 'workspace');
    updateRun(board, created.id, { workspace });
    for (const m of members) addMember(board, created.id, { name: m.name, agent: m.agent, role: m.role, model: m.model }, actor);
    for (const g of gates) {
      const { before, kind, ...spec } = g;
      addGate(board, created.id, { before, kind, spec: stripUndefined(spec) }, actor);
    }
    const ids = new Map<string, number>();
    for (const t of team.tasks) {
      const sim = t.sim ? { sim: stripUndefined({ steps: t.sim.steps, retrain_steps: t.sim.retrain_steps }) } : {};
      const task = createTask(
        board,
        created.id,
        {
          key: t.id,
          subject: t.subject,
          description: t.description,
          activeForm: t.activeForm ?? null,
          stage: t.stage,
          role: t.role ?? null,
          metadata: { ...((t.metadata ?? {}) as JsonObject), ...(sim as JsonObject) },
        },
        actor,
      );
      ids.set(t.id, task.id);
    }
    for (const t of team.tasks) {
      const id = ids.get(t.id) as number;
      for (const key of t.blockedBy) {
        const blocker = ids.get(key);
        if (blocker !== undefined) addDependency(board, created.id, id, blocker, actor);
      }
    }
    return { ...created, workspace };
  });

  fs.mkdirSync(run.workspace, { recursive: true });
  if (team.workspace) fs.cpSync(team.workspace, run.workspace, { recursive: true });
  return run;
}

function stripUndefined(value: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as JsonObject;
}

