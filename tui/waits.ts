import type { BoardSnapshot, SnapshotMember, StageProgress } from '../src/board/snapshot.js';
import type { TaskSummary } from '../src/board/types.js';
import { idList } from './format.js';

/** How many stage blockers the board lists per task (STAGE_BLOCKERS_SHOWN in src/board/rules/views.ts). */
const STAGE_BLOCKERS_SHOWN_ON_BOARD = 10;

/**
 * What a task or a member waits for, in a few words: the task's own blockers, the stage it waits
 * to finish ("after data"), a gate. The board lists stage blockers after a task's own blockers
 * (TaskSummary.blockedBy), so the own ones are the first.
 */
export function ownBlockers(task: TaskSummary): number[] {
  const stage = Math.min(task.stageWaits, STAGE_BLOCKERS_SHOWN_ON_BOARD, task.blockedBy.length);
  return task.blockedBy.slice(0, task.blockedBy.length - stage);
}

/** The latest earlier stage with unfinished tasks ("after features" implies data too): null when none. */
export function stageWait(task: Pick<TaskSummary, 'stage' | 'stageWaits'>, pipeline: readonly string[], stages: readonly StageProgress[]): string | null {
  if (task.stageWaits === 0 || task.stage === null) return null;
  const index = pipeline.indexOf(task.stage);
  if (index <= 0) return null;
  for (let i = index - 1; i >= 0; i--) {
    const progress = stages.find((s) => s.stage === pipeline[i]);
    if (progress && progress.done < progress.total) return pipeline[i] ?? null;
  }
  return null;
}

/** A gate text from the board ("human approval before deploy (waiting)") in two or three words. */
export function gateShort(gate: string): string {
  if (/approval/.test(gate)) return 'approval';
  const metric = /^\S+\s+(\S+)\s*(>=|<=)\s*([\d.]+)/.exec(gate);
  if (metric) return `${metric[1]} ${metric[2] === '>=' ? '≥' : '≤'} ${metric[3]}`;
  return 'a gate';
}

/** What keeps a blocked task from starting: `#9 · after data · approval`. */
export function blockedText(task: TaskSummary, snapshot: Pick<BoardSnapshot, 'run' | 'stages'>): string {
  const parts: string[] = [];
  const own = ownBlockers(task);
  if (own.length > 0) parts.push(idList(own, 3));
  const stage = stageWait(task, snapshot.run.pipeline, snapshot.stages);
  if (stage !== null) parts.push(`after ${stage}`);
  if (task.gate !== undefined) parts.push(`gate: ${gateShort(task.gate)}`);
  if (parts.length === 0 && task.blockedBy.length > 0) parts.push(idList(task.blockedBy, 3));
  return parts.join(' · ');
}

/** What an idle member waits for, in a few words, from the tasks of its role. */
export function memberWaitText(member: SnapshotMember, snapshot: Pick<BoardSnapshot, 'run' | 'stages' | 'tasks'>): string {
  if (snapshot.run.status === 'paused') return 'paused with the run';
  const mine = (t: TaskSummary) => t.role === member.role || t.owner === member.name;
  const ready = snapshot.tasks.ready.find(mine);
  if (ready) return `#${ready.id} is ready for it`;
  const blocked = snapshot.tasks.blocked.find(mine);
  if (blocked) return `next #${blocked.id} ← ${blockedText(blocked, snapshot)}`;
  if (snapshot.tasks.in_progress.some((t) => t.role === member.role)) return 'others of its role are on it';
  if (snapshot.tasks.done.some(mine)) return 'its tasks are done';
  return 'no task for its role';
}
