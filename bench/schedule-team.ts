/**
 * A large simulated team for the scheduling bench: members across roles, and a seeded random DAG
 * of tasks with stages, roles, simulated work time and an estimate of it, created directly on a
 * board with the planned claim order the estimates give (src/runtime/plan), as prepareRun does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { human } from '../src/board/actor.js';
import type { Board } from '../src/board/board.js';
import type { MemberConfig, RunConfig } from '../src/board/types.js';
import { between, rngFor } from '../src/models/rng.js';
import { planOrder, type Plan } from '../src/runtime/plan/plan-order.js';

export const PIPELINE = ['data', 'features', 'training', 'validation', 'deploy'];
export const ROLES = ['data-engineer', 'data-scientist', 'ml-engineer', 'mlops-engineer', 'devops-engineer'];
const SHORT: Record<string, string> = { 'data-engineer': 'de', 'data-scientist': 'ds', 'ml-engineer': 'mle', 'mlops-engineer': 'mlops', 'devops-engineer': 'devops' };

export interface TeamSpec {
  members: number;
  tasks: number;
  seed: number;
  /** Share of tasks anyone may claim (role null). */
  openShare?: number;
  /** Simulated work per task, in ms (uniform, seeded). */
  minWorkMs?: number;
  maxWorkMs?: number;
  /**
   * Each task's estimate: its work exactly, its work off by a seeded random factor (uniform in
   * NOISY_ESTIMATES), or none, which leaves the board's order lowest id first (the default).
   */
  estimates?: EstimateKind;
}

export type EstimateKind = 'exact' | 'noisy' | 'none';

/** The range of the factor a noisy estimate is off by. */
export const NOISY_ESTIMATES = { min: 0.75, max: 1.33 } as const;

export interface PlannedTask {
  /** Index in creation order; the board id is index + 1. */
  index: number;
  stage: string;
  role: string | null;
  workMs: number;
  /** What the team file would say the work takes, in whole seconds; null without estimates. */
  estimateMs: number | null;
  /** Indexes of explicit blockers (always earlier tasks). */
  blockedBy: number[];
}

export interface PlannedTeam {
  spec: Required<TeamSpec>;
  members: { name: string; role: string }[];
  tasks: PlannedTask[];
}

const MINUTE = 60_000;

/** Members spread evenly over the roles; tasks split into stages in id order, each with 0-3 blockers among recent tasks of its stage. */
export function planTeam(input: TeamSpec): PlannedTeam {
  const spec: Required<TeamSpec> = { openShare: 0.1, minWorkMs: 1 * MINUTE, maxWorkMs: 30 * MINUTE, estimates: 'none', ...input };
  const rng = rngFor(spec.seed, 'schedule-bench', spec.members, spec.tasks);
  const members = Array.from({ length: spec.members }, (_, i) => {
    const role = ROLES[i % ROLES.length] as string;
    return { name: `${SHORT[role] ?? role}-${String(Math.floor(i / ROLES.length) + 1).padStart(2, '0')}`, role };
  });
  const tasks: PlannedTask[] = [];
  const stageStart: number[] = [];
  for (let index = 0; index < spec.tasks; index++) {
    const stageIndex = Math.floor((index * PIPELINE.length) / spec.tasks);
    if (stageStart[stageIndex] === undefined) stageStart[stageIndex] = index;
    const first = stageStart[stageIndex] as number;
    const role = rng() < spec.openShare ? null : (ROLES[Math.floor(rng() * ROLES.length)] as string);
    const roll = rng();
    const wanted = roll < 0.3 ? 0 : roll < 0.65 ? 1 : roll < 0.9 ? 2 : 3;
    const window = Math.min(index - first, 40);
    const blockedBy = new Set<number>();
    for (let k = 0; k < wanted && window > 0; k++) blockedBy.add(index - 1 - Math.floor(rng() * window));
    tasks.push({
      index,
      stage: PIPELINE[stageIndex] as string,
      role,
      workMs: between(rng, spec.minWorkMs, spec.maxWorkMs),
      estimateMs: null,
      blockedBy: [...blockedBy].sort((a, b) => a - b),
    });
  }
  // A stream of its own, so the tasks and their work are the same whatever the estimates.
  const noise = rngFor(spec.seed, 'schedule-estimates', spec.members, spec.tasks);
  for (const task of tasks) {
    if (spec.estimates === 'none') break;
    const factor = spec.estimates === 'exact' ? 1 : NOISY_ESTIMATES.min + noise() * (NOISY_ESTIMATES.max - NOISY_ESTIMATES.min);
    task.estimateMs = Math.max(1, Math.round((task.workMs * factor) / 1000)) * 1000;
  }
  return { spec, members, tasks };
}

/** The planned claim order of the team's tasks from their estimates, as prepareRun plans a team file's; null without estimates. */
export function planClaimOrder(team: PlannedTeam): Plan | null {
  return planOrder({
    tasks: team.tasks.map((t) => ({ role: t.role, stage: t.stage, blockedBy: t.blockedBy, estimateMs: t.estimateMs })),
    members: team.members,
    pipeline: PIPELINE,
  });
}

/** The run configuration executeRun reads back (what prepareRun would store for a team file). */
export function runConfig(team: PlannedTeam): RunConfig {
  const members: MemberConfig[] = team.members.map((m) => ({
    name: m.name,
    agent: m.role,
    role: m.role,
    model: 'sim',
    instructions: `You are a ${m.role}. Take the tasks that are yours, do them and complete them.`,
    tools: [],
  }));
  return {
    team: `schedule-${team.spec.members}x${team.spec.tasks}`,
    description: 'Scheduling benchmark: a seeded random task graph.',
    pipeline: PIPELINE,
    members,
    gates: [],
    teamFile: '',
  };
}

/** Create the run, its members and every task (with blockers and its place in the plan) on the board; the workspace is an empty folder in `dir`. */
export async function createScheduleRun(board: Board, team: PlannedTeam, dir: string, plan: Plan | null = planClaimOrder(team)): Promise<number> {
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  return board.transaction(async (tx) => {
    const config = runConfig(team);
    const run = await tx.createRun({ team: config.team, backend: 'sim', seed: team.spec.seed, workspace, config }, human);
    for (const m of config.members) await tx.addMember(run.id, { name: m.name, agent: m.agent, role: m.role, model: m.model }, human);
    await tx.createTasks(
      run.id,
      team.tasks.map((t) => ({
        subject: `Task ${t.index + 1} (${t.stage}${t.role ? `, ${t.role}` : ''})`,
        description: `Simulated work of ${Math.round(t.workMs / 1000)} s.`,
        stage: t.stage,
        role: t.role,
        sim: { steps: [], work_ms: t.workMs },
        blockedByIndex: t.blockedBy,
        ...(plan ? { planRank: plan.ranks[t.index] ?? null } : {}),
      })),
      human,
    );
    return run.id;
  });
}
