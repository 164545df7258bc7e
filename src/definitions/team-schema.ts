import { z } from 'zod';
import type { JsonObject, RunConfig, SandboxConfig, SimScript } from '../board/types.js';
import { sandboxSectionSchema } from '../sandbox/config.js';
import { parseDuration } from './duration.js';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MEMBER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

const text = z.string().trim().min(1);
const kebab = z.string().regex(KEBAB);
const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/* Sim steps: what the simulated model does for a task. Each step is a one-key object. */

export const saySimStep = z.strictObject({ say: z.string() });
export const bashSimStep = z.strictObject({ bash: text, timeout: z.number().positive().optional() });
export const writeSimStep = z.strictObject({ write: z.strictObject({ path: text, content: z.string() }) });
export const readSimStep = z.strictObject({ read: text });
export const askOptionSchema = z.strictObject({
  label: text,
  description: z.string().optional(),
  value: scalarText.optional(),
});
export const askSimStep = z.strictObject({
  ask: z.strictObject({
    key: z.string().regex(KEY),
    question: text,
    header: z.string().min(1).max(12).optional(),
    multiSelect: z.boolean().optional(),
    options: z.array(askOptionSchema).min(2).max(4),
  }),
});
export const metricsSimStep = z.strictObject({ metrics: text });
export const recordSimStep = z.strictObject({ record: z.record(z.string(), z.json()) });
export const messageSimStep = z.strictObject({ message: z.strictObject({ to: text, text: text }) });

export const SIM_STEP_SCHEMAS = {
  say: saySimStep,
  bash: bashSimStep,
  write: writeSimStep,
  read: readSimStep,
  ask: askSimStep,
  metrics: metricsSimStep,
  record: recordSimStep,
  message: messageSimStep,
} as const;

export const SIM_STEP_ACTIONS = Object.keys(SIM_STEP_SCHEMAS) as (keyof typeof SIM_STEP_SCHEMAS)[];

/** Every shape of sim step, for the type and for JSON Schema export. */
export const simStepUnion = z.union([saySimStep, bashSimStep, writeSimStep, readSimStep, askSimStep, metricsSimStep, recordSimStep, messageSimStep]);

export type SimStep = z.infer<typeof simStepUnion>;
export type AskSimStep = z.infer<typeof askSimStep>;

/**
 * A sim step, validated against the schema of the action it names, so errors point at the
 * right field instead of listing every shape it failed to be.
 */
export const simStepSchema = z.unknown().transform((value, ctx): SimStep => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'SIM_STEP_NOT_OBJECT', input: value });
    return z.NEVER;
  }
  const actions = Object.keys(value).filter((key) => Object.hasOwn(SIM_STEP_SCHEMAS, key)) as (keyof typeof SIM_STEP_SCHEMAS)[];
  const [action] = actions;
  if (action === undefined || actions.length > 1) {
    ctx.addIssue({ code: 'custom', message: actions.length > 1 ? 'SIM_STEP_MANY_ACTIONS' : 'SIM_STEP_NO_ACTION', input: value });
    return z.NEVER;
  }
  // Checked once per team load: without zod's compiled fast path, as the whole file is (team-loader.ts).
  const result = SIM_STEP_SCHEMAS[action].safeParse(value, { jitless: true });
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }
  return result.data;
});

export const simSchema = z.strictObject({
  steps: z.array(simStepSchema),
  retrain_steps: z.array(simStepSchema).optional(),
});

export const memberSchema = z.strictObject({
  name: z.string().regex(MEMBER_NAME),
  agent: text,
  model: text.optional(),
  role: text.optional(),
});

const blockedBy = z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.string()));

/** A task's estimate (`20m`, `1h30m`) in milliseconds; anything else, a bare number too, is one issue naming the accepted forms. */
export const estimateSchema = z.unknown().transform((value, ctx): number => {
  const ms = typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'ESTIMATE_FORMAT', input: value });
    return z.NEVER;
  }
  return ms;
});

export const taskSchema = z.strictObject({
  id: kebab,
  subject: text,
  description: text,
  activeForm: text.optional(),
  stage: text,
  role: text.optional(),
  blockedBy: blockedBy.optional(),
  estimate: estimateSchema.optional(),
  metadata: z.record(z.string(), z.json()).optional(),
  sim: simSchema.optional(),
});

/**
 * Gates are read with one loose shape and sorted into metric or approval gates by the loader,
 * which can then say exactly what is missing (e.g. a metric gate without `metric`).
 */
export const gateInputSchema = z.strictObject({
  before: text,
  task: text.optional(),
  metric: text.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  beat_baseline: z.boolean().optional(),
  retrain: z.array(z.string()).optional(),
  approval: z.literal('human').optional(),
  question: text.optional(),
});

export const budgetSchema = z.strictObject({
  usd: z.number().positive().optional(),
  tokens: z.number().positive().optional(),
});

/**
 * The team file's `sandbox:` section: what the run's commands may reach (src/sandbox/config.ts) and
 * `allow`, Bash patterns allowed without asking, per member name (`"*"`: every member).
 */
export const teamSandboxSchema = sandboxSectionSchema.extend({
  allow: z
    .record(z.string().min(1), z.array(z.string().trim().min(1)))
    .optional()
    .describe('Bash patterns (git:*, npm run build) a member may run without asking, by member name; "*" for every member'),
});

export const teamFileSchema = z.strictObject({
  name: kebab,
  description: z.string().optional(),
  workspace: text.optional(),
  model: text.optional(),
  members: z.array(memberSchema).min(1),
  pipeline: z.array(kebab).min(1),
  gates: z.array(gateInputSchema).optional(),
  budget: budgetSchema.optional(),
  sandbox: teamSandboxSchema.optional(),
  tasks: z.array(taskSchema).min(1),
});

export type TeamFileInput = z.infer<typeof teamFileSchema>;
export type MemberDefinition = z.infer<typeof memberSchema>;
export type SimDefinition = z.infer<typeof simSchema>;

export interface TaskDefinition {
  id: string;
  subject: string;
  description: string;
  activeForm?: string;
  stage: string;
  role?: string;
  blockedBy: string[];
  /** How long the task is expected to take, in ms (the team file's `estimate`); the run's claim order is planned with it. */
  estimateMs?: number;
  metadata?: JsonObject;
  /** The simulated model's script, checked against the sim step schemas; only the sim backend reads it. */
  sim?: SimScript;
}

/** A gate as the team file states it and the run keeps it: the stage it guards and what it checks. */
export type TeamGate = RunConfig['gates'][number];

export interface TeamDefinition {
  name: string;
  description?: string;
  /** Absolute path of the workspace template folder, when the team has one. */
  workspace?: string;
  /** Team default model (alias or id) for members whose agent inherits. */
  model?: string;
  members: MemberDefinition[];
  pipeline: string[];
  gates: TeamGate[];
  budget?: { usd?: number; tokens?: number };
  /** The `sandbox:` section with its paths made absolute and `Bash(...)` taken off allowed patterns. */
  sandbox?: SandboxConfig;
  tasks: TaskDefinition[];
}
