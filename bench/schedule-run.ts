/**
 * One scheduling scenario: build the team on a fresh board, run it with the simulated model on a
 * virtual clock through executeRun (ordered driver), and measure the schedule and the CPU it took.
 *
 *   node --import tsx bench/schedule-run.ts <members> <tasks> [--seed N] [--compact N] [--estimates exact|noisy|none] [--profile]   one scenario, JSON out
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import type { BoardEvent } from '../src/board/events.js';
import { openBoard } from '../src/board/open.js';
import type { Model } from '../src/models/model.js';
import { createSimModel } from '../src/models/sim.js';
import { executeRun } from '../src/runtime/run.js';
import { createVirtualClock } from '../src/runtime/virtual-clock.js';
import { lowerBound, NO_LATENCY, SIM_LATENCY, type LowerBound } from './schedule-bounds.js';
import { startProfile, type CpuBreakdown } from './schedule-profile.js';
import { createScheduleRun, PIPELINE, planClaimOrder, planTeam, type EstimateKind, type TeamSpec } from './schedule-team.js';

/** A fixed virtual start, so makespans and event timestamps repeat exactly. */
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export interface ScenarioResult {
  members: number;
  tasks: number;
  seed: number;
  estimates: EstimateKind;
  /** CPU time of planning the claim order (0 without estimates). */
  plannerCpuMs: number;
  /** The planner's own simulated makespan, on its estimates (null without estimates). */
  plannedMs: number | null;
  /** executeRun's compactAfter (null: its default). */
  compactAfter: number | null;
  status: string;
  reason: string | null;
  completed: number;
  makespanMs: number;
  bound: LowerBound;
  workBound: LowerBound;
  modelCalls: number;
  /** Per pipeline stage: the virtual time from the previous stage's last completion to this stage's last completion. */
  stageSpansMs: { stage: string; spanMs: number }[];
  /** Claims refused because another member got there first. */
  lostClaims: number;
  setupMs: number;
  wallMs: number;
  cpuMs: number;
  breakdown: CpuBreakdown | null;
  /** sha256 of every event, the final transcripts, tasks, members and usage totals: equal digests mean the very same run. */
  eventsDigest: string;
}

export async function runScenario(spec: TeamSpec, opts: { profile?: boolean; compactAfter?: number } = {}): Promise<ScenarioResult> {
  const team = planTeam(spec);
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'schedule-bench-')));
  const board = await openBoard(path.join(dir, 'board.db'));
  try {
    const clock = createVirtualClock(START);
    board.setClock(() => clock.now());
    const setupStarted = performance.now();
    const plannerCpu = process.cpuUsage();
    const plan = planClaimOrder(team);
    const plannerUsage = process.cpuUsage(plannerCpu);
    const runId = await createScheduleRun(board, team, dir, plan);
    const setupMs = performance.now() - setupStarted;

    const sim = createSimModel({ seed: spec.seed, clock, instant: true });
    let modelCalls = 0;
    const model: Model = {
      backend: sim.backend,
      send(request, onEvent) {
        modelCalls++;
        return sim.send(request, onEvent);
      },
    };
    let lostClaims = 0;
    const onEvents = (events: BoardEvent[]) => {
      for (const e of events) if (e.type === 'tool.called' && e.payload.tool === 'TaskUpdate' && !e.payload.ok && /in progress|owned by|taken/i.test(e.payload.error ?? '')) lostClaims++;
    };

    const profile = opts.profile ? await startProfile() : null;
    const cpuBefore = process.cpuUsage();
    const wallStarted = performance.now();
    // Simulated work lasts up to maxWorkMs of virtual time in one model call: the lease must outlast it.
    const leaseMs = 2 * team.spec.maxWorkMs;
    const outcome = await executeRun({ board, runId, model, clock, ordered: true, onEvents, pollMs: 1, leaseMs, ...(opts.compactAfter ? { compactAfter: opts.compactAfter } : {}) });
    const wallMs = performance.now() - wallStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const breakdown = profile ? await profile.stop() : null;

    const digest = createHash('sha256');
    for (const e of await board.listEvents(runId)) digest.update(`${e.seq}\t${e.ts}\t${e.actor}\t${e.type}\t${JSON.stringify(e.payload).replaceAll(dir, '<dir>')}\n`);
    for (const m of team.members) digest.update(JSON.stringify((await board.loadTranscript(runId, m.name)) ?? null));
    const rows = await board.listTaskRows(runId);
    digest.update(JSON.stringify(rows));
    digest.update(JSON.stringify(await board.listMembers(runId)));
    digest.update(JSON.stringify(await board.runTotals(runId)));
    const done = rows.filter((t) => t.status === 'completed');
    const lastCompletion = done.reduce((latest, t) => Math.max(latest, t.completedAt ?? START), START);
    const stageSpansMs: ScenarioResult['stageSpansMs'] = [];
    let previousEnd = START;
    for (const stage of PIPELINE) {
      const end = done.filter((t) => t.stage === stage).reduce((latest, t) => Math.max(latest, t.completedAt ?? START), previousEnd);
      stageSpansMs.push({ stage, spanMs: end - previousEnd });
      previousEnd = end;
    }
    return {
      members: spec.members,
      tasks: spec.tasks,
      seed: spec.seed,
      estimates: team.spec.estimates,
      plannerCpuMs: plan ? (plannerUsage.user + plannerUsage.system) / 1000 : 0,
      plannedMs: plan?.makespanMs ?? null,
      compactAfter: opts.compactAfter || null,
      status: outcome.status,
      reason: outcome.reason,
      completed: done.length,
      makespanMs: lastCompletion - START,
      stageSpansMs,
      bound: lowerBound(team, SIM_LATENCY),
      workBound: lowerBound(team, NO_LATENCY),
      modelCalls,
      lostClaims,
      setupMs,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      breakdown,
      eventsDigest: digest.digest('hex').slice(0, 16),
    };
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [members, tasks] = process.argv.slice(2).map(Number);
  if (!members || !tasks) throw new Error('usage: node --import tsx bench/schedule-run.ts <members> <tasks> [--seed N] [--compact N] [--estimates exact|noisy|none] [--profile]');
  const flag = (name: string, fallback: number) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const at = process.argv.indexOf('--estimates');
  const kind = at > 0 ? process.argv[at + 1] : 'none';
  const estimates: EstimateKind = kind === 'exact' || kind === 'noisy' ? kind : 'none';
  const result = await runScenario({ members, tasks, seed: flag('--seed', 7), estimates }, { profile: process.argv.includes('--profile'), compactAfter: flag('--compact', 0) });
  console.log(JSON.stringify(result, null, 2));
}
