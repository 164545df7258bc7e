import type { Board } from './board.js';
import { requireRun } from './runs.js';

const cacheKey = (runId: number) => `pipeline:${runId}`;

/** The run's ordered stages (immutable once the run exists, so cached per board). */
export function pipelineOf(board: Board, runId: number): string[] {
  const cached = board.statements.get(cacheKey(runId));
  if (cached) return cached as string[];
  const pipeline = requireRun(board, runId).config.pipeline ?? [];
  board.statements.set(cacheKey(runId), pipeline);
  return pipeline;
}

export function stageIndex(pipeline: string[], stage: string | null): number {
  return stage === null ? -1 : pipeline.indexOf(stage);
}

/** Stages that come before `stage`, or [] when the task has no stage. */
export function earlierStages(pipeline: string[], stage: string | null): string[] {
  const index = stageIndex(pipeline, stage);
  return index <= 0 ? [] : pipeline.slice(0, index);
}
