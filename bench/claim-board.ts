import { human } from '../src/board/actor.js';
import { createTestBoard, type TestBoard } from '../test/helpers/board.js';

/** The run both board benches claim on (SQLite and PostgreSQL), so their figures compare. */
export const PIPELINE = ['data', 'features', 'training'];
export const EARLY_TASKS = 20;
export const MEMBER = { name: 'mle', role: 'ml-engineer' };

/**
 * A run shaped like the demo: completed data and features tasks, a passed gate before training, and
 * `count` training tasks for ml-engineers, each with one (completed) explicit blocker. `where` is a
 * folder for a SQLite file or a PostgreSQL URL.
 */
export async function claimBoard(where: { dir: string } | { location: string }, count: number): Promise<{ t: TestBoard; ids: number[] }> {
  const t = await createTestBoard({ ...where, pipeline: PIPELINE, members: [MEMBER, { name: 'ds', role: 'data-scientist' }] });
  const ds = t.as('ds');
  for (let i = 1; i <= EARLY_TASKS; i++) {
    const id = (await t.board.createTask(t.runId, { subject: `Early ${i}`, stage: i <= EARLY_TASKS / 2 ? 'data' : 'features' }, human)).id;
    await t.board.updateTask(t.runId, id, { status: 'in_progress' }, ds);
    await t.board.updateTask(t.runId, id, { status: 'completed' }, ds);
  }
  const gate = await t.board.addGate(t.runId, { before: 'training', spec: { kind: 'approval' } }, human);
  await t.board.setGateStatus(t.runId, gate.id, 'passed', null, human, 'human');
  const created = await t.board.createTasks(
    t.runId,
    Array.from({ length: count }, (_, i) => ({ subject: `Train ${i}`, stage: 'training', role: MEMBER.role, blockedBy: [(i % EARLY_TASKS) + 1] })),
    human,
  );
  return { t, ids: created.map((task) => task.id) };
}
