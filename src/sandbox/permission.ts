/**
 * The seam for permission questions: a tool that refuses something the agent was not allowed to do
 * asks the runtime through `ToolContext.requestPermission`, which puts the question on the board and
 * resolves with the person's decision. Without the hook the refusal is the tool's result.
 */
export interface PermissionRequest {
  tool: 'Bash';
  /** The whole command line the agent asked to run. */
  commandLine: string;
  /** The simple command (or redirection) that was not allowed, exactly as written. */
  command: string;
  /** Why it needs a permission, in one sentence for the person. */
  reason: string;
  /** A `Bash(...)` pattern that would allow it, to offer as "allow this pattern for the rest of the run". */
  suggestedPattern: string | null;
}

export type PermissionDecision =
  | { allowed: true; /** The pattern the person allowed for the rest of the run, when they did. */ pattern?: string }
  | { allowed: false; /** The person's reason, for the agent to read. */ reason?: string; /** Who decided (a person, or auto). */ by?: string }
  | PermissionPending;

/**
 * The question is on the board and nobody has answered it yet. The tool's call then waits like an
 * AskUserQuestion call (its result is marked as awaiting the question) and runs again once answered.
 */
export interface PermissionPending {
  allowed: false;
  pending: true;
  questionId: number;
}
