import fs from 'node:fs';
import path from 'node:path';
import { human, type Actor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import type { Backend, MemberConfig, NewTask, Run, RunConfig } from '../board/types.js';
import { allowedTools } from '../definitions/agent-loader.js';
import type { LoadedTeam } from '../definitions/team-loader.js';
import { WORKSPACE_TOOLS } from '../definitions/tool-names.js';
import { teamHome } from '../shared/paths.js';
import { RuntimeError } from './errors.js';
import { planOrder } from './plan/plan-order.js';
import { claimRunFolder } from './run-folder.js';

export interface PrepareOptions {
  board: Board;
  loaded: LoadedTeam;
  backend: Backend;
  seed: number;
  /** Where the run works; default .team/runs/<id>/workspace (see run-folder.ts). */
  workspace?: string;
  budgetUsd?: number;
  /** The run's commands run without an OS sandbox (none here, or --no-sandbox): the board shows it. */
  unsandboxed?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  actor?: Actor;
}

/** Create a run from a team: its workspace (copied from the template), members, gates and tasks, in one transaction. */
export async function prepareRun(opts: PrepareOptions): Promise<Run> {
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
  const config: RunConfig = {
    team: team.name,
    description: team.description ?? '',
    pipeline: team.pipeline,
    members,
    gates: team.gates,
    teamFile: loaded.path,
    ...(team.sandbox ? { sandbox: team.sandbox } : {}),
    ...(opts.unsandboxed ? { unsandboxed: true } : {}),
    workspaceSince: Date.now(),
  };
  const budgetUsd = opts.budgetUsd ?? team.budget?.usd ?? null;
  const index = new Map(team.tasks.map((t, i) => [t.id, i]));
  const blockedByIndex = team.tasks.map((t) => t.blockedBy.flatMap((key) => index.get(key) ?? []));
  // With estimates, the order in which members take claimable tasks is planned (docs/decisions/0014); without, it stays lowest id first.
  const plan = planOrder({
    tasks: team.tasks.map((t, i) => ({ role: t.role ?? null, stage: t.stage, blockedBy: blockedByIndex[i] ?? [], estimateMs: t.estimateMs ?? null })),
    members: members.map((m) => ({ role: m.role })),
    pipeline: team.pipeline,
  });
  const tasks: (NewTask & { blockedByIndex: number[] })[] = team.tasks.map((t, i) => ({
    key: t.id,
    subject: t.subject,
    description: t.description,
    activeForm: t.activeForm ?? null,
    stage: t.stage,
    role: t.role ?? null,
    metadata: t.metadata ?? {},
    sim: t.sim ?? null,
    blockedByIndex: blockedByIndex[i] ?? [],
    ...(plan ? { planRank: plan.ranks[i] ?? null } : {}),
  }));

  const run = await board.transaction(async (tx) => {
    const created = await tx.createRun(
      { team: team.name, backend: opts.backend, seed: opts.seed, workspace: '', budgetUsd, budgetTokens: team.budget?.tokens ?? null, config },
      actor,
    );
    const workspace = explicit ?? path.join(claimRunFolder(teamHome(opts.env ?? process.env, opts.cwd ?? process.cwd()), created.id), 'workspace');
    await tx.updateRun(created.id, { workspace });
    for (const m of members) await tx.addMember(created.id, { name: m.name, agent: m.agent, role: m.role, model: m.model }, actor);
    for (const g of config.gates) await tx.addGate(created.id, g, actor);
    await tx.createTasks(created.id, tasks, actor);
    return { ...created, workspace };
  });

  fs.mkdirSync(run.workspace, { recursive: true });
  // The template's files keep their times, so what the team writes stands out (config.workspaceSince).
  if (team.workspace) fs.cpSync(team.workspace, run.workspace, { recursive: true, preserveTimestamps: true });
  return run;
}
