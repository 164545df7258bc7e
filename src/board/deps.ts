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

  const pipeline = pipelineOf(board, runId);
  const limit = stageIndex(pipeline, task.stage);
  const path = findPath(board, runId, blockedBy, taskId, (id) => {
    if (limit < 0) return false;
    return stageIndex(pipeline, st.stageOf.get({ runId, id })?.stage ?? null) > limit;
  });
  if (path?.kind === 'cycle') {
    const cycle = [taskId, ...path.ids].map((id) => `#${id}`).join(' -> ');
    throw new BoardError('cycle', `adding #${blockedBy} as a blocker of #${taskId} would create a cycle: ${cycle}`);
  }
  if (path?.kind === 'stage') {
    const chain = [taskId, ...path.ids].map((id) => `#${id}`).join(' -> ');
    const late = path.ids[path.ids.length - 1];
    const lateStage = late === undefined ? '?' : st.stageOf.get({ runId, id: late })?.stage;
    throw new BoardError(
      'cycle',
      `adding #${blockedBy} as a blocker of #${taskId} would create a cycle through stage order: ${chain} -> #${taskId} ` +
        `(#${late} is in stage ${lateStage}, which waits for every task of stage ${task.stage})`,
    );
  }
  const inserted = st.insert.run({ runId, taskId, blockedBy }).changes > 0;
  if (inserted) appendEvent(board, runId, actor, 'task.dependency', { taskId, blockedBy });
  return inserted;
}

type PathResult = { kind: 'cycle' | 'stage'; ids: number[] } | null;

/** Walk blockedBy edges from `start`; report a path reaching `target` (cycle) or a later-stage task. */
function findPath(board: Board, runId: number, start: number, target: number, isLater: (id: number) => boolean): PathResult {
  const st = statements(board);
  const parent = new Map<number, number | null>([[start, null]]);
  const queue = [start];
  const trace = (end: number): number[] => {
    const ids: number[] = [];
    for (let at: number | null | undefined = end; at !== null && at !== undefined; at = parent.get(at)) ids.unshift(at);
    return ids;
  };
  while (queue.length > 0) {
    const id = queue.shift() as number;
    if (id === target) return { kind: 'cycle', ids: trace(id) };
    if (isLater(id)) return { kind: 'stage', ids: trace(id) };
    for (const next of st.blockersOf.all({ runId, taskId: id })) {
      if (parent.has(next.id)) continue;
      parent.set(next.id, id);
      queue.push(next.id);
    }
  }
  return null;
}
