import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { showRuns, showStatus } from '../../src/cli/commands/runs-actions.js';
import type { CommandIO } from '../../src/cli/io.js';
import { tempDir } from '../helpers/board.js';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('team status shows a seat nobody took yet as an open seat, with the whole command that takes it', async () => {
  dir = tempDir('teamboard-seats-');
  const file = path.join(dir, 'board.db');
  const board = await openBoard(file);
  try {
    const members = [
      { name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'sim', instructions: '', tools: [] },
      { name: 'release-reviewer', agent: 'reviewer', role: 'reviewer', model: 'sim', instructions: '', tools: [], external: true },
    ];
    const run = await board.createRun({ team: 't', backend: 'sim', workspace: dir, config: { team: 't', description: '', pipeline: [], members, gates: [], teamFile: '' } }, human);
    for (const m of members) await board.addMember(run.id, { name: m.name, agent: m.agent, role: m.role, model: 'sim' }, human);
  } finally {
    await board.close();
  }
  let out = '';
  const io: CommandIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), setExitCode: () => undefined, cwd: () => dir, home: () => dir, env: {} };
  await showStatus(io, file, '1', {});
  const row = out.split('\n').find((line) => line.trim().startsWith('release-reviewer'));
  expect(row).toMatch(/^ {2}release-reviewer +reviewer +open seat +- +0 +\$0\.0000 +join with: team mcp --run 1 --as release-reviewer$/);
  expect(out.split('\n').find((line) => line.trim().startsWith('ds '))).toMatch(/^ {2}ds +data-scientist +starting /);
});

it('a crashed run whose members still run in team worker processes says to resume it with --workers-only', async () => {
  dir = tempDir('teamboard-workers-hint-');
  const file = path.join(dir, 'board.db');
  const board = await openBoard(file);
  try {
    const members = [
      { name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'sim', instructions: '', tools: [] },
      { name: 'mle', agent: 'ml-engineer', role: 'ml-engineer', model: 'sim', instructions: '', tools: [] },
    ];
    const run = await board.createRun({ team: 't', backend: 'sim', workspace: dir, config: { team: 't', description: '', pipeline: [], members, gates: [], teamFile: '' } }, human);
    for (const m of members) await board.addMember(run.id, { name: m.name, agent: m.agent, role: m.role, model: 'sim' }, human);
    // The coordinator drove it and is gone (its claim released, as after kill -9 once noticed); a worker still beats.
    await board.claimRun(run.id, 'pid 1 on elsewhere', 1, human);
    await board.releaseRun(run.id, 'pid 1 on elsewhere');
    await board.claimMembers(run.id, 'worker pid 2 on elsewhere', ['ds', 'mle'], 15_000);
  } finally {
    await board.close();
  }
  let out = '';
  const io: CommandIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), setExitCode: () => undefined, cwd: () => dir, home: () => dir, env: {} };
  await showStatus(io, file, '1', {});
  expect(out).toContain('run 1 crashed: the process driving it stopped without ending it, and a `team worker` process still runs its members; go on with `team resume 1 --workers-only`');
  out = '';
  await showRuns(io, file, {});
  expect(out).toContain('go on with `team resume 1 --workers-only`');
});
