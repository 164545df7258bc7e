import type { Dependency } from '../types.js';

/**
 * What waits for what in a run: explicit blockedBy edges, and stage order (a task of a stage waits
 * for every task of earlier stages). Held in memory so a change set is checked in one pass.
 */
export interface WaitGraph {
  pipeline: string[];
  stageOf: Map<number, string | null>;
  /** task -> the tasks it is blocked by (explicit edges). */
  blockers: Map<number, number[]>;
}

export function buildWaitGraph(pipeline: string[], stages: { id: number; stage: string | null }[], deps: Dependency[]): WaitGraph {
  const graph: WaitGraph = { pipeline, stageOf: new Map(), blockers: new Map() };
  for (const t of stages) graph.stageOf.set(t.id, t.stage);
  for (const d of deps) addEdge(graph, d);
  return graph;
}

export function addEdge(graph: WaitGraph, edge: Dependency): void {
  const list = graph.blockers.get(edge.taskId);
  if (list) list.push(edge.blockedBy);
  else graph.blockers.set(edge.taskId, [edge.blockedBy]);
}

export function hasEdge(graph: WaitGraph, edge: Dependency): boolean {
  return graph.blockers.get(edge.taskId)?.includes(edge.blockedBy) ?? false;
}

function stageIndex(graph: WaitGraph, id: number): number {
  const stage = graph.stageOf.get(id) ?? null;
  return stage === null ? -1 : graph.pipeline.indexOf(stage);
}

/**
 * Whether the graph has a cycle, in O(tasks + edges): stage order is modelled with one node per
 * stage ("every task of stage i is done"), so it adds O(tasks) edges instead of O(tasks²).
 */
export function hasCycle(graph: WaitGraph): boolean {
  const stageCount = graph.pipeline.length;
  const ids = [...graph.stageOf.keys()];
  // Nodes: tasks by id; stage nodes as negative numbers -(index + 1).
  const waitsFor = new Map<number, number[]>();
  const push = (from: number, to: number): void => {
    const list = waitsFor.get(from);
    if (list) list.push(to);
    else waitsFor.set(from, [to]);
  };
  for (const id of ids) {
    for (const b of graph.blockers.get(id) ?? []) push(id, b);
    const index = stageIndex(graph, id);
    if (index > 0) push(id, -index); // waits for stage node index-1, i.e. -(index-1+1)
    if (index >= 0) push(-(index + 1), id);
  }
  for (let i = 1; i < stageCount; i++) push(-(i + 1), -i);
  // Kahn's algorithm on the reversed direction: count how many nodes wait for each node.
  const indegree = new Map<number, number>();
  const nodes = new Set<number>(ids);
  for (let i = 0; i < stageCount; i++) nodes.add(-(i + 1));
  for (const [from, list] of waitsFor) {
    nodes.add(from);
    for (const to of list) {
      nodes.add(to);
      indegree.set(to, (indegree.get(to) ?? 0) + 1);
    }
  }
  const queue = [...nodes].filter((n) => (indegree.get(n) ?? 0) === 0);
  let seen = 0;
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    seen++;
    for (const to of waitsFor.get(node) ?? []) {
      const left = (indegree.get(to) ?? 0) - 1;
      indegree.set(to, left);
      if (left === 0) queue.push(to);
    }
  }
  return seen < nodes.size;
}

export interface WaitPath {
  /** From `start` to `target`, each task waiting for the next. */
  ids: number[];
  /** The first step taken because of stage order rather than an explicit blockedBy edge. */
  hop: [number, number] | null;
}

/** Breadth-first search of "waits for" steps from `start` to `target` (start itself does not count as reaching it). */
export function findPath(graph: WaitGraph, start: number, target: number): WaitPath | null {
  const byStage: number[][] = graph.pipeline.map(() => []);
  for (const [id] of graph.stageOf) byStage[stageIndex(graph, id)]?.push(id);
  for (const list of byStage) list.sort((a, b) => a - b);
  const parent = new Map<number, { from: number | null; hop: boolean }>([[start, { from: null, hop: false }]]);
  const queue = [start];
  let expandedBelow = 0;
  const trace = (from: number, hop: boolean): WaitPath => {
    const steps: { id: number; hop: boolean }[] = [{ id: target, hop }];
    for (let at: number | null = from; at !== null; at = parent.get(at)?.from ?? null) steps.unshift({ id: at, hop: parent.get(at)?.hop ?? false });
    const index = steps.findIndex((s, i) => i > 0 && s.hop);
    const first = steps[index - 1];
    const hopStep = steps[index];
    return { ids: steps.map((s) => s.id), hop: index > 0 && first && hopStep ? [first.id, hopStep.id] : null };
  };
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as number;
    const next: { id: number; hop: boolean }[] = (graph.blockers.get(id) ?? []).map((b) => ({ id: b, hop: false }));
    const index = stageIndex(graph, id);
    // Every task of stages below `expandedBelow` is already queued: only newer stages add anything.
    for (; expandedBelow < index; expandedBelow++) {
      for (const t of byStage[expandedBelow] ?? []) next.push({ id: t, hop: true });
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

export function describeCycle(graph: WaitGraph, ids: number[], hop: WaitPath['hop']): string {
  const chain = ids.map((id) => `#${id}`).join(' -> ');
  if (!hop) return `a cycle: ${chain}`;
  const [late, early] = hop;
  return `a cycle through stage order: ${chain} (#${late} is in stage ${graph.stageOf.get(late) ?? 'none'}, which waits for every task of stage ${graph.stageOf.get(early) ?? 'none'})`;
}
