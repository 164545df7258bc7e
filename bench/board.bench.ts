/**
 * Board throughput: the async Board interface over its SQLite store against hand-written
 * better-sqlite3 doing the same SQL (the floor for this schema), and claims from several
 * processes on one file.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { human, memberActor, type Actor } from '../src/board/actor.js';
import type { Board } from '../src/board/board.js';
import { createTestBoard, tempDir } from '../test/helpers/board.js';
import { runClaimWorkers } from '../test/helpers/workers.js';
import { claimBoard, EARLY_TASKS, MEMBER, PIPELINE } from './claim-board.js';
import { formatRate, markdownTable, type BenchSection } from './section.js';

const CLAIMS = 2_000;
const REPEATS = 5;
/** Operations timed in one go before switching to the other implementation. */
const CHUNK = 50;
const PROCESS_TASKS = 2_000;
const PROCESS_COUNTS = [1, 2, 4];


class RawRefusal extends Error {}

/** The claim path written directly against better-sqlite3: the same reads, writes and transaction. */
function rawClaimer(sqlite: Database.Database, runId: number) {
  const st = {
    task: sqlite.prepare('SELECT * FROM tasks WHERE run_id = ? AND id = ?'),
    explicit: sqlite.prepare(
      `SELECT t.id, t.subject, t.status, t.owner, t.stage FROM task_deps d
       JOIN tasks t ON t.run_id = d.run_id AND t.id = d.blocked_by
       WHERE d.run_id = ? AND d.task_id = ? AND t.status <> 'completed' ORDER BY d.blocked_by`,
    ),
    stage: sqlite.prepare(
      `SELECT id, subject, status, owner, stage FROM tasks
       WHERE run_id = ? AND stage IN (SELECT value FROM json_each(?)) AND status IN ('pending', 'in_progress')`,
    ),
    gates: sqlite.prepare(`SELECT * FROM gates WHERE run_id = ? AND "before" = ? AND status NOT IN ('passed', 'overridden') ORDER BY id`),
    member: sqlite.prepare('SELECT role FROM members WHERE run_id = ? AND name = ?'),
    claim: sqlite.prepare(`UPDATE tasks SET status = 'in_progress', owner = ?, started_at = ?, updated_at = ? WHERE run_id = ? AND id = ?`),
    setMetadata: sqlite.prepare('UPDATE tasks SET metadata = ?, updated_at = ? WHERE run_id = ? AND id = ?'),
    nextSeq: sqlite.prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM events WHERE run_id = ?'),
    event: sqlite.prepare('INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)'),
  };
  const pipeline = (JSON.parse((sqlite.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string }).config) as { pipeline: string[] }).pipeline;
  type Row = { id: number; subject: string; status: string; owner: string | null; stage: string | null; role: string | null; metadata: string; attempt: number };
  const event = (actor: string, type: string, taskId: number, payload: unknown) => {
    const seq = (st.nextSeq.get(runId) as { next: number }).next;
    st.event.run(runId, seq, Date.now(), actor, type, taskId, JSON.stringify(payload));
  };
  const claim = sqlite.transaction((id: number, member: string) => {
    const task = st.task.get(runId, id) as Row | undefined;
    if (!task) throw new RawRefusal(`task #${id} does not exist`);
    if (task.status !== 'pending' || (task.owner !== null && task.owner !== member)) throw new RawRefusal(`task #${id} is taken`);
    const role = (st.member.get(runId, member) as { role: string } | undefined)?.role;
    if (task.role !== null && role !== task.role) throw new RawRefusal(`task #${id} is for role ${task.role}`);
    const blockers = st.explicit.all(runId, id) as Row[];
    const index = task.stage === null ? -1 : pipeline.indexOf(task.stage);
    if (index > 0) blockers.push(...(st.stage.all(runId, JSON.stringify(pipeline.slice(0, index))) as Row[]).sort((a, b) => a.id - b.id));
    if (blockers.length > 0) throw new RawRefusal(`task #${id} is blocked`);
    if (task.stage !== null && st.gates.all(runId, task.stage).length > 0) throw new RawRefusal(`task #${id} is gated`);
    const now = Date.now();
    st.claim.run(member, now, now, runId, id);
    event(member, 'task.claimed', id, { taskId: id, subject: task.subject, owner: member, attempt: task.attempt });
  });
  const update = sqlite.transaction((id: number, member: string, patch: Record<string, unknown>) => {
    const task = st.task.get(runId, id) as Row | undefined;
    if (!task) throw new RawRefusal(`task #${id} does not exist`);
    const metadata = { ...(JSON.parse(task.metadata) as Record<string, unknown>) };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete metadata[key];
      else metadata[key] = value;
    }
    st.setMetadata.run(JSON.stringify(metadata), Date.now(), runId, id);
    event(member, 'task.updated', id, { taskId: id, subject: task.subject, fields: ['metadata'], metadata: patch });
  });
  return { claim: (id: number, member: string) => claim.immediate(id, member), update: (id: number, member: string, patch: Record<string, unknown>) => update.immediate(id, member, patch) };
}

interface Timing {
  ours: number;
  raw: number;
}

interface Case {
  prepare(board: Board, runId: number, ids: number[], actor: Actor): Promise<void>;
  ours(board: Board, runId: number, id: number, actor: Actor, i: number): Promise<unknown>;
  raw(claimer: ReturnType<typeof rawClaimer>, id: number, i: number): void;
  /** Extra SQL run on each fresh board before timing (e.g. an index the schema does not have yet). */
  setupSql?: string;
}

/**
 * Seconds for `ops` calls of each implementation on identical fresh boards. The two run in alternating
 * chunks, so both see the same load from the rest of the machine; the best of REPEATS rounds counts.
 * Ours is awaited call by call, as the runtime and the tools use it.
 */
async function compare(ops: number, { prepare, ours, raw, setupSql }: Case): Promise<Timing> {
  const samples: Timing[] = [];
  const actor = memberActor(MEMBER.name, MEMBER.role);
  for (let r = 0; r < REPEATS + 1; r++) {
    const boards = [];
    for (const kind of ['ours', 'raw'] as const) {
      const dir = tempDir('teamboard-bench-');
      const { t, ids } = await claimBoard({ dir }, ops);
      // The raw side gets its own connection to the same kind of file (WAL, synchronous=NORMAL, as the board opens it).
      const sqlite = new Database(t.file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      if (setupSql) sqlite.exec(setupSql);
      await prepare(t.board, t.runId, ids, actor);
      boards.push({ kind, dir, t, ids, sqlite, claimer: rawClaimer(sqlite, t.runId) });
    }
    const sample: Timing = { ours: 0, raw: 0 };
    for (let from = 0; from < ops; from += CHUNK) {
      for (const b of from % (2 * CHUNK) === 0 ? boards : [...boards].reverse()) {
        const to = Math.min(ops, from + CHUNK);
        const started = performance.now();
        for (let i = from; i < to; i++) {
          const id = b.ids[i] ?? 0;
          if (b.kind === 'ours') await ours(b.t.board, b.t.runId, id, actor, i);
          else raw(b.claimer, id, i);
        }
        sample[b.kind] += (performance.now() - started) / 1000;
      }
    }
    for (const b of boards) {
      b.sqlite.close();
      await b.t.cleanup();
      fs.rmSync(b.dir, { recursive: true, force: true });
    }
    // The first round warms up the JIT and the file system; it is not counted.
    if (r > 0) samples.push(sample);
  }
  return { ours: Math.min(...samples.map((s) => s.ours)), raw: Math.min(...samples.map((s) => s.raw)) };
}

const claimCase: Case = {
  prepare: async () => undefined,
  ours: (board, runId, id, actor) => board.updateTask(runId, id, { status: 'in_progress' }, actor),
  raw: (claimer, id) => claimer.claim(id, MEMBER.name),
};

const updateCase: Case = {
  prepare: async (board, runId, ids, actor) => {
    await board.transaction(async (tx) => {
      for (const id of ids) await tx.updateTask(runId, id, { status: 'in_progress', metadata: { attempt: 0, notes: 'start' } }, actor);
    });
  },
  ours: (board, runId, id, actor, i) => board.updateTask(runId, id, { metadata: { attempt: i, notes: null, metrics: { auc: 0.8 } } }, actor),
  raw: (claimer, id, i) => claimer.update(id, MEMBER.name, { attempt: i, notes: null, metrics: { auc: 0.8 } }),
};

/** Without an index led by (run_id, stage), finding unfinished earlier-stage tasks scans every unfinished task. */
const STAGE_INDEX_SQL = 'CREATE INDEX bench_tasks_run_stage_idx ON tasks (run_id, stage, status)';

async function hasStageIndex(): Promise<boolean> {
  const dir = tempDir('teamboard-bench-');
  const t = await createTestBoard({ dir, pipeline: [] });
  const sqlite = new Database(t.file, { readonly: true });
  const indexes = sqlite.prepare("SELECT name FROM pragma_index_list('tasks')").all() as { name: string }[];
  const found = indexes.some(({ name }) => {
    const columns = (sqlite.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name) as { name: string }[]).map((c) => c.name);
    return columns[0] === 'run_id' && columns[1] === 'stage';
  });
  sqlite.close();
  await t.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  return found;
}

interface ProcessResult {
  processes: number;
  seconds: number;
  refused: number;
  failed: string[];
}

async function multiProcess(processes: number): Promise<ProcessResult> {
  const dir = tempDir('teamboard-bench-mp-');
  const names = Array.from({ length: processes }, (_, i) => `w${i + 1}`);
  const t = await createTestBoard({ dir, pipeline: [], members: names.map((name) => ({ name, role: 'worker' })) });
  await t.board.createTasks(
    t.runId,
    Array.from({ length: PROCESS_TASKS }, (_, i) => ({ subject: `Task ${i + 1}` })),
    human,
  );
  await t.board.close();
  const outcomes = await runClaimWorkers(t.file, t.runId, names);
  fs.rmSync(dir, { recursive: true, force: true });
  const reports = outcomes.map((o) => o.report);
  const failed = outcomes.filter((o) => o.exitCode !== 0 || !o.report).map((o) => `${o.name}: exit ${o.exitCode} ${o.stderr.split('\n')[0] ?? ''}`);
  const claimed = reports.reduce((sum, r) => sum + (r?.claimed.length ?? 0), 0);
  if (claimed !== PROCESS_TASKS) failed.push(`claimed ${claimed} of ${PROCESS_TASKS} tasks`);
  const start = Math.min(...reports.map((r) => r?.startedAt ?? Infinity));
  const end = Math.max(...reports.map((r) => r?.finishedAt ?? 0));
  return { processes, seconds: (end - start) / 1000, refused: reports.reduce((sum, r) => sum + (r?.refused ?? 0), 0), failed };
}

export async function run(): Promise<BenchSection> {
  const claims = await compare(CLAIMS, claimCase);
  const updates = await compare(CLAIMS, updateCase);
  const indexed = (await hasStageIndex()) ? undefined : await compare(CLAIMS, { ...claimCase, setupSql: STAGE_INDEX_SQL });
  const processes: ProcessResult[] = [];
  for (const count of PROCESS_COUNTS) processes.push(await multiProcess(count));

  const ratio = (t: Timing) => `${(t.ours / t.raw).toFixed(2)}x`;
  const single = markdownTable(
    ['operation (one process, one at a time)', 'ops', 'ours (ops/s)', 'raw better-sqlite3 (ops/s)', 'time ours / raw'],
    [
      ['claim: `await board.updateTask(…, {status: "in_progress"}, member)`', CLAIMS.toLocaleString('en-US'), formatRate(CLAIMS, claims.ours), formatRate(CLAIMS, claims.raw), ratio(claims)],
      ['metadata merge: `await board.updateTask(…, {metadata}, member)`', CLAIMS.toLocaleString('en-US'), formatRate(CLAIMS, updates.ours), formatRate(CLAIMS, updates.raw), ratio(updates)],
      ...(indexed
        ? [['claim, with an index on tasks (run_id, stage, status) added (not in the schema yet)', CLAIMS.toLocaleString('en-US'), formatRate(CLAIMS, indexed.ours), formatRate(CLAIMS, indexed.raw), ratio(indexed)]]
        : []),
    ],
  );
  const multi = markdownTable(
    ['processes', 'tasks', 'wall time (s)', 'tasks/s (claim + complete)', 'claims lost to another process', 'problems'],
    processes.map((p) => [String(p.processes), PROCESS_TASKS.toLocaleString('en-US'), p.seconds.toFixed(2), formatRate(PROCESS_TASKS, p.seconds), String(p.refused), p.failed.join('; ') || 'none']),
  );
  const body = `Each operation is its own \`BEGIN IMMEDIATE\` transaction on a WAL file (\`synchronous=NORMAL\`). The run has the
pipeline ${PIPELINE.join(' → ')}, ${EARLY_TASKS} completed earlier-stage tasks and a passed gate; every claimed task is a
training task for ml-engineers with one completed explicit blocker. The raw column is hand-written better-sqlite3
with prepared statements doing the same reads (task row, open explicit blockers, earlier-stage blockers via
\`json_each\`, gates, member role) and writes (task update, event insert); ours is the async \`Board\` interface over its
SQLite store, each call awaited, and skips the member read when a member claims for itself, since its role comes with
the call. Both run side by side in alternating chunks of ${CHUNK}
operations, so they share the machine's load; best of ${REPEATS} rounds after a warm-up.

${single}
${
  indexed
    ? `
Every claim also looks for unfinished tasks of earlier stages. The schema has no index led by (run_id, stage), so
that query walks every unfinished task of the run (${CLAIMS.toLocaleString('en-US')} here), which bounds both columns of the claim row; the
last row adds such an index to both boards to show what it would buy.
`
    : ''
}
Several processes on one board file: each runs \`test/helpers/claim-worker.ts\` (list, claim every open task it
can, complete what it claimed, repeat); they start together and race for the same lowest ids. Wall time runs from
the common start to the last worker finishing; every task must be claimed exactly once. A lost claim is still a
write transaction (the check and the claim are one \`BEGIN IMMEDIATE\`), so greedy workers chasing the same ids slow
each other down; agents that claim one task at a time between model calls rarely collide.

${multi}
`;
  return { title: 'Task board', body };
}
