import { actorName, type Actor } from '../actor.js';
import { BoardError } from '../errors.js';
import type { Tx } from '../store.js';
import type { Dependency } from '../types.js';
import { addEdge, buildWaitGraph, describeCycle, findPath, hasCycle, hasEdge, type WaitGraph } from './wait-graph.js';

async function loadGraph(tx: Tx, runId: number): Promise<WaitGraph> {
  const [pipeline, stages, deps] = await Promise.all([tx.pipelineOf(runId), tx.taskStages(runId), tx.listDeps(runId)]);
  return buildWaitGraph(pipeline, stages, deps);
}

/**
 * Record that each `taskId` is blocked by its `blockedBy`. Refuses unknown tasks, self-blocks,
 * cycles and edges that would deadlock against stage order, as if the edges were added one by
 * one, but checks the whole change set for cycles in one pass. Returns the edges that were new.
 */
export async function addDependencies(tx: Tx, runId: number, edges: Dependency[], actor: Actor): Promise<Dependency[]> {
  if (edges.length === 0) return [];
  await tx.lockRun(runId, 'exclusive');
  const graph = await loadGraph(tx, runId);
  const fresh: Dependency[] = [];
  // Edges already taken, by task: a team file can bring tens of thousands at once.
  const taken = new Map<number, Set<number>>();
  let problem: BoardError | null = null;
  for (const edge of edges) {
    problem = edgeProblem(graph, runId, edge);
    if (problem) break;
    if (hasEdge(graph, edge) || taken.get(edge.taskId)?.has(edge.blockedBy)) continue;
    fresh.push(edge);
    const blockers = taken.get(edge.taskId);
    if (blockers) blockers.add(edge.blockedBy);
    else taken.set(edge.taskId, new Set([edge.blockedBy]));
  }
  // A cycle among the edges before a bad one is reported first, as adding them in order would.
  const cyclic = firstCyclicEdge(graph, fresh);
  if (cyclic !== null) throw cycleError(cyclic.before, cyclic.edge);
  if (problem) throw problem;
  const inserted = await tx.insertDeps(runId, fresh);
  for (const edge of inserted) await tx.appendEvent(runId, actorName(actor), { type: 'task.dependency', payload: edge });
  return inserted;
}

function edgeProblem(graph: WaitGraph, runId: number, edge: Dependency): BoardError | null {
  if (!graph.stageOf.has(edge.taskId)) return new BoardError('not_found', `task #${edge.taskId} does not exist in run ${runId}; use TaskList to see task ids`);
  if (!graph.stageOf.has(edge.blockedBy)) return new BoardError('not_found', `blocker #${edge.blockedBy} does not exist in run ${runId}; use TaskList to see task ids`);
  if (edge.taskId === edge.blockedBy) return new BoardError('cycle', `task #${edge.taskId} cannot block itself (cycle: #${edge.taskId} -> #${edge.taskId})`);
  return null;
}

/** The first new edge that closes a cycle, with the graph just before it; null (after one check) when there is none. */
function firstCyclicEdge(graph: WaitGraph, fresh: Dependency[]): { edge: Dependency; before: WaitGraph } | null {
  if (fresh.length === 0) return null;
  const withFirst = (count: number): WaitGraph => {
    const copy: WaitGraph = { pipeline: graph.pipeline, stageOf: graph.stageOf, blockers: new Map([...graph.blockers].map(([k, v]) => [k, [...v]])) };
    for (const edge of fresh.slice(0, count)) addEdge(copy, edge);
    return copy;
  };
  if (!hasCycle(withFirst(fresh.length))) return null;
  // The smallest prefix with a cycle: its last edge is the one that closed it.
  let low = 1;
  let high = fresh.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (hasCycle(withFirst(mid))) high = mid;
    else low = mid + 1;
  }
  const edge = fresh[low - 1];
  return edge ? { edge, before: withFirst(low - 1) } : null;
}

function cycleError(graph: WaitGraph, edge: Dependency): BoardError {
  const path = findPath(graph, edge.blockedBy, edge.taskId);
  const cycle = path ? describeCycle(graph, [edge.taskId, ...path.ids], path.hop) : `a cycle through #${edge.taskId}`;
  return new BoardError('cycle', `adding #${edge.blockedBy} as a blocker of #${edge.taskId} would create ${cycle}`);
}

/** Refuse moving a task to `stage` when stage order and its dependencies would then wait on each other. */
export async function checkStageMove(tx: Tx, runId: number, taskId: number, stage: string | null): Promise<void> {
  const graph = await loadGraph(tx, runId);
  graph.stageOf.set(taskId, stage);
  if (!hasCycle(graph)) return;
  const path = findPath(graph, taskId, taskId);
  if (path) throw new BoardError('cycle', `moving #${taskId} to stage ${stage} would create ${describeCycle(graph, path.ids, path.hop)}`);
}
