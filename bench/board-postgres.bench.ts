/**
 * The board on PostgreSQL: claims through the async Board interface against raw `pg` sending the
 * same statements on one connection (the floor for this protocol), and tasks per second for 1, 2,
 * 4 and 8 processes taking tasks with claimNext. Uses a throwaway cluster (as the tests do), or the
 * server in TEAM_TEST_POSTGRES_URL.
 */
import pg from 'pg';
import { human, memberActor, type MemberActor } from '../src/board/actor.js';
import type { Board } from '../src/board/board.js';
import { createTestDatabase, dropDatabase, POSTGRES_MISSING, POSTGRES_URL_ENV, postgresBinDir, prepareTemplate, startPostgresCluster } from '../test/helpers/postgres.js';
import { CLAIM_NEXT_WORKER, runClaimWorkers } from '../test/helpers/workers.js';
import { openBoard } from '../src/board/open.js';
import { claimBoard, EARLY_TASKS, MEMBER, PIPELINE } from './claim-board.js';
import { formatRate, markdownTable, type BenchSection } from './section.js';

const CLAIMS = 1_000;
const REPEATS = 3;
/** Operations timed in one go before switching to the other implementation. */
const CHUNK = 50;
const PROCESS_TASKS = 2_000;
const PROCESS_COUNTS = [1, 2, 4, 8];

const LOCK_SPACE = 0x74626f61;

class RawRefusal extends Error {}

interface RawTask {
  id: number;
  subject: string;
  status: string;
  owner: string | null;
  role: string | null;
  stage: string | null;
  attempt: number;
}

const SQL = {
  task: 'SELECT * FROM tasks WHERE run_id = $1 AND id = $2 FOR UPDATE',
  skip: 'SELECT * FROM tasks WHERE run_id = $1 AND id = $2 FOR UPDATE SKIP LOCKED',
  explicit: `SELECT t.id, t.subject, t.status, t.owner, t.stage FROM task_deps d JOIN tasks t ON t.run_id = d.run_id AND t.id = d.blocked_by
    WHERE d.run_id = $1 AND d.task_id = $2 AND t.status <> 'completed' ORDER BY d.blocked_by`,
  stage: `SELECT id, subject, status, owner, stage FROM tasks WHERE run_id = $1 AND stage = ANY($2::text[]) AND status IN ('pending', 'in_progress')`,
  gates: 'SELECT * FROM gates WHERE run_id = $1 ORDER BY id',
  claim: `UPDATE tasks SET status = 'in_progress', owner = $3, started_at = $4, updated_at = $4 WHERE run_id = $1 AND id = $2`,
  changed: `WITH k AS (SELECT seq, untracked FROM event_counters WHERE run_id = $1),
    ch AS (SELECT DISTINCT e.task_id FROM events e, k WHERE e.run_id = $1 AND e.seq > $2 AND e.seq <= k.seq AND e.task_id IS NOT NULL)
    SELECT k.seq AS at, k.untracked, ch.task_id AS changed, t.id, t.subject, t.status, t.owner, t.role, t.stage, t.active_form, t.attempt
    FROM k LEFT JOIN ch ON true LEFT JOIN tasks t ON t.run_id = $1 AND t.id = ch.task_id`,
  whole: `SELECT k.seq AS at, t.id, t.subject, t.status, t.owner, t.role, t.stage, t.active_form, t.attempt
    FROM event_counters k LEFT JOIN tasks t ON t.run_id = k.run_id WHERE k.run_id = $1 ORDER BY t.id`,
  depsMoved: `SELECT k.seq AS at, EXISTS (SELECT 1 FROM events e WHERE e.run_id = $1 AND e.seq > $2 AND e.seq <= k.seq AND e.type IN ('task.dependency', 'task.deleted')) AS moved
    FROM event_counters k WHERE k.run_id = $1`,
};

/**
 * The claim paths written directly against one `pg` connection: the same statements in the same
 * round trips as the board (named prepared statements; the events, notification and COMMIT as one
 * plain-text batch), the checks in a few lines of plain code.
 */
async function rawClaimer(url: string, runId: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const pipeline = ((await client.query<{ config: { pipeline: string[] } }>('SELECT config FROM runs WHERE id = $1', [runId])).rows[0]?.config.pipeline ?? []);
  const q = <R extends pg.QueryResultRow>(name: keyof typeof SQL, values: unknown[]) => client.query<R>({ name: `raw_${name}`, text: SQL[name], values });
  const known = new Map<number, RawTask>();
  let at = 0;

  function commitBatch(member: string, task: RawTask): string {
    const now = Date.now();
    const events = JSON.stringify([{ ord: 1, ts: now, actor: member, type: 'task.claimed', task_id: task.id, payload: { taskId: task.id, subject: task.subject, owner: member, attempt: task.attempt } }]);
    return `WITH c AS (
  INSERT INTO event_counters AS k (run_id, seq, ts, prev_ts) VALUES (${runId}, 1, ${now}, 0)
  ON CONFLICT (run_id) DO UPDATE SET seq = k.seq + excluded.seq, prev_ts = k.ts, ts = greatest(k.ts, excluded.ts)
  RETURNING k.seq - 1 AS base, k.prev_ts)
INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload)
SELECT ${runId}, c.base + x.ord, greatest(c.prev_ts, x.ts), x.actor, x.type, x.task_id, x.payload
FROM c CROSS JOIN jsonb_to_recordset($ev$${events}$ev$::jsonb) AS x(ord int, ts bigint, actor text, type text, task_id int, payload jsonb);
SELECT pg_notify('teamboard_changes', '${runId}:raw');
COMMIT`;
  }

  /** Blockers and gates of a pending task, then the update and the batch. */
  async function take(task: RawTask, member: string, role: string): Promise<void> {
    if (task.role !== null && task.role !== role) throw new RawRefusal(`task #${task.id} is for role ${task.role}`);
    const blockers = (await q<RawTask>('explicit', [runId, task.id])).rows;
    const index = task.stage === null ? -1 : pipeline.indexOf(task.stage);
    if (index > 0) blockers.push(...(await q<RawTask>('stage', [runId, pipeline.slice(0, index)])).rows.sort((a, b) => a.id - b.id));
    if (blockers.length > 0) throw new RawRefusal(`task #${task.id} is blocked`);
    const gates = (await q<{ before: string; status: string }>('gates', [runId])).rows;
    if (gates.some((g) => g.before === task.stage && g.status !== 'passed' && g.status !== 'overridden')) throw new RawRefusal(`task #${task.id} is gated`);
    await q('claim', [runId, task.id, member, Date.now()]);
    await client.query(commitBatch(member, task));
  }

  async function inTransaction(fn: () => Promise<void>): Promise<void> {
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock_shared(${LOCK_SPACE}, ${runId})`);
    try {
      await fn();
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  return {
    /** A named claim: lock the row, check, update. */
    claim: (id: number, member: string, role: string) =>
      inTransaction(async () => {
        const task = (await q<RawTask>('task', [runId, id])).rows[0];
        if (!task || task.status !== 'pending' || (task.owner !== null && task.owner !== member)) throw new RawRefusal(`task #${id} is taken`);
        await take(task, member, role);
      }),
    /** The next task: the task list brought up to date from the events, then the lowest free one locked with SKIP LOCKED. */
    claimNext: (member: string, role: string) =>
      inTransaction(async () => {
        if (at === 0) {
          const rows = (await q<RawTask & { at: number }>('whole', [runId])).rows;
          at = rows[0]?.at ?? 0;
          for (const r of rows) known.set(r.id, r);
        } else {
          const rows = (await q<RawTask & { at: number; changed: number | null }>('changed', [runId, at])).rows;
          for (const r of rows) if (r.changed !== null) known.set(r.changed, r);
          at = rows[0]?.at ?? at;
        }
        await q('depsMoved', [runId, at]);
        await q('gates', [runId]);
        for (const candidate of [...known.values()].sort((a, b) => a.id - b.id)) {
          if (candidate.status !== 'pending' || (candidate.role !== null && candidate.role !== role)) continue;
          const task = (await q<RawTask>('skip', [runId, candidate.id])).rows[0];
          if (!task || task.status !== 'pending') continue;
          await take(task, member, role);
          return;
        }
        await client.query('COMMIT');
      }),
    close: () => client.end(),
  };
}

interface Timing {
  ours: number;
  raw: number;
}

interface Case {
  ours(board: Board, runId: number, id: number, actor: MemberActor): Promise<unknown>;
  raw(claimer: Awaited<ReturnType<typeof rawClaimer>>, id: number): Promise<void>;
}

/** Seconds for `ops` calls of each on identical fresh databases, in alternating chunks; best of REPEATS rounds after a warm-up. */
async function compare(server: string, ops: number, { ours, raw }: Case): Promise<Timing> {
  const samples: Timing[] = [];
  const actor = memberActor(MEMBER.name, MEMBER.role);
  for (let r = 0; r < REPEATS + 1; r++) {
    const sides = [];
    for (const kind of ['ours', 'raw'] as const) {
      const url = await createTestDatabase(server);
      const { t, ids } = await claimBoard({ location: url }, ops);
      sides.push({ kind, url, t, ids, claimer: await rawClaimer(url, t.runId) });
    }
    const sample: Timing = { ours: 0, raw: 0 };
    for (let from = 0; from < ops; from += CHUNK) {
      for (const s of from % (2 * CHUNK) === 0 ? sides : [...sides].reverse()) {
        const to = Math.min(ops, from + CHUNK);
        const started = performance.now();
        for (let i = from; i < to; i++) {
          const id = s.ids[i] ?? 0;
          if (s.kind === 'ours') await ours(s.t.board, s.t.runId, id, actor);
          else await raw(s.claimer, id);
        }
        sample[s.kind] += (performance.now() - started) / 1000;
      }
    }
    for (const s of sides) {
      await s.claimer.close();
      await s.t.cleanup();
      await dropDatabase(server, s.url);
    }
    if (r > 0) samples.push(sample);
  }
  return { ours: Math.min(...samples.map((s) => s.ours)), raw: Math.min(...samples.map((s) => s.raw)) };
}

const namedClaim: Case = {
  ours: (board, runId, id, actor) => board.updateTask(runId, id, { status: 'in_progress' }, actor),
  raw: (claimer, id) => claimer.claim(id, MEMBER.name, MEMBER.role),
};

const nextClaim: Case = {
  ours: async (board, runId, _id, actor) => {
    if (!(await board.claimNext(runId, actor))) throw new Error('claimNext found no task');
  },
  raw: (claimer) => claimer.claimNext(MEMBER.name, MEMBER.role),
};

interface ProcessResult {
  processes: number;
  seconds: number;
  waits: number;
  failed: string[];
}

async function multiProcess(server: string, processes: number): Promise<ProcessResult> {
  const url = await createTestDatabase(server);
  const names = Array.from({ length: processes }, (_, i) => `w${i + 1}`);
  const board = await openBoard(url);
  const run = await board.createRun({ team: 'bench', backend: 'sim', workspace: '/tmp', config: { team: 'bench', description: '', pipeline: [], members: [], gates: [], teamFile: '' } }, human);
  for (const name of names) await board.addMember(run.id, { name, agent: 'worker', role: 'worker', model: 'sim' }, human);
  await board.createTasks(run.id, Array.from({ length: PROCESS_TASKS }, (_, i) => ({ subject: `Task ${i + 1}` })), human);
  await board.close();
  const outcomes = await runClaimWorkers(url, run.id, names, CLAIM_NEXT_WORKER, 600_000);
  await dropDatabase(server, url);
  const reports = outcomes.map((o) => o.report);
  const failed = outcomes.filter((o) => o.exitCode !== 0 || !o.report).map((o) => `${o.name}: exit ${o.exitCode} ${o.stderr.split('\n')[0] ?? ''}`);
  const claimed = new Set(reports.flatMap((r) => r?.claimed ?? []));
  if (claimed.size !== PROCESS_TASKS) failed.push(`claimed ${claimed.size} of ${PROCESS_TASKS} tasks`);
  const start = Math.min(...reports.map((r) => r?.startedAt ?? Infinity));
  const end = Math.max(...reports.map((r) => r?.finishedAt ?? 0));
  return { processes, seconds: (end - start) / 1000, waits: reports.reduce((sum, r) => sum + (r?.refused ?? 0), 0), failed };
}

/** The server to measure on: TEAM_TEST_POSTGRES_URL, or a throwaway cluster; undefined without PostgreSQL. */
async function server(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const given = process.env[POSTGRES_URL_ENV];
  const migrate = async (url: string) => (await openBoard(url)).close();
  if (given) {
    await prepareTemplate(given, migrate);
    return { url: given, stop: async () => undefined };
  }
  const bin = postgresBinDir();
  if (!bin) return undefined;
  const cluster = await startPostgresCluster(bin);
  await prepareTemplate(cluster.url, migrate);
  return cluster;
}

export async function run(): Promise<BenchSection> {
  const title = 'Task board on PostgreSQL';
  const pg = await server();
  if (!pg) {
    console.warn(POSTGRES_MISSING);
    return { title, body: `Not measured: ${POSTGRES_MISSING}` };
  }
  try {
    process.env[POSTGRES_URL_ENV] = pg.url;
    const named = await compare(pg.url, CLAIMS, namedClaim);
    const next = await compare(pg.url, CLAIMS, nextClaim);
    const processes: ProcessResult[] = [];
    for (const count of PROCESS_COUNTS) processes.push(await multiProcess(pg.url, count));

    const ratio = (t: Timing) => `${(t.ours / t.raw).toFixed(2)}x`;
    const single = markdownTable(
      ['operation (one process, one at a time)', 'ops', 'ours (ops/s)', 'raw pg (ops/s)', 'time ours / raw'],
      [
        ['named claim: `await board.updateTask(…, {status: "in_progress"}, member)`', CLAIMS.toLocaleString('en-US'), formatRate(CLAIMS, named.ours), formatRate(CLAIMS, named.raw), ratio(named)],
        ['next task: `await board.claimNext(…, member)`', CLAIMS.toLocaleString('en-US'), formatRate(CLAIMS, next.ours), formatRate(CLAIMS, next.raw), ratio(next)],
      ],
    );
    const one = processes[0];
    const multi = markdownTable(
      ['processes', 'tasks', 'wall time (s)', 'tasks/s (claimNext + complete)', 'vs 1 process', 'waits (nothing free yet)', 'problems'],
      processes.map((p) => [
        String(p.processes),
        PROCESS_TASKS.toLocaleString('en-US'),
        p.seconds.toFixed(2),
        formatRate(PROCESS_TASKS, p.seconds),
        one ? `${(one.seconds / p.seconds).toFixed(2)}x` : '',
        String(p.waits),
        p.failed.join('; ') || 'none',
      ]),
    );
    const body = `A throwaway local cluster (\`fsync=off\`, as the tests run it; TCP on 127.0.0.1), PostgreSQL's own defaults
otherwise. The run is the one of the SQLite bench: pipeline ${PIPELINE.join(' → ')}, ${EARLY_TASKS} completed earlier-stage tasks
and a passed gate; every claimed task is a training task for ml-engineers with one completed explicit blocker. Each
operation is one transaction: a shared advisory lock on the run, the task row locked (\`FOR UPDATE\`, or \`FOR UPDATE SKIP
LOCKED\` for the next task), the blockers and gates checked, the update, and the event, notification and COMMIT as one
batch. The raw column sends the same statements in the same round trips on one \`pg\` connection (named prepared
statements) with the checks written inline; ours is the async \`Board\` interface (drizzle, a pool, the shared rules),
each call awaited. Alternating chunks of ${CHUNK} operations on two fresh databases; best of ${REPEATS} rounds after a warm-up.

${single}

Several processes on one board: each runs \`test/helpers/claim-next-worker.ts\` (claimNext, complete, repeat), a
member's loop without the model; they start together on ${PROCESS_TASKS.toLocaleString('en-US')} tasks. Wall time runs from the common start to
the last worker finishing; every task must be claimed exactly once. A wait is a claimNext that found nothing free
while tasks were still pending (others held them), followed by a wait for the next change.

${multi}
`;
    return { title, body };
  } finally {
    await pg.stop();
  }
}
