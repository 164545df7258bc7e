import type { z } from 'zod';
import { DURATION_FORMS, parseDuration } from './duration.js';
import { didYouMean } from './suggest.js';
import {
  SIM_STEP_ACTIONS,
  askOptionSchema,
  askSimStep,
  budgetSchema,
  gateInputSchema,
  memberSchema,
  messageSimStep,
  simSchema,
  taskSchema,
  teamFileSchema,
  writeSimStep,
  SIM_STEP_SCHEMAS,
} from './team-schema.js';

type Path = readonly PropertyKey[];

/** A zod issue turned into `<where>: <what is wrong>. Fix: <what to do>`, plus the path and key to find its line. */
export interface IssueReport {
  message: string;
  path: Path;
  key?: string;
}

/** Example values shown in fixes, by field path with list indexes as `*`. */
const EXAMPLES: Record<string, string> = {
  name: 'churn-project',
  description: 'Predict which subscribers will cancel next month',
  workspace: './churn-project',
  model: 'sonnet',
  members: '[{ name: ds, agent: data-scientist }]',
  'members.*': '{ name: ds, agent: data-scientist }',
  'members.*.name': 'ds',
  'members.*.agent': 'data-scientist',
  'members.*.model': 'opus',
  'members.*.role': 'data-scientist',
  pipeline: '[data, features, training, validation, deploy]',
  'pipeline.*': 'training',
  gates: '[{ before: deploy, approval: human }]',
  'gates.*': '{ before: deploy, approval: human }',
  'gates.*.before': 'deploy',
  'gates.*.task': 'evaluate-model',
  'gates.*.metric': 'auc',
  'gates.*.min': '0.75',
  'gates.*.max': '0.2',
  'gates.*.beat_baseline': 'true',
  'gates.*.retrain': '[train-model]',
  'gates.*.retrain.*': 'train-model',
  'gates.*.approval': 'human',
  'gates.*.question': '"Ship the model?"',
  budget: '{ usd: 5, tokens: 2000000 }',
  'budget.usd': '5',
  'budget.tokens': '2000000',
  tasks: '[{ id: train-model, subject: ..., description: ..., stage: training }]',
  'tasks.*': '{ id: train-model, subject: Train the model, description: ..., stage: training }',
  'tasks.*.id': 'train-model',
  'tasks.*.subject': 'Train the churn model',
  'tasks.*.description': 'What to do, with which files, and what to record when done',
  'tasks.*.activeForm': 'Training the churn model',
  'tasks.*.stage': 'training',
  'tasks.*.role': 'ml-engineer',
  'tasks.*.blockedBy': '[build-features]',
  'tasks.*.blockedBy.*': 'build-features',
  'tasks.*.estimate': '20m',
  'tasks.*.metadata': '{ notes: ... }',
  'tasks.*.sim': '{ steps: [{ say: "Looking at the data" }] }',
  'tasks.*.sim.steps': '[{ say: "Looking at the data" }]',
  'tasks.*.sim.steps.*': '{ say: "Looking at the data" }',
  say: '"Looking at the data"',
  bash: '"node scripts/train.js"',
  timeout: '120',
  write: '{ path: notes/plan.md, content: "..." }',
  'write.path': 'notes/plan.md',
  'write.content': '"# Plan"',
  read: 'reports/profile.json',
  ask: '{ key: churn_definition, question: "...", options: [{ label: ..., value: ... }, ...] }',
  'ask.key': 'churn_definition',
  'ask.question': '"How should churn be defined?"',
  'ask.header': '"Churn def"',
  'ask.multiSelect': 'false',
  'ask.options': '[{ label: "30 days", value: "30" }, { label: "60 days", value: "60" }]',
  'ask.options.*': '{ label: "30 days", value: "30" }',
  'ask.options.*.label': '"30 days without use"',
  'ask.options.*.description': '"Cancelled or idle for 30 days"',
  'ask.options.*.value': '"30"',
  metrics: 'reports/metrics.json',
  record: '{ model_path: models/model.json }',
  message: '{ to: mle, text: "Features are ready" }',
  'message.to': 'mle',
  'message.text': '"Features are ready"',
};

const STEP_FIELD = /^tasks\.\*\.sim\.(?:steps|retrain_steps)\.\*\.(.+)$/;

function normalise(path: Path): string {
  return path.map((segment) => (typeof segment === 'number' ? '*' : String(segment))).join('.');
}

function exampleFor(path: Path, data: unknown): string {
  const key = normalise(path);
  const own = ownExample(key, data, path);
  if (own !== null) return own;
  const stepField = STEP_FIELD.exec(key)?.[1];
  return EXAMPLES[stepField ?? key] ?? EXAMPLES[key.replace(/retrain_steps/, 'steps')] ?? '...';
}

/** An example from the file itself where it has one: its own stages and task ids (another task's, for a blocker), not the demo's. */
function ownExample(key: string, data: unknown, path: Path): string | null {
  const record = (value: unknown): Record<string, unknown> | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : null);
  const file = record(data);
  const stages = Array.isArray(file?.pipeline) ? file.pipeline.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
  if ((key === 'tasks.*.stage' || key === 'pipeline.*') && stages[0] !== undefined) return stages[0];
  if (key === 'gates.*.before' && stages.length > 0) return stages[stages.length - 1] ?? null;
  const ids = Array.isArray(file?.tasks) ? file.tasks.flatMap((t) => { const id = record(t)?.id; return typeof id === 'string' && id !== '' ? [id] : []; }) : [];
  if (key === 'gates.*.task' || key === 'gates.*.retrain.*') return ids[0] ?? null;
  if (key === 'tasks.*.blockedBy' || key === 'tasks.*.blockedBy.*') {
    const index = path[1];
    const self = typeof index === 'number' && Array.isArray(file?.tasks) ? record(file.tasks[index])?.id : undefined;
    return ids.find((id) => id !== self) ?? null;
  }
  return null;
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment as string];
  }
  return value;
}

function textField(data: unknown, path: Path, field: string): string | undefined {
  const value = valueAt(data, [...path, field]);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `task "train-model" sim step 2`, `member "ds"`, `gate 1 (before deploy)`, or '' at the top. */
export function ownerOf(path: Path, data: unknown): { owner: string; rest: Path } {
  const [head, index] = path;
  if (typeof index !== 'number') return { owner: '', rest: path };
  if (head === 'members') {
    const name = textField(data, path.slice(0, 2), 'name');
    return { owner: name ? `member "${name}"` : `member ${index + 1}`, rest: path.slice(2) };
  }
  if (head === 'gates') {
    const before = textField(data, path.slice(0, 2), 'before');
    return { owner: `gate ${index + 1}${before ? ` (before ${before})` : ''}`, rest: path.slice(2) };
  }
  if (head === 'tasks') {
    const id = textField(data, path.slice(0, 2), 'id');
    const task = id ? `task "${id}"` : `task ${index + 1}`;
    const [, , sim, list, step] = path;
    if (sim === 'sim' && (list === 'steps' || list === 'retrain_steps') && typeof step === 'number') {
      return { owner: `${task} ${list === 'steps' ? 'sim step' : 'sim retrain step'} ${step + 1}`, rest: path.slice(5) };
    }
    return { owner: task, rest: path.slice(2) };
  }
  return { owner: '', rest: path };
}

function fieldName(rest: Path): string {
  return rest.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`)).join('');
}

function subjectOf(path: Path, data: unknown): string {
  const { owner, rest } = ownerOf(path, data);
  if (rest.length === 0) return owner || 'the team file';
  const field = `"${fieldName(rest)}"`;
  return owner ? `${owner}: ${field}` : field;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `text "${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function lastKey(path: Path): string {
  const key = [...path].reverse().find((segment) => typeof segment === 'string');
  return key === undefined ? 'value' : String(key);
}

function allowedFields(path: Path, data: unknown): string[] {
  const key = normalise(path);
  if (key === '') return Object.keys(teamFileSchema.shape);
  if (key === 'members.*') return Object.keys(memberSchema.shape);
  if (key === 'tasks.*') return Object.keys(taskSchema.shape);
  if (key === 'gates.*') return Object.keys(gateInputSchema.shape);
  if (key === 'budget') return Object.keys(budgetSchema.shape);
  if (key === 'tasks.*.sim') return Object.keys(simSchema.shape);
  if (/^tasks\.\*\.sim\.(?:steps|retrain_steps)\.\*$/.test(key)) {
    const step = valueAt(data, path);
    const action = SIM_STEP_ACTIONS.find((name) => typeof step === 'object' && step !== null && Object.hasOwn(step, name));
    return action ? Object.keys(SIM_STEP_SCHEMAS[action].shape) : [...SIM_STEP_ACTIONS];
  }
  if (key.endsWith('.write')) return Object.keys(writeSimStep.shape.write.shape);
  if (key.endsWith('.ask')) return Object.keys(askSimStep.shape.ask.shape);
  if (key.endsWith('.ask.options.*')) return Object.keys(askOptionSchema.shape);
  if (key.endsWith('.message')) return Object.keys(messageSimStep.shape.message.shape);
  return [];
}

const FORMAT_RULES: Record<string, { must: string; fix: string }> = {
  '/^[a-z0-9]+(-[a-z0-9]+)*$/': { must: 'kebab-case', fix: 'use lowercase letters, digits and single hyphens, e.g.' },
  '/^[A-Za-z0-9][A-Za-z0-9_-]*$/': { must: 'letters, digits, "-" and "_" only (teammates write it in SendMessage)', fix: 'use a short name such as' },
  '/^[A-Za-z_][A-Za-z0-9_]*$/': { must: 'an identifier (letters, digits, "_"), as it is used as {{key}}', fix: 'use a name such as' },
};

/** Turn one zod issue into reports (unrecognized_keys gives one per key). */
export function reportIssue(issue: z.core.$ZodIssue, data: unknown): IssueReport[] {
  const path = issue.path;
  const value = valueAt(data, path);
  const subject = subjectOf(path, data);
  const key = lastKey(path);
  const example = exampleFor(path, data);

  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        const { owner } = ownerOf(parent, data);
        const where = owner || (parent.length > 0 ? `"${fieldName(parent)}"` : '');
        return [{ message: `${where ? `${where}: ` : ''}missing required field "${key}". Fix: add ${key}: ${example}`, path: parent }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return [{ message: `${subject} must be ${expected}, not ${describeValue(value)}. Fix: write it like ${key}: ${example}`, path }];
    }
    case 'too_small': {
      if (issue.origin === 'string') return [{ message: `${subject} is empty. Fix: write it like ${key}: ${example}`, path }];
      if (issue.origin === 'array') {
        const count = Number(issue.minimum);
        return [{ message: `${subject} needs at least ${count} ${count === 1 ? 'entry' : 'entries'}. Fix: write it like ${key}: ${example}`, path }];
      }
      const bound = issue.inclusive ? `at least ${String(issue.minimum)}` : Number(issue.minimum) === 0 ? 'a positive number' : `more than ${String(issue.minimum)}`;
      return [{ message: `${subject} must be ${bound}, not ${describeValue(value)}. Fix: write it like ${key}: ${example}`, path }];
    }
    case 'too_big': {
      if (issue.origin === 'string') return [{ message: `${subject} is longer than ${String(issue.maximum)} characters. Fix: shorten it, e.g. ${key}: ${example}`, path }];
      if (issue.origin === 'array') return [{ message: `${subject} has more than ${String(issue.maximum)} entries. Fix: keep at most ${String(issue.maximum)}`, path }];
      return [{ message: `${subject} must be at most ${String(issue.maximum)}, not ${describeValue(value)}`, path }];
    }
    case 'invalid_format': {
      const rule = 'pattern' in issue && typeof issue.pattern === 'string' ? FORMAT_RULES[issue.pattern] : undefined;
      if (rule) return [{ message: `${subject} must be ${rule.must}, not ${describeValue(value)}. Fix: ${rule.fix} ${example}`, path }];
      return [{ message: `${subject} has the wrong format (${issue.message}). Fix: write it like ${key}: ${example}`, path }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(' or ');
      return [{ message: `${subject} must be ${allowed}, not ${describeValue(value)}. Fix: write it like ${key}: ${example}`, path }];
    }
    case 'unrecognized_keys': {
      const allowed = allowedFields(path, data);
      const where = subjectOf(path, data);
      return issue.keys.map((unknownKey) => ({
        message: `${where}: unknown field "${unknownKey}"${didYouMean(unknownKey, allowed)}. Fix: remove it or rename it${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`,
        path,
        key: unknownKey,
      }));
    }
    case 'custom': {
      const actions = SIM_STEP_ACTIONS.map((action) => `${action}:`).join(', ');
      if (issue.message === 'SIM_STEP_NOT_OBJECT') {
        return [{ message: `${subject}: a sim step must be a mapping with one action, not ${describeValue(value)}. Fix: write it like - say: "Looking at the data"`, path }];
      }
      if (issue.message === 'SIM_STEP_NO_ACTION') {
        const keys = Object.keys((value as object | undefined) ?? {});
        const hint = keys[0] ? didYouMean(keys[0], SIM_STEP_ACTIONS) : '';
        return [{ message: `${subject}: no known action${keys.length > 0 ? ` in ${keys.map((k) => `"${k}"`).join(', ')}` : ''}${hint}. Fix: start the step with one of ${actions}`, path }];
      }
      if (issue.message === 'ESTIMATE_FORMAT') {
        // Zero of a unit an estimate takes ("0m", "0 minutes"), not "0 days": the same text with 1 reads.
        if (typeof value === 'string' && /^\D*0+(?:\.0+)?\s*[a-z]*\s*$/i.test(value.trim()) && parseDuration(value.replace(/0+(?:\.0+)?/, '1')) !== null) {
          return [{ message: `${subject} must be longer than zero, not "${value}". Fix: give how long the task takes, like ${key}: ${example}, or leave ${key} out`, path }];
        }
        if (typeof value === 'string' && /\d\s*[a-z]*\s*(?:-|–|\bto\b)\s*\d/i.test(value)) {
          return [{ message: `${subject} must be one duration, not the range "${value}". Fix: pick one, like ${key}: ${example}`, path }];
        }
        return [{ message: `${subject} must be a duration such as ${DURATION_FORMS}, not ${describeValue(value)}. Fix: write it like ${key}: ${example}`, path }];
      }
      if (issue.message === 'SIM_STEP_MANY_ACTIONS') {
        return [{ message: `${subject}: a sim step does one thing, but this one has several actions. Fix: split it into one step per action (${actions})`, path }];
      }
      return [{ message: `${subject}: ${issue.message}`, path }];
    }
    default:
      return [{ message: `${subject}: ${issue.message}. Fix: write it like ${key}: ${example}`, path }];
  }
}
