import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerBoardCommand } from '../../src/cli/commands/board.js';
import type { CommandIO } from '../../src/cli/io.js';
import { askMetric, seedBoard, type TestBoard } from './helpers.js';

let tb: TestBoard;
afterEach(async () => {
  await tb?.close();
});

async function runBoard(args: string[], env: NodeJS.ProcessEnv = { TEAM_HOME: tb.dir }, cwd = tb.dir): Promise<{ out: string; error: unknown; code: number }> {
  let out = '';
  let code = 0;
  const io: CommandIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (out += t),
    setExitCode: (c) => void (code = c),
    cwd: () => cwd,
    home: () => cwd,
    env,
  };
  const program = new Command().exitOverride();
  registerBoardCommand(program, io, { interactive: () => false });
  try {
    await program.parseAsync(['node', 'team', 'board', ...args]);
    return { out, error: null, code };
  } catch (error) {
    return { out, error, code };
  }
}

describe('team board without a terminal', () => {
  it('prints the board once as plain text, every task listed, with how to answer a pending question', async () => {
    tb = await seedBoard();
    await askMetric(tb);
    const { out, error } = await runBoard(['1']);
    expect(error).toBeNull();
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^churn-project · run 1 · (sim seed 7 · )?● running \S+ · 2\/6 (tasks )?done · \$0\.42 \/ \$5\.00 · 26k tok/);
    expect(out).toContain(`workspace ${tb.dir}/ws`);
    expect(out).toContain('? Question q1 from mle');
    expect(out).toContain('  [Metric] Which metric should the model optimise?');
    expect(out).toContain('    2. Recall - Catch as many churners as possible');
    expect(out).toContain('  answer with: team answer 1 q1 "<option or text>"');
    expect(out).toMatch(/^Ready \(1\) ─+$/m);
    expect(out).toMatch(/^Blocked \(2\) ─+$/m);
    expect(out).toContain('#6 deploy Serve the model\n  ← after training · gate: approval');
    expect(out).toContain('  ds: Building the feature table');
    expect(out).toContain('● mle    ml-engineer     waits on you: q1');
    expect(out).not.toContain('\u001B[');
  });

  it('defaults to the latest run and names a missing one', async () => {
    tb = await seedBoard();
    expect((await runBoard([])).out).toContain('churn-project · run 1 ·');
    expect(await runBoard(['7'])).toMatchObject({ out: 'team: run 7 does not exist; list runs with `team runs`\n', error: null, code: 1 });
  });

  it('finds the board in a parent folder, and creates none where there is none', async () => {
    tb = await seedBoard();
    // A project whose .team/ is the seeded board's folder, used from a folder deep inside it.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-project-'));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-empty-'));
    try {
      fs.symlinkSync(tb.dir, path.join(project, '.team'));
      const nested = path.join(project, 'src', 'deep');
      fs.mkdirSync(nested, { recursive: true });
      expect((await runBoard(['1'], {}, nested)).out).toContain('churn-project · run 1 ·');

      expect(await runBoard([], {}, empty)).toMatchObject({
        out: `team: no board here: no .team/ in ${empty} or its parents; start a run with \`team start churn-project\`\n`,
        code: 1,
      });
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
