import { and, eq, sql } from 'drizzle-orm';
import { taskDeps, tasks } from '../../db/schema.js';
import { prepared, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import { pipelineOf, stageIndex } from './pipeline.js';
import type { Actor } from './actor.js';

function statements(board: Board) {
  return prepared(board, 'deps', () => ({
    blockersOf: board.db
      .select({ id: taskDeps.blockedBy })
      .from(taskDeps)
      .where(and(eq(taskDeps.runId, sql.placeholder('runId')), eq(taskDeps.taskId, sql.placeholder('taskId'))))
      .prepare(),
    stageOf: board.db
      .select({ id: tasks.id, stage: tasks.stage })
      .from(tasks)
      .where(and(eq(tasks.runId, sql.placeholder('runId')), eq(tasks.id, sql.placeholder('id'))))
      .prepare(),
    stages: board.db
      .select({ id: tasks.id, stage: tasks.stage })
      .from(tasks)
      .where(eq(tasks.runId, sql.placeholder('runId')))
      .orderBy(tasks.id)
      .prepare(),
    insert: board.db
      .insert(taskDeps)
      .values({ runId: sql.placeholder('runId'), taskId: sql.placeholder('taskId'), blockedBy: sql.placeholder('blockedBy') })
      .onConflictDoNothing()
      .prepare(),
  }));
}

/**
 * Record that `taskId` is blocked by `blockedBy`. Refuses unknown tasks, self-blocks, cycles and
 * edges that would deadlock against stage order. Returns false when the edge already existed.
 */
export function addDependency(board: Board, runId: number, taskId: number, blockedBy: number, actor: Actor): boolean {
  const st = statements(board);
  const task = st.stageOf.get({ runId, id: taskId });
  if (!task) throw new BoardError('not_found', `task #${taskId} does not exist in run ${runId}; use TaskList to see task ids`);
  const blocker = st.stageOf.get({ runId, id: blockedBy });
  if (!blocker) throw new BoardError('not_found', `blocker #${blockedBy} does not exist in run ${runId}; use TaskList to see task ids`);
  if (taskId === blockedBy) throw new BoardError('cycle', `task #${taskId} cannot block itself (cycle: #${taskId} -> #${taskId})`);

  const graph = waitGraph(board, runId);
  const path = findPath(graph, blockedBy, taskId);
  if (path) throw new BoardError('cycle', `adding #${blockedBy} as a blocker of #${taskId} would create ${describeCycle(graph, [taskId, ...path.ids], path.hop)}`);
  const inserted = st.insert.run({ runId, taskId, blockedBy }).changes > 0;
  if (inserted) appendEvent(board, runId, actor, 'task.dependency', { taskId, blockedBy });
  return inserted;
}

/** Refuse moving a task to `stage` when stage order and its dependencies would then wait on each other. */
export function checkStageMove(board: Board, runId: number, taskId: number, stage: string | null): void {
  const graph = waitGraph(board, runId, { id: taskId, stage });
  const path = findPath(graph, taskId, taskId);
  if (path) throw new BoardError('cycle', `moving #${taskId} to stage ${stage} would create ${describeCycle(graph, path.ids, path.hop)}`);
}

interface WaitGraph {
  blockers(id: number): number[];
  stage(id: number): string | null;
  stageIndex(id: number): number;
  /** Task ids of the pipeline stage at `index`. */
  tasksOfStage(index: number): number[];
}

/** What waits for what in a run: explicit blockedBy edges, and stage order (read lazily). */
function waitGraph(board: Board, runId: number, moved?: { id: number; stage: string | null }): WaitGraph {
  const st = statements(board);
  const pipeline = pipelineOf(board, runId);
  let byStage: number[][] | undefined;
  const stage = (id: number) => (moved?.id === id ? moved.stage : (st.stageOf.get({ runId, id })?.stage ?? null));
  return {
    blockers: (id) => st.blockersOf.all({ runId, taskId: id }).map((b) => b.id),
    stage,
    stageIndex: (id) => stageIndex(pipeline, stage(id)),
    tasksOfStage(index) {
      if (!byStage) {
        const buckets: number[][] = pipeline.map(() => []);
        for (const t of st.stages.all({ runId })) buckets[stageIndex(pipeline, moved?.id === t.id ? moved.stage : t.stage)]?.push(t.id);
        byStage = buckets;
      }
      return byStage[index] ?? [];
    },
  };
}

interface Path {
  /** From `start` to `target`, each task waiting for the next. */
  ids: number[];
  /** The first step taken because of stage order rather than an explicit blockedBy edge. */
  hop: [number, number] | null;
}

/** Breadth-first search of "waits for" steps from `start` to `target` (start itself does not count as reaching it). */
function findPath(graph: WaitGraph, start: number, target: number): Path | null {
  const parent = new Map<number, { from: number | null; hop: boolean }>([[start, { from: null, hop: false }]]);
  const queue = [start];
  let expandedBelow = 0;
  const trace = (from: number, hop: boolean): Path => {
    const steps: { id: number; hop: boolean }[] = [{ id: target, hop }];
    for (let at: number | null = from; at !== null; at = parent.get(at)?.from ?? null) steps.unshift({ id: at, hop: parent.get(at)?.hop ?? false });
    const index = steps.findIndex((s, i) => i > 0 && s.hop);
    const first = steps[index - 1];
    const hopStep = steps[index];
    return { ids: steps.map((s) => s.id), hop: index > 0 && first && hopStep ? [first.id, hopStep.id] : null };
  };
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as number;
    const next: { id: number; hop: boolean }[] = graph.blockers(id).map((b) => ({ id: b, hop: false }));
    const index = graph.stageIndex(id);
    // Every task of stages below `expandedBelow` is already queued: only newer stages add anything.
    for (; expandedBelow < index; expandedBelow++) {
      for (const t of graph.tasksOfStage(expandedBelow)) next.push({ id: t, hop: true });
    }
    for (const step of next) {
      if (step.id === target) return trace(id, step.hop);
      if (parent.has(step.id)) continue;
      parent.set(step.id, { from: id, hop: step.hop });
      queue.push(step.id);
    }
  }
  return null;
}

function describeCycle(graph: WaitGraph, ids: number[], hop: Path['hop']): string {
  const chain = ids.map((id) => `#${id}`).join(' -> ');
  if (!hop) return `a cycle: ${chain}`;
  const [late, early] = hop;
  return `a cycle through stage order: ${chain} (#${late} is in stage ${graph.stage(late)}, which waits for every task of stage ${graph.stage(early)})`;
}
