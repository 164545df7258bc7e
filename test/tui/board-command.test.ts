import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerBoardCommand } from '../../src/cli/commands/board.js';
import type { CommandIO } from '../../src/cli/io.js';
import { askMetric, seedBoard, type TestBoard } from './helpers.js';

let tb: TestBoard;
afterEach(() => tb?.board.close());

async function runBoard(args: string[]): Promise<{ out: string; error: unknown }> {
  let out = '';
  const io: CommandIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (out += t),
    setExitCode: () => undefined,
    cwd: () => tb.dir,
    home: () => tb.dir,
    env: { TEAM_HOME: tb.dir },
  };
  const program = new Command().exitOverride();
  registerBoardCommand(program, io, { interactive: () => false });
  try {
    await program.parseAsync(['node', 'team', 'board', ...args]);
    return { out, error: null };
  } catch (error) {
    return { out, error };
  }
}

describe('team board without a terminal', () => {
  it('prints the board once as plain text, every task listed, with how to answer a pending question', async () => {
    tb = seedBoard();
    askMetric(tb);
    const { out, error } = await runBoard(['1']);
    expect(error).toBeNull();
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^churn-project · run 1 · sim seed 7 · ● running · \S+ · \$0\.42 \/ \$5\.00 · 26k tok$/);
    expect(out).toContain('? Question q1 from mle');
    expect(out).toContain('  [Metric] Which metric should the model optimise?');
    expect(out).toContain('    2. Recall - Catch as many churners as possible');
    expect(out).toContain('  answer with: team answer 1 q1 "<option or text>"');
    expect(out).toMatch(/^Blocked \(2\) ─+$/m);
    expect(out).toContain('#6 ← #3,#5 deploy Serve the model');
    expect(out).toContain('  ds: Building the feature table');
    expect(out).toContain('● mle    ml-engineer     waiting on q1');
    expect(out).not.toContain('\u001B[');
  });

  it('defaults to the latest run and names a missing one', async () => {
    tb = seedBoard();
    expect((await runBoard([])).out).toContain('churn-project · run 1 ·');
    const { error } = await runBoard(['7']);
    expect((error as Error).message).toBe('run 7 does not exist; list runs with `team runs`');
  });
});
