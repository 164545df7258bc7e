/**
 * Scheduling: how close the coordinator and the simulated team get to the shortest possible
 * schedule of a large random task graph, and what the coordinator costs per task.
 *
 *   npm run bench -- schedule                                  every scenario, into docs/benchmarks.md
 *   SCHEDULE_BENCH_SCENARIOS=10x200 npm run bench -- schedule  only some (members x tasks[:noisy|:none])
 *
 * A scenario's tasks carry estimates equal to their work unless it says `:noisy` (off by a seeded
 * random factor) or `:none` (no estimates: members take the lowest id, as before the planned order).
 */
import { CPU_PARTS, type CpuBreakdown } from './schedule-profile.js';
import { offlineSchedules, type OfflineSchedules } from './schedule-offline.js';
import { runScenario, type ScenarioResult } from './schedule-run.js';
import { NOISY_ESTIMATES, PIPELINE, planTeam, ROLES, type EstimateKind } from './schedule-team.js';
import { markdownTable, type BenchSection } from './section.js';

const SEED = 7;
/** Members compact their conversation at every task boundary past 10 messages (the runtime default is 80). */
const COMPACT_AFTER = 10;
const DEFAULT_SCENARIOS = '10x200,25x500,50x2000,10x200:noisy,25x500:noisy,10x200:none,25x500:none';

/** Measured once, when the hot paths were fixed; the runs before and after are event for event the same. */
const BEFORE_AFTER = `Before and after the fixes to the scheduling hot paths (2026-11-21, same machine, no profiler, CPU seconds of
\`executeRun\` on a shared, busy machine; every run produced the same events and transcripts before and after): the coordinator no longer
reads every task on each check when no approval gate is pending nor sums usage when the run has no budget; TaskList
and wake-ups read only the summary columns with prepared statements; the run, gates, questions, inbox, owned tasks and
usage writes use prepared statements; a step that changes only the turn in flight no longer serialises the whole
conversation again, and the redundant save before a turn's first tool call is gone.

| scenario | before | after |
| --- | --- | --- |
| 10 × 200, compactAfter 80 (the default) | 19.5 s | 7.6 s |
| 10 × 200 | 12.8 s | 3.7 s |
| 25 × 500 | 78.4 s | 22.6 s |
| 50 × 2,000 | 819.6 s | 249.4 s |`;

/**
 * CPU per task (ms) in this bench's run of 2026-11-30, before CPU per task was made flat (issue 15):
 * the baseline of the table under the CPU split, which shows this run's figures next to it.
 */
const BEFORE_FLAT: Record<string, number> = { '10x200': 24.3, '25x500': 30.3, '50x2000': 41.2 };

const FLAT_NOTE = `Before and after making CPU per task flat (issue 15; the runs before and after are event for event the same).
Before, the in-progress tasks of a member were looked up after every turn by a query that walked the run's tasks in id
order, TaskGet read every dependency of the run, TaskList and wake-ups tested every task for readiness, and the
ordered driver read and parsed the run (its config names every member) twice a step; the SQLite store now also
prepares its statements on first use and reads events as plain SQL. "Before" is this bench's run of 2026-11-30
(same machine, profiler attached as above); "after" is the run above.`;

export class ScheduleBenchError extends Error {
  override name = 'ScheduleBenchError';
}

export function parseScenarios(text: string): { members: number; tasks: number; estimates: EstimateKind }[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)x(\d+)(?::(noisy|none))?\s*$/.exec(part);
    const members = Number(match?.[1]);
    const tasks = Number(match?.[2]);
    if (!match || members < ROLES.length || tasks < PIPELINE.length) {
      throw new ScheduleBenchError(
        `SCHEDULE_BENCH_SCENARIOS: "${part}" is not <members>x<tasks>[:noisy|:none] with at least ${ROLES.length} members and ${PIPELINE.length} tasks; write e.g. 10x200,50x2000,10x200:noisy`,
      );
    }
    return { members, tasks, estimates: match[3] === 'noisy' || match[3] === 'none' ? match[3] : 'exact' };
  });
}

/** How each scenario's estimates compare with the work, in words. */
function estimateText(kind: EstimateKind): string {
  if (kind === 'exact') return 'exact';
  if (kind === 'noisy') return `off by ${NOISY_ESTIMATES.min}–${NOISY_ESTIMATES.max}x`;
  return 'none (lowest id)';
}

/** Offline schedules are worked out up to this many tasks (their search grows with the square of a stage's tasks). */
const OFFLINE_MAX_TASKS = 500;

export interface OfflineRow {
  members: number;
  tasks: number;
  boundMs: number;
  runMs: number;
  offline: OfflineSchedules;
}

export async function run(): Promise<BenchSection> {
  const results: ScenarioResult[] = [];
  const offline: OfflineRow[] = [];
  for (const s of parseScenarios(process.env.SCHEDULE_BENCH_SCENARIOS ?? DEFAULT_SCENARIOS)) {
    process.stdout.write(`  ${s.members} members, ${s.tasks} tasks, estimates ${estimateText(s.estimates)} ...`);
    const result = await runScenario({ ...s, seed: SEED }, { profile: true, compactAfter: COMPACT_AFTER });
    if (result.status !== 'completed') throw new ScheduleBenchError(`the ${s.members}x${s.tasks} run ended ${result.status}: ${result.reason ?? 'no reason given'}`);
    process.stdout.write(` ${(result.wallMs / 1000).toFixed(1)} s\n`);
    results.push(result);
    if (s.tasks <= OFFLINE_MAX_TASKS && s.estimates === 'exact') {
      const schedules = offlineSchedules(planTeam({ ...s, seed: SEED }), s.tasks <= 200 ? 300 : 60);
      offline.push({ members: s.members, tasks: s.tasks, boundMs: result.bound.ms, runMs: result.makespanMs, offline: schedules });
    }
  }
  return { title: 'Scheduling a large team', body: `${render(results)}\n${renderOffline(offline)}` };
}

export function renderOffline(rows: OfflineRow[]): string {
  if (rows.length === 0) return '';
  const orders = rows.map((r) => r.offline.searchedOrders).join(' and ');
  const table = markdownTable(
    ['members', 'tasks', 'this run', 'lowest id first', 'longest chain first', 'critical path first (durations known)', `best of ${orders} orders`, 'planned order'],
    rows.map((r) => [
      String(r.members),
      thousands(r.tasks),
      ratio(r.runMs, r.boundMs),
      ratio(r.offline.lowestIdMs, r.boundMs),
      ratio(r.offline.longestChainMs, r.boundMs),
      ratio(r.offline.criticalPathMs, r.boundMs),
      ratio(r.offline.searchedMs, r.boundMs),
      ratio(r.offline.plannedMs, r.boundMs),
    ]),
  );
  return `What a greedy team could reach on the same plans, worked out offline (bench/schedule-offline.ts): list schedules
with the same shortest turns as the bound, in which a member that is free starts the task a rule puts first. Each figure is
makespan / bound. **Lowest id first** is what the simulated members do: compare it with this run. **Longest chain
first** puts first the task with the most tasks waiting on it one after another: all a board knows without durations.
**Critical path first** puts first the task with the most work on its path to the stage's end, which needs every
task's duration in advance. The last column is the best of many random orders around it, stage by stage, which is
close to what a planner with hindsight reaches. With few tasks per member and stage (about 4 at 10 × 200), one long
task started just before a critical one becomes free delays the whole stage, whatever rule chose it. **Planned order**
is members taking the first claimable task in the order the planner (src/runtime/plan) gives from estimates equal to
the work: what "this run" follows, as the board's \`plan_rank\`.

${table}
`;
}

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(2)} h`;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(3) : 'n/a');
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export function render(results: ScenarioResult[]): string {
  const baseline = results[0];
  const perTask = (r: ScenarioResult) => r.cpuMs / r.completed;
  const summary = markdownTable(
    ['members', 'tasks', 'estimates', 'makespan', 'lower bound', 'makespan / bound', 'planned (planner\'s own)', 'planner CPU', 'work-only bound', 'makespan / work-only', 'model turns per task', 'claims lost to a race', 'CPU per task', `CPU per task / ${baseline ? `${baseline.members} × ${thousands(baseline.tasks)}` : 'first'}`, 'CPU total', 'wall'],
    results.map((r) => [
      String(r.members),
      thousands(r.tasks),
      estimateText(r.estimates),
      hours(r.makespanMs),
      hours(r.bound.ms),
      `**${ratio(r.makespanMs, r.bound.ms)}**`,
      r.plannedMs === null ? 'n/a' : ratio(r.plannedMs, r.bound.ms),
      r.plannedMs === null ? 'n/a' : `${Math.round(r.plannerCpuMs)} ms`,
      hours(r.workBound.ms),
      ratio(r.makespanMs, r.workBound.ms),
      (r.modelCalls / r.completed).toFixed(2),
      thousands(r.lostClaims),
      `${perTask(r).toFixed(1)} ms`,
      baseline ? `**${(perTask(r) / perTask(baseline)).toFixed(2)}x**` : 'n/a',
      `${(r.cpuMs / 1000).toFixed(1)} s`,
      `${(r.wallMs / 1000).toFixed(1)} s`,
    ]),
  );
  const largest = results.reduce<ScenarioResult | undefined>((big, r) => (!big || r.tasks > big.tasks ? r : big), undefined);
  const exact = results.filter((r) => r.estimates === 'exact');
  const stages = largest
    ? markdownTable(
        ['stage', 'tasks', 'critical path', 'busiest role load', 'stage bound', 'actual span', 'span / bound'],
        largest.bound.stages.map((b) => {
          const span = largest.stageSpansMs.find((s) => s.stage === b.stage)?.spanMs ?? 0;
          const bound = Math.max(b.criticalPathMs, b.loadMs);
          return [b.stage, String(b.tasks), hours(b.criticalPathMs), `${hours(b.loadMs)} (${b.busiest})`, hours(bound), hours(span), ratio(span, bound)];
        }),
      )
    : '';
  const cpu = markdownTable(
    ['where the CPU goes (ms per task)', ...exact.map((r) => `${r.members} × ${thousands(r.tasks)}`)],
    CPU_PARTS.map(({ part, label }) => [label, ...exact.map((r) => share(r, part))]),
  );
  const name = largest ? `${largest.members} × ${thousands(largest.tasks)}` : 'largest';
  const baselineName = baseline ? `${baseline.members} × ${thousands(baseline.tasks)}` : 'first';
  const before = (r: ScenarioResult) => BEFORE_FLAT[`${r.members}x${r.tasks}`];
  const beforeBase = baseline ? before(baseline) : undefined;
  const flat = markdownTable(
    ['scenario', 'CPU per task before', `before / ${baselineName}`, 'CPU per task after', `after / ${baselineName}`],
    exact.flatMap((r) => {
      const was = before(r);
      if (was === undefined || !baseline || beforeBase === undefined) return [];
      return [[`${r.members} × ${thousands(r.tasks)}`, `${was.toFixed(1)} ms`, `${(was / beforeBase).toFixed(2)}x`, `${perTask(r).toFixed(1)} ms`, `${(perTask(r) / perTask(baseline)).toFixed(2)}x`]];
    }),
  );
  return `A team of simulated members (the \`sim\` backend, \`instant\`, seed ${SEED}) works a seeded random task graph on a
fresh board through \`executeRun({ ordered: true })\` on a virtual clock. Members are spread evenly over ${ROLES.length} roles.
Tasks are split in id order over the ${PIPELINE.length} stages ${PIPELINE.join(' → ')}; 90% of them are for one role
(10% for anyone), each has 0–3 explicit blockers among the previous 40 tasks of its stage, and each carries
a sim script \`{ steps: [], work_ms }\` with 1–30 minutes of work. Members compact their conversation at a task
boundary past ${COMPACT_AFTER} messages (\`compactAfter\`). The first scenario is the baseline of the CPU ratio: the
target is CPU per task at most 1.5x the baseline's at every size, and makespan / bound at most 1.05.

Each task carries an **estimate** of its work, as a team file's \`estimate:\` would, and the run's claim order is
planned from the estimates (src/runtime/plan, docs/decisions/0014-planned-claim-order.md): the planner's place of each
task is stored as its \`plan_rank\` when the tasks are created, and members take the first claimable task TaskList
lists, planned order first, then lowest id. **Exact** estimates are the work itself; **off by ${NOISY_ESTIMATES.min}–${NOISY_ESTIMATES.max}x**
multiplies each by a seeded random factor, uniform in that range, so the plan is made on wrong durations; **none**
is the board without estimates, where members take the lowest id (the behaviour before the planned order). **Planned
(planner's own)** is the planner's mean makespan over the member orders it judges, on its own estimates (so it is
not a measure of the run with noisy estimates), divided by the true bound; **planner CPU** is the time to plan.

${summary}

**Makespan / bound** is the virtual time from the start to the last completion, divided by a lower bound that no
schedule can beat. Stages are barriers, so the bound is the sum over stages of the larger of (a) the stage's critical
path through its blockers and (b) its busiest role's load (that role's work divided by its members, or all work
divided by all members). Both count the simulated model's shortest turns: on the critical path at least 1 s per task
for the claim, the read and the completion; of a member's time at least 1.3 s per task, counting its TaskList. 1.000
would be a perfect schedule; 1.05 means the team took at most 5% longer than the best possible one. The
**work-only** bound counts work time alone. The gap is the price of the order members take tasks in (the lowest id
without estimates; with them, a planned order that members free at the same moment may still take in another way than
planned), of claims lost in races (each costs another TaskList and claim) and of idle members being woken one task at
a time.

Stages of the ${name} run (its makespan is the sum of the spans):

${stages}

CPU time is \`process.cpuUsage()\` (user + system) over \`executeRun\`, with V8's sampling profiler attached; the
samples split it by the innermost function on the stack that names a part of the work (bench/schedule-profile.ts).
The board is async, so its SQL and rules run in their own continuations and count as the board, whoever asked.
A member's TaskList, TaskGet's blockers and gate, its current task and the wake-ups of idle members are read from a
view of the board kept up to date from the run's events (src/tools/task-view.ts), which keeps the ready tasks, each
owner's tasks and the edges both ways, so none of them looks at every task; the ordered driver reads the run (whose
config names every member) again only after an event that changes it; transcripts append only the new messages.

${cpu}

${FLAT_NOTE}

${flat}

${BEFORE_AFTER}
`;
}

function share(r: ScenarioResult, part: keyof CpuBreakdown): string {
  if (!r.breakdown) return 'n/a';
  const sampled = Object.values(r.breakdown).reduce((a, b) => a + b, 0);
  const fraction = sampled > 0 ? r.breakdown[part] / sampled : 0;
  return `${((r.cpuMs * fraction) / r.completed).toFixed(1)} (${(fraction * 100).toFixed(0)}%)`;
}
