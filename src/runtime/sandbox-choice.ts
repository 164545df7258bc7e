import type { Backend, RunConfig } from '../board/types.js';
import { allowedTools } from '../definitions/agent-loader.js';
import type { LoadedTeam } from '../definitions/team-loader.js';
import { WORKSPACE_TOOLS } from '../definitions/tool-names.js';
import type { SandboxSettings } from '../sandbox/config.js';
import { sandboxAvailable } from '../sandbox/detect.js';
import { RuntimeError } from './errors.js';

export interface SandboxChoice {
  mode: SandboxSettings['mode'];
  /**
   * One line for the person when commands run unsandboxed, or sandboxed with only a watchdog to bound
   * their processes (root without a writable pids cgroup); null otherwise.
   */
  notice: string | null;
}

export interface SandboxChoiceOptions {
  backend: Backend;
  /** The person passed --no-sandbox. */
  noSandbox: boolean;
  /** Some member may run Bash. */
  usesBash: boolean;
}

/**
 * Whether a run's commands run in the sandbox, decided before a run is created or resumed. With
 * bubblewrap usable they always do (whatever the model), unless the person passes --no-sandbox.
 * Without it, a real model's run is refused (one line: why and the fix, or --no-sandbox): Claude's
 * commands are someone else's commands on this machine. The simulated model runs the team's own
 * scripts and a replayed tape commands that already ran once when it was recorded; they go on
 * unsandboxed, and the board shows `unsandboxed`.
 */
export async function chooseSandbox(opts: SandboxChoiceOptions): Promise<SandboxChoice> {
  if (opts.noSandbox) {
    return { mode: 'none', notice: 'team: --no-sandbox: commands run without a sandbox, with your user\'s rights; the board shows "unsandboxed"' };
  }
  if (!opts.usesBash) return { mode: 'bwrap', notice: null };
  const check = await sandboxAvailable();
  if (check.ok) return { mode: 'bwrap', notice: check.processLimit.kind === 'watchdog-only' ? `team: ${check.processLimit.line}` : null };
  if (opts.backend === 'anthropic') {
    throw new RuntimeError(`no sandbox for Claude's commands here: ${check.reason}; fix: ${check.fix}, or pass --no-sandbox to let them run unsandboxed`);
  }
  const who = opts.backend === 'sim' ? "The simulated model's" : "The replayed tape's";
  return { mode: 'none', notice: `team: no sandbox here: ${check.reason}; fix: ${check.fix}. ${who} commands run unsandboxed` };
}

/** Whether a team about to start gives some member Bash. */
export function teamUsesBash(loaded: LoadedTeam): boolean {
  return loaded.members.some((m) => allowedTools(m.agent, WORKSPACE_TOOLS).includes('Bash'));
}

/** Whether a run about to be resumed gives some member Bash. */
export function runUsesBash(config: RunConfig): boolean {
  return config.members.some((m) => m.tools.includes('Bash'));
}
