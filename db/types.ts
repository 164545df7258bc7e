/**
 * The shapes stored on the board, shared by every backend's schema. Pure types: the JSON columns
 * are typed with these, and `src/board/types.ts` re-exports them for the rest of the app.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type RunStatus = 'running' | 'paused' | 'completed' | 'failed' | 'stopped';
export type Backend = 'sim' | 'anthropic' | 'replay';
export type MemberStatus = 'starting' | 'working' | 'waiting' | 'idle' | 'stopped' | 'dead';
export type TaskStatus = 'pending' | 'in_progress' | 'completed';
/** A question is open until someone answers it (or it is cancelled). */
export type QuestionStatus = 'open' | 'answered' | 'cancelled';
export type QuestionKind = 'agent' | 'gate' | 'approval' | 'budget' | 'stuck' | 'permission';
/** Who gave an answer: a person at the board, a person through the CLI, --auto-answer, or a replayed tape. */
export type AnsweredBy = 'human' | 'cli' | 'auto' | 'tape';
/** `closed` until checked; `waiting` for a person; then passed, failed, overridden or stopped. */
export type GateStatus = 'closed' | 'waiting' | 'passed' | 'failed' | 'overridden' | 'stopped';

/** What a gate checks: a metric recorded on a task, or a person's approval. */
export type GateSpec =
  | {
      kind: 'metric';
      /** The team-file id (key) of the task whose metadata.metrics is checked. */
      task: string;
      metric: string;
      min?: number;
      max?: number;
      beatBaseline?: boolean;
      /** Task keys recreated by a retrain (default: the checked task). */
      retrain?: string[];
    }
  | { kind: 'approval'; question?: string };

export interface QuestionOption {
  label: string;
  description: string;
  /** What a choice means to code (a config value, a decision); the label when absent. */
  value?: string;
}

export interface QuestionItem {
  question: string;
  header: string;
  options: QuestionOption[];
  multiSelect: boolean;
}

/** What the person needs to see to decide a question that is not an agent's own. */
export interface QuestionContext {
  taskId?: number;
  /** One line: why the question is asked. */
  cause?: string;
  /** The command a permission is asked for. */
  command?: string;
  /** The pattern "allow for the rest of the run" would add. */
  pattern?: string;
  /** Last lines of the failing output. */
  output?: string[];
  /** Workspace files worth reading before answering. */
  files?: string[];
}

/** What AskUserQuestion (or the coordinator) puts on the board. */
export interface QuestionPayload {
  questions: QuestionItem[];
  context?: QuestionContext;
}

/** The answer to one part of a question: the options picked, and/or the person's own words. */
export interface AnswerPart {
  question: string;
  /** Labels of the picked options, in option order; empty when the person wrote their own answer. */
  picked: string[];
  /** The person's own words (no option picked), or a note added to a pick (a condition on an approval). */
  text: string | null;
}

export type Answers = AnswerPart[];

/** The simulated model's script for a task (team file `sim:`). Never shown to a real model. */
export interface SimScript {
  steps: JsonObject[];
  retrain_steps?: JsonObject[];
  work_ms?: number;
}

export interface MemberConfig {
  name: string;
  agent: string;
  role: string;
  model: string;
  /** The agent definition's body: the member's own instructions. */
  instructions: string;
  /** Tool names the member gets (board tools are always added). */
  tools: string[];
  /** `Bash(...)` patterns when the definition limits Bash to some commands. */
  bashPatterns?: string[];
  /** Run by a process outside teamboard (an MCP client) rather than by the runtime. */
  external?: boolean;
}

export interface SandboxConfig {
  network?: boolean;
  env?: string[];
  /** Absolute paths (the loader resolves `~/` and paths relative to the team file). */
  paths?: { read?: string[]; write?: string[]; hide?: string[] };
  /** Bash patterns allowed without asking, per member name (`*` for everyone). */
  allow?: Record<string, string[]>;
  limits?: { processes?: number; memoryMb?: number; fileSizeMb?: number; tmpSizeMb?: number; outputMb?: number };
}

/** What a run keeps of its team, so a resume does not depend on files that may have changed. */
export interface RunConfig {
  team: string;
  description: string;
  pipeline: string[];
  members: MemberConfig[];
  gates: { before: string; spec: GateSpec }[];
  teamFile: string;
  sandbox?: SandboxConfig;
  /** The run's Bash commands run without an OS sandbox (none available, or --no-sandbox). */
  unsandboxed?: boolean;
  /** Wall-clock time the workspace was made: files changed since are the team's (the template's copies keep their own times). */
  workspaceSince?: number;
}

/** A tool call started and not yet answered, kept so a resume can report it as interrupted. */
export interface StoredTurn {
  assistant: { role: 'assistant'; content: JsonObject[] };
  results: Record<string, { content: string; isError: boolean }>;
  started: string[];
  question: { useId: string; questionId: number } | null;
}
