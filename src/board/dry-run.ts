import type { JsonObject, TaskStatus, TaskSummary } from './types.js';

/**
 * A task the simulated model completed without a script (it marks it `simulated` in its
 * metadata): nothing real was done for it. The one notion every view of a run uses.
 */
export function wasSimulated(task: { status: TaskStatus; metadata: JsonObject }): boolean {
  return task.status === 'completed' && task.metadata.simulated === true;
}

/** Summaries (which carry no metadata) marked `simulated` from the task rows they were made from. */
export function withSimulated(summaries: TaskSummary[], rows: readonly { id: number; status: TaskStatus; metadata: JsonObject }[]): TaskSummary[] {
  const simulated = new Set(rows.filter(wasSimulated).map((t) => t.id));
  return summaries.map((s) => (simulated.has(s.id) ? { ...s, simulated: true } : s));
}

/** How much of a run's work was only simulated. */
export interface DryRun {
  /** Completed tasks that were only simulated. */
  simulated: number;
  completed: number;
  total: number;
  /** Every completed task was simulated: the run did nothing real. */
  dryRun: boolean;
}

export function dryRunOf(tasks: readonly { status: TaskStatus; simulated?: boolean }[]): DryRun {
  const completed = tasks.filter((t) => t.status === 'completed');
  const simulated = completed.filter((t) => t.simulated === true).length;
  return { simulated, completed: completed.length, total: tasks.length, dryRun: simulated > 0 && simulated === completed.length };
}

/** What a view says about simulated work, in a line; null when all work was real. */
export function dryRunText(d: DryRun): string | null {
  if (d.dryRun) return `dry run: nothing was done (${d.simulated} of ${d.total} tasks simulated)`;
  if (d.simulated > 0) return `${d.simulated} of ${d.total} tasks only simulated (nothing was done for them)`;
  return null;
}

/** A task's status as a list shows it: a simulated completion says so. */
export function taskStatusLabel(task: { status: TaskStatus; simulated?: boolean }): string {
  return task.simulated === true && task.status === 'completed' ? 'completed (simulated)' : task.status;
}

/** The simulated model's tokens and cost are made up from the text it plays: an estimate, not a bill. */
export function spendNote(backend: string): string {
  return backend === 'sim' ? ' (sim estimate)' : '';
}
