import os from 'node:os';
import path from 'node:path';
import type { SandboxSettings } from '../sandbox/config.js';
import { CONTROL_ENV_NAMES } from '../sandbox/env.js';
import type { ToolUseBlock } from '../models/model.js';
import type { ToolContext } from '../tools/tool.js';
import type { MemberRuntime } from './member.js';
import { bashPatterns, decidePermission, type WriteLimits } from './permissions.js';

/** Without settings from the run (tests that build members by hand), commands run in the sandbox with its defaults. */
const DEFAULT_SANDBOX: SandboxSettings = { mode: 'bwrap' };

/**
 * The context of one tool call of a member. For Bash: how the run's commands are sandboxed, the
 * variables they may get, the member's patterns as they stand now (definition, team file, and what
 * the person allowed in this run) and the hook that turns a refusal into a permission question.
 */
export async function toolContextFor(member: MemberRuntime, use: ToolUseBlock, signal: AbortSignal | undefined): Promise<ToolContext> {
  const { env, cfg } = member;
  const ctx: ToolContext = {
    board: env.board,
    runId: env.runId,
    member: cfg.name,
    role: cfg.role,
    workspace: env.workspace,
    clock: env.clock,
    backend: env.backend,
    toolUseId: use.id,
    ...(signal ? { signal } : {}),
    runtime: { currentTask: () => member.currentTask },
  };
  if (use.name !== 'Bash') return ctx;
  const settings = env.sandbox ?? DEFAULT_SANDBOX;
  const questions = (await env.board.listQuestions(env.runId)).filter((q) => q.kind === 'permission' && q.askedBy === cfg.name);
  const patterns = bashPatterns(cfg, env.config, questions);
  const writes = writeLimits(settings, env.workspace);
  ctx.env = await commandVariables(member);
  ctx.sandbox = settings;
  // Without a sandbox an unrestricted member's writes are still checked ('*' lets every command through).
  if (patterns !== null) ctx.bashPatterns = patterns;
  else if (writes !== null) ctx.bashPatterns = ['*'];
  const scope = { board: env.board, runId: env.runId, member: cfg, config: env.config, toolUseId: use.id, taskId: member.currentTask, writes };
  ctx.requestPermission = (request) => decidePermission(scope, request);
  return ctx;
}

/**
 * Where a command may write without asking. In the sandbox nothing: its mounts decide (the workspace,
 * a private /tmp and `sandbox.paths.write` are writable, the rest is read-only), so asking could not
 * change the outcome. Without one: the workspace, the command's own temporary folder and home, and
 * `sandbox.paths.write`; anything else is a permission question.
 */
export function writeLimits(settings: SandboxSettings, workspace: string): WriteLimits | null {
  if (settings.mode === 'bwrap') return null;
  const home = settings.stateDir !== undefined ? path.join(settings.stateDir, 'home') : path.join(os.tmpdir(), `teamboard-home-${process.getuid?.() ?? 'user'}`);
  return { workspace, writable: [os.tmpdir(), ...(settings.paths?.write ?? [])], home };
}

/**
 * What the member's commands may take from this process's environment (the runner passes only the
 * allow-listed names, see src/sandbox/env.ts), plus what scripts may want to know of the board: the
 * run, the member, and which stages a person let through despite a failed metric gate. Nothing that
 * leads to the run's controls.
 */
async function commandVariables(member: MemberRuntime): Promise<Record<string, string>> {
  const { board, runId } = member.env;
  const overridden = (await board.listGates(runId)).filter((g) => g.status === 'overridden').map((g) => g.before);
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CONTROL_ENV_NAMES.includes(name)) variables[name] = value;
  }
  return {
    ...variables,
    TEAM_RUN_ID: String(runId),
    TEAM_MEMBER: member.cfg.name,
    TEAM_GATE_OVERRIDES: [...new Set(overridden)].join(','),
  };
}
