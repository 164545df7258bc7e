import { afterEach, beforeEach, expect, it } from 'vitest';
import { coordinator } from '../../src/board/actor.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

// Members run by `team worker` processes: which process runs each one, and its heartbeat.
let t: TestBoard;
const LEASE = 60_000;

beforeEach(async () => {
  t = await createTestBoard();
});

afterEach(async () => {
  await t.cleanup();
});

it('a worker takes members all or none, and is refused (naming the worker) while a live one runs any of them', async () => {
  expect(await t.board.claimMembers(t.runId, 'worker A', ['ds', 'mle'], LEASE)).toEqual({ ok: true });
  const ds = await t.board.getMember(t.runId, 'ds');
  expect(ds).toMatchObject({ worker: 'worker A' });
  expect(ds?.workerBeatAt).toBeGreaterThan(0);

  const refused = await t.board.claimMembers(t.runId, 'worker B', ['mlops', 'mle'], LEASE);
  expect(refused).toMatchObject({ ok: false, member: 'mle', worker: 'worker A' });
  // All or none: mlops was not taken either.
  expect((await t.board.getMember(t.runId, 'mlops'))?.worker).toBeNull();
  // The same worker asking again is fine.
  expect(await t.board.claimMembers(t.runId, 'worker A', ['ds'], LEASE)).toEqual({ ok: true });
});

it('a member whose worker stopped beating for the lease may be taken by another', async () => {
  await t.board.claimMembers(t.runId, 'worker A', ['ds'], LEASE);
  // A lease of 0 ms: any beat in the past has lapsed.
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(await t.board.claimMembers(t.runId, 'worker B', ['ds'], 0)).toEqual({ ok: true });
  expect(await t.board.beatWorker(t.runId, 'worker A')).toEqual([]);
  expect(await t.board.beatWorker(t.runId, 'worker B')).toEqual(['ds']);
});

it('a driver known to be dead is taken over at once, its heartbeat still fresh, and the crash recorded', async () => {
  await t.board.claimRun(t.runId, 'pid 1 on here', 1, coordinator);
  expect(await t.board.claimRun(t.runId, 'pid 2 on here', 2, coordinator)).toMatchObject({ ok: false, driver: 'pid 1 on here' });
  // Naming another driver as dead changes nothing.
  expect(await t.board.claimRun(t.runId, 'pid 2 on here', 2, coordinator, 'pid 9 on here')).toMatchObject({ ok: false });
  expect(await t.board.claimRun(t.runId, 'pid 2 on here', 2, coordinator, 'pid 1 on here')).toEqual({ ok: true, takenOver: 'pid 1 on here' });
  const crashed = (await t.board.listEvents(t.runId)).filter((e) => e.type === 'run.crashed');
  expect(crashed.map((e) => e.payload)).toEqual([{ driver: 'pid 1 on here', lastBeat: expect.any(Number) }]);
  expect(await t.board.beatRun(t.runId, 'pid 1 on here')).toBe(false);
});

it("the run's driver may take any member back", async () => {
  await t.board.claimRun(t.runId, 'driver', 1, coordinator);
  await t.board.claimMembers(t.runId, 'worker A', ['ds'], LEASE);
  expect(await t.board.claimMembers(t.runId, 'driver', ['ds', 'mle'], LEASE)).toEqual({ ok: true });
  expect((await t.board.listMembers(t.runId)).map((m) => [m.name, m.worker])).toEqual([
    ['ds', 'driver'],
    ['mle', 'driver'],
    ['mlops', null],
  ]);
});

it('beats move the heartbeat of the members a worker runs; releasing lets them go', async () => {
  await t.board.claimMembers(t.runId, 'worker A', ['ds', 'mlops'], LEASE);
  const before = (await t.board.getMember(t.runId, 'ds'))?.workerBeatAt ?? 0;
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(await t.board.beatWorker(t.runId, 'worker A')).toEqual(['ds', 'mlops']);
  expect((await t.board.getMember(t.runId, 'ds'))?.workerBeatAt).toBeGreaterThan(before);

  await t.board.releaseWorker(t.runId, 'worker A');
  expect((await t.board.listMembers(t.runId)).map((m) => [m.name, m.worker, m.workerBeatAt])).toEqual([
    ['ds', null, null],
    ['mle', null, null],
    ['mlops', null, null],
  ]);
  expect(await t.board.beatWorker(t.runId, 'worker A')).toEqual([]);
});

it('an unknown member is a one-line error naming the members', async () => {
  await expect(t.board.claimMembers(t.runId, 'worker A', ['ds', 'nobody'], LEASE)).rejects.toThrow(`run ${t.runId} has no member named nobody; its members: ds, mle, mlops`);
  expect((await t.board.getMember(t.runId, 'ds'))?.worker).toBeNull();
});
