/**
 * churn-project end to end inside the sandbox: the simulated model through the built CLI, with
 * bubblewrap there, runs every script in the run's sandbox (seen from outside: a bubblewrap process
 * holding the run's workspace while the run goes, and no command run outside it), and the model is
 * packaged, served on the sandbox's loopback and smoke-tested.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { sandboxAvailable } from '../../src/sandbox/detect.js';
import { ensureBuilt, spawnTeam, tempDir } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

const check = await sandboxAvailable();
if (!check.ok) console.warn(`SKIPPING churn-project in the sandbox: bubblewrap is not usable here (${check.reason}; fix: ${check.fix})`);

let cwd = '';

beforeAll(ensureBuilt);

afterEach(() => {
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

/** Whether a bubblewrap process binds this workspace (the run's sandbox holder). */
function sandboxHolding(workspace: string): boolean {
  const bind = `\0--bind\0${workspace}\0${workspace}\0`;
  return fs.readdirSync('/proc').some((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      return cmdline.startsWith('bwrap\0') && cmdline.includes(bind);
    } catch {
      return false;
    }
  });
}

describe.skipIf(!check.ok)('churn-project inside the sandbox', () => {
  it('completes with every command sandboxed, its model served and smoke-tested', async () => {
    cwd = smallChurnProject(tempDir('teamboard-churn-sandboxed-'));
    const runDir = path.join(cwd, '.team', 'runs', '1');
    const workspace = path.join(runDir, 'workspace');
    const run = spawnTeam(cwd, ['start', 'churn-project', '--headless', '--auto-answer', '--instant']);
    let seen = false;
    const watch = setInterval(() => {
      seen ||= sandboxHolding(workspace);
    }, 50);
    const result = await run.finally(() => clearInterval(watch));
    expect(result.exitCode, String(result.stdout)).toBe(0);
    expect(String(result.stdout)).toContain('Run 1 (churn-project) completed: 12 tasks completed');
    // No line about a missing sandbox, and the run's commands ran in one.
    expect(String(result.stderr)).not.toMatch(/no sandbox|--no-sandbox/);
    expect(seen).toBe(true);
    // Unsandboxed commands get a home in the run's folder; none was ever made.
    expect(fs.existsSync(path.join(runDir, 'home'))).toBe(false);
    // The sandbox ended with the run.
    expect(sandboxHolding(workspace)).toBe(false);

    const smoke = JSON.parse(fs.readFileSync(path.join(workspace, 'reports', 'smoke.json'), 'utf8')) as { passed: boolean; checks_passed: number; checks_total: number };
    expect(smoke).toMatchObject({ passed: true });
    expect(smoke.checks_passed).toBe(smoke.checks_total);
    expect(fs.existsSync(path.join(workspace, 'deploy', 'manifest.json'))).toBe(true);

    const board = await openBoard(path.join(cwd, '.team', 'board.db'));
    try {
      expect((await board.requireRun(1)).config.unsandboxed).toBeUndefined();
    } finally {
      await board.close();
    }
  }, 120_000);
});
