/**
 * A team whose tasks have no `sim:` steps is a dry run. Every view a person reads says so with
 * the one notion of a simulated task (completed, `simulated` in its metadata), not the board and
 * the export alone; and the sim backend's tokens and cost are labelled as estimates.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, team, tempDir, write } from '../helpers/runtime.js';

const TEAM = `name: chores
description: Two chores with no script for the simulated model.
members:
  - { name: cleo, agent: ../agents/helper.md }
pipeline: [one, two]
tasks:
  - id: sweep
    subject: Sweep the floor
    description: Sweep it.
    stage: one
  - id: mop
    subject: Mop the floor
    description: Mop it after sweeping.
    stage: two
`;

const HELPER = `---
name: helper
description: Does chores.
---
Do the chore.
`;

const DRY = 'dry run: nothing was done (2 of 2 tasks simulated)';

let cwd = '';
let start = { stdout: '', stderr: '', exitCode: 0 as number | undefined };

beforeAll(async () => {
  await ensureBuilt();
  cwd = tempDir('teamboard-dry-run-');
  write(cwd, 'agents/helper.md', HELPER);
  write(cwd, 'teams/chores.yaml', TEAM);
  start = await team(cwd, ['start', 'chores', '--headless', '--instant', '--auto-answer']);
}, 120_000);

afterAll(() => {
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

describe('a dry run is labelled everywhere (built CLI)', () => {
  it('the end-of-run summary says nothing was done and that tokens are estimates', () => {
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^Run 1 \(chores\) completed \(dry run\)(: .*)?$/m);
    expect(start.stdout).toMatch(/^ {2}tasks {6}2\/2 completed \(2 simulated\)/m);
    expect(start.stdout).toContain(`\n  ${DRY}\n`);
    expect(start.stdout).toMatch(/^ {2}tokens .*\(sim estimate\)$/m);
  });

  it('team runs labels the run and its spend; --json carries booleans', async () => {
    const runs = await team(cwd, ['runs']);
    expect(runs.stdout).toMatch(/^1 +chores +completed \(dry run\) +sim .*\$\d+\.\d\d \(sim estimate\)$/m);
    expect(runs.stdout).toContain(`run 1: ${DRY}`);
    const json = JSON.parse((await team(cwd, ['runs', '--json'])).stdout) as unknown;
    expect(json).toEqual([expect.objectContaining({ dryRun: true, estimated: true, tasks: { done: 2, total: 2, simulated: 2 } })]);
  });

  it('team status labels the run, its spend and each task; --json carries booleans', async () => {
    const status = await team(cwd, ['status']);
    const [first, second] = status.stdout.split('\n');
    expect(first).toMatch(/^Run 1 {2}chores {2}completed \(dry run\)/);
    expect(second).toBe(`  ${DRY}`);
    expect(status.stdout).toMatch(/cost \$\d+\.\d{4} \(sim estimate\)/);
    expect(status.stdout.match(/● completed \(simulated\)/g)).toHaveLength(2);
    const json = JSON.parse((await team(cwd, ['status', '--json'])).stdout) as { run: unknown; totals: unknown; tasks: unknown[] };
    expect(json.run).toMatchObject({ dryRun: true, simulatedTasks: 2 });
    expect(json.totals).toMatchObject({ estimated: true });
    expect(json.tasks).toEqual([1, 2].map((id) => expect.objectContaining({ id, status: 'completed', simulated: true })));
  });

  it('team tasks list and get label each simulated task', async () => {
    const list = await team(cwd, ['tasks', 'list']);
    expect(list.stdout.split('\n')[0]).toBe(`Run 1 (chores, completed) - ${DRY}`);
    expect(list.stdout.match(/● completed \(simulated\)/g)).toHaveLength(2);
    const json = JSON.parse((await team(cwd, ['tasks', 'list', '--json'])).stdout) as { tasks: unknown[] };
    expect(json.tasks).toEqual([1, 2].map((id) => expect.objectContaining({ id, simulated: true })));
    expect((await team(cwd, ['tasks', 'get', '1'])).stdout).toMatch(/status: +completed \(simulated\)/);
  });
});
