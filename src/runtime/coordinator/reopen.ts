import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board } from '../../board/board.js';
import type { Run } from '../../board/types.js';

/**
 * A run a person stopped (a rejected approval, Stop at a failed gate or at a stuck task) and then
 * resumed: resuming is how they go on, so what they stopped at is put to them again. Left as it
 * was, a stopped gate holds its stage for good and a stuck task asks the same question at once.
 * A stopped gate is closed again (an approval is asked again; a metric gate is judged again and,
 * failing, asks again); a task stopped as stuck is retried, as the stop said ("fix it, then resume").
 */
export async function reopenOnResume(board: Board, run: Run): Promise<void> {
  if (run.status !== 'stopped' && run.status !== 'failed') return;
  for (const gate of await board.listGates(run.id)) {
    if (gate.status !== 'stopped') continue;
    const was = [gate.detail ?? 'stopped', gate.note].filter((part) => part !== null && part !== '').join(': ');
    await board.setGateStatus(run.id, gate.id, 'closed', `asked again: the run was resumed after it was ${was}`, coordinatorActor);
  }
  if (run.status !== 'failed') return;
  const open = await board.listQuestions(run.id, 'open');
  const asked = new Set(open.flatMap((q) => (q.kind === 'stuck' && q.taskId !== null ? [q.taskId] : [])));
  for (const task of await board.listTaskRows(run.id)) {
    if (task.metadata.needs_help !== true || task.status === 'completed' || asked.has(task.id)) continue;
    await board.updateTask(run.id, task.id, { metadata: { needs_help: null, retried: 'retried when the run was resumed' } }, coordinatorActor);
  }
}
