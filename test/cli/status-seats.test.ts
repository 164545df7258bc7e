import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { showStatus } from '../../src/cli/commands/runs-actions.js';
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
