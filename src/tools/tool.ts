import type { z } from 'zod';
import type { Board } from '../board/board.js';
import type { Backend } from '../board/types.js';
import type { SandboxSettings } from '../sandbox/config.js';
import type { PermissionDecision, PermissionRequest } from '../sandbox/permission.js';
import type { Clock } from '../shared/clock.js';

/** What a tool knows about the caller and the run it works in. */
export interface ToolContext {
  board: Board;
  runId: number;
  member: string;
  role: string | null;
  /** Absolute, realpath'd workspace root of the run. */
  workspace: string;
  clock: Clock;
  /** The run's model backend: only the simulated model may see a task's sim script. Absent in plain tool tests. */
  backend?: Backend;
  /** Aborted when the member's step is cut short (the run stops, its lease expires): running commands are killed. */
  signal?: AbortSignal;
  /** Environment for child processes (already stripped of secrets). */
  env?: Record<string, string>;
  /** When the agent's definition limits Bash (`Bash(git:*)`), the patterns a command must match. */
  bashPatterns?: readonly string[];
  /** How Bash runs commands (docs/security.md). Absent: in the bubblewrap sandbox with the default settings. */
  sandbox?: SandboxSettings;
  /** Asks the person for a permission the agent lacks (a refused command); absent: the refusal is the result. */
  requestPermission?: (request: PermissionRequest) => Promise<PermissionDecision>;
  /** The id of the tool_use block being answered (links an AskUserQuestion call to its board question). */
  toolUseId?: string;
  /** Hooks the runtime provides; absent in plain tool tests. */
  runtime?: ToolRuntime;
}

export interface ToolRuntime {
  /** The task the member is working on, if any (questions and usage are attributed to it). */
  currentTask(): number | null;
}

/** A tool result: JSON text for the model, flagged when it is an error. */
export interface ToolResult {
  content: string;
  isError: boolean;
  /** Set by AskUserQuestion (its answer becomes the result) and by Bash asking a permission (the call runs again once it is answered): the member waits for this board question. */
  awaitsQuestion?: number;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  inputSchema: S;
  execute(input: z.infer<S>, ctx: ToolContext): Promise<ToolResult> | ToolResult;
}

export function ok(value: unknown): ToolResult {
  return { content: typeof value === 'string' ? value : JSON.stringify(value), isError: false };
}

export function fail(message: string): ToolResult {
  return { content: JSON.stringify({ error: message }), isError: true };
}

export function defineTool<S extends z.ZodType>(tool: Tool<S>): Tool<S> {
  return tool;
}
