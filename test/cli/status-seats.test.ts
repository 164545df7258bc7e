import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { openBoard } from '../../src/board/open.js';
import type { MemberConfig } from '../../src/board/types.js';
import { showRuns, showStatus } from '../../src/cli/commands/runs-actions.js';
import type { CommandIO } from '../../src/cli/io.js';
import { tempDir } from '../helpers/board.js';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const member = (name: string, role: string, extra: Partial<MemberConfig> = {}): MemberConfig => ({ name, agent: role, role, model: 'sim', instructions: '', tools: [], ...extra });

/** A board file with run 1 of these members, then `prepare` on it; what `team status` and `team runs` print then. */
async function printed(members: MemberConfig[], prepare: (board: Board) => Promise<void> = async () => undefined) {
  dir = tempDir('teamboard-status-');
  const file = path.join(dir, 'board.db');
  const board = await openBoard(file);
  try {
    const run = await board.createRun({ team: 't', backend: 'sim', workspace: dir, config: { team: 't', description: '', pipeline: [], members, gates: [], teamFile: '' } }, human);
    for (const m of members) await board.addMember(run.id, { name: m.name, agent: m.agent, role: m.role, model: 'sim' }, human);
    await prepare(board);
  } finally {
    await board.close();
  }
  let out = '';
  const io: CommandIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), setExitCode: () => undefined, cwd: () => dir, home: () => dir, env: {} };
  await showStatus(io, file, '1', {});
  const status = out;
  out = '';
  await showRuns(io, file, {});
  return { status, runs: out };
}

it('team status shows a seat nobody took yet as an open seat, with the whole command that takes it', async () => {
  const { status } = await printed([member('ds', 'data-scientist'), member('release-reviewer', 'reviewer', { external: true })]);
  const row = status.split('\n').find((line) => line.trim().startsWith('release-reviewer'));
  expect(row).toMatch(/^ {2}release-reviewer +reviewer +open seat +- +0 +\$0\.0000 +join with: team mcp --run 1 --as release-reviewer$/);
  expect(status.split('\n').find((line) => line.trim().startsWith('ds '))).toMatch(/^ {2}ds +data-scientist +starting /);
});

it('a crashed run whose members still run in team worker processes says to resume it with --workers-only', async () => {
  const { status, runs } = await printed([member('ds', 'data-scientist'), member('mle', 'ml-engineer')], async (board) => {
    // The coordinator drove it and is gone (its claim released, as after kill -9 once noticed); a worker still beats.
    await board.claimRun(1, 'pid 1 on elsewhere', 1, human);
    await board.releaseRun(1, 'pid 1 on elsewhere');
    await board.claimMembers(1, 'worker pid 2 on elsewhere', ['ds', 'mle'], 15_000);
  });
  expect(status).toContain('run 1 crashed: the process driving it stopped without ending it, and a `team worker` process still runs its members; go on with `team resume 1 --workers-only`');
  expect(runs).toContain('go on with `team resume 1 --workers-only`');
});

it('a crashed run whose workers hold only some members says to resume it as usual', async () => {
  const { status } = await printed([member('ds', 'data-scientist'), member('mle', 'ml-engineer')], async (board) => {
    await board.claimRun(1, 'pid 1 on elsewhere', 1, human);
    await board.releaseRun(1, 'pid 1 on elsewhere');
    await board.claimMembers(1, 'worker pid 2 on elsewhere', ['ds'], 15_000);
  });
  expect(status).toContain('run 1 crashed: the process driving it stopped without ending it; go on with `team resume 1`');
  expect(status).not.toContain('--workers-only');
});
