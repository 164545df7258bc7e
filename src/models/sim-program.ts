/**
 * The simulated model's plan for one task: the task's `sim` steps turned into tool calls, one
 * turn at a time, with answers substituted into later steps. State is rebuilt from the
 * conversation, so a resumed member picks up exactly where it was.
 */

export type SimStepData = Record<string, unknown>;

export interface ProgramState {
  steps: SimStepData[];
  index: number;
  /** For a `metrics` step: the file was read and its numbers are waiting to be recorded. */
  pendingMetrics: Record<string, number> | null;
  vars: Record<string, string>;
  metrics: Record<string, number>;
  failures: number;
  lastError: string | null;
  interrupted: boolean;
  /** Text of `say` steps to speak with the next tool call. */
  saying: string[];
  /** Extra simulated work time spent before completing the task (benchmarks). */
  workMs: number;
}

export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
  text: string;
}

export function newProgram(steps: SimStepData[], workMs = 0): ProgramState {
  return { steps, index: 0, pendingMetrics: null, vars: {}, metrics: {}, failures: 0, lastError: null, interrupted: false, saying: [], workMs };
}

/** `{{key}}` in the strings of a step replaced by the answers given so far (unknown keys stay as they are). */
export function substituteText(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => vars[key] ?? `{{${key}}}`);
}

export function substitute(step: SimStepData, vars: Record<string, string>): SimStepData {
  return Object.fromEntries(Object.entries(step).map(([k, v]) => [k, substituteValue(v, vars)]));
}

function substituteValue(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return substituteText(value, vars);
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, vars));
  if (isObject(value)) return substitute(value, vars);
  return value;
}

const MAX_FAILURES = 2;

/** The next tool call of the program, or null when every step is done. */
export function nextCall(state: ProgramState, taskId: string): PlannedCall | null {
  while (state.index < state.steps.length) {
    const step = state.steps[state.index];
    if (!step) break;
    if (typeof step.say === 'string') {
      state.saying.push(substituteText(step.say, state.vars));
      state.index++;
      continue;
    }
    const call = callFor(step, state, taskId);
    const said = state.saying.join(' ');
    const prefix = state.interrupted ? 'That step was interrupted before it finished; running it again (the scripts are safe to re-run). ' : state.failures > 0 ? `That failed (${state.lastError ?? 'error'}); trying once more. ` : '';
    return { ...call, text: `${prefix}${said ? `${said} ` : ''}${call.text}`.trim() };
  }
  return null;
}

function callFor(step: SimStepData, state: ProgramState, taskId: string): PlannedCall {
  const s = substitute(step, state.vars);
  if (typeof s.bash === 'string') {
    const timeout = typeof s.timeout === 'number' ? { timeout: s.timeout * 1000 } : {};
    return { name: 'Bash', input: { command: s.bash, description: `run ${s.bash}`, ...timeout }, text: `Running \`${s.bash}\`.` };
  }
  if (isObject(s.write)) {
    return { name: 'Write', input: { file_path: String(s.write.path), content: String(s.write.content) }, text: `Writing ${String(s.write.path)}.` };
  }
  if (typeof s.read === 'string') return { name: 'Read', input: { file_path: s.read }, text: `Reading ${s.read}.` };
  if (typeof s.metrics === 'string') {
    if (state.pendingMetrics === null) return { name: 'Read', input: { file_path: s.metrics }, text: `Reading the numbers in ${s.metrics}.` };
    const metrics = { ...state.metrics, ...state.pendingMetrics };
    return { name: 'TaskUpdate', input: { taskId, metadata: { metrics } }, text: `Recording ${describeMetrics(state.pendingMetrics)}.` };
  }
  if (isObject(s.record)) return { name: 'TaskUpdate', input: { taskId, metadata: s.record }, text: 'Recording the results on the task.' };
  if (isObject(s.message)) {
    return { name: 'SendMessage', input: { to: String(s.message.to), message: String(s.message.text) }, text: `Letting ${String(s.message.to)} know.` };
  }
  if (isObject(s.ask)) {
    const ask = s.ask;
    const options = (Array.isArray(ask.options) ? ask.options : []).filter(isObject).map((o) => ({ label: String(o.label), description: String(o.description ?? '') }));
    const header = typeof ask.header === 'string' ? ask.header : String(ask.key).slice(0, 12);
    return {
      name: 'AskUserQuestion',
      input: { questions: [{ question: String(ask.question), header, options, multiSelect: ask.multiSelect === true }] },
      text: 'This is a decision for the person, so I am asking.',
    };
  }
  return { name: 'TaskUpdate', input: { taskId, metadata: { sim_note: `unknown sim step ${JSON.stringify(step)}` } }, text: 'Skipping a step I do not understand.' };
}

/** Feed the result of the program's last call back into it. */
export function advance(state: ProgramState, call: { name: string; input: unknown }, result: { content: string; isError: boolean }): void {
  // `say` steps were spoken with this call; they need no result.
  while (typeof state.steps[state.index]?.say === 'string') state.index++;
  const step = state.steps[state.index];
  if (!step) return;
  state.saying = [];
  if (result.isError && /interrupted/i.test(result.content)) {
    state.interrupted = true;
    return;
  }
  state.interrupted = false;
  const failure = failureOf(call.name, result);
  if (failure !== null) {
    state.failures++;
    state.lastError = failure;
    return;
  }
  state.failures = 0;
  state.lastError = null;
  if (typeof step.metrics === 'string' && state.pendingMetrics === null) {
    state.pendingMetrics = numericFields(parseReadOutput(result.content));
    return;
  }
  if (typeof step.metrics === 'string') {
    state.metrics = { ...state.metrics, ...(state.pendingMetrics ?? {}) };
    state.pendingMetrics = null;
  }
  if (isObject(step.ask)) recordAnswer(state, step.ask, result.content);
  state.index++;
}

export function hasGivenUp(state: ProgramState): boolean {
  return state.failures >= MAX_FAILURES;
}

function failureOf(tool: string, result: { content: string; isError: boolean }): string | null {
  if (result.isError) return firstLine(errorText(result.content));
  if (tool !== 'Bash') return null;
  const parsed = safeJson(result.content);
  if (isObject(parsed) && typeof parsed.exitCode === 'number' && parsed.exitCode !== 0) {
    const stderr = typeof parsed.stderr === 'string' ? parsed.stderr.trim().split('\n').pop() : '';
    return `exit code ${parsed.exitCode}${stderr ? `: ${stderr}` : ''}`;
  }
  return null;
}

function recordAnswer(state: ProgramState, ask: Record<string, unknown>, content: string): void {
  const parsed = safeJson(content);
  const answers = isObject(parsed) && isObject(parsed.answers) ? parsed.answers : {};
  const given = answers[String(ask.question)] ?? Object.values(answers)[0];
  const options = (Array.isArray(ask.options) ? ask.options : []).filter(isObject);
  const toValue = (label: unknown): string => {
    const option = options.find((o) => String(o.label).toLowerCase() === String(label).toLowerCase());
    return option ? String(option.value ?? option.label) : String(label);
  };
  state.vars[String(ask.key)] = Array.isArray(given) ? given.map(toValue).join(',') : toValue(given ?? '');
}

/** Read returns numbered lines (cat -n); strip the numbers to get the file back. */
export function parseReadOutput(content: string): unknown {
  const text = content
    .split('\n')
    .filter((line) => /^\s*\d+\t/.test(line))
    .map((line) => line.replace(/^\s*\d+\t/, ''))
    .join('\n');
  return safeJson(text) ?? safeJson(content);
}

function numericFields(value: unknown): Record<string, number> {
  if (!isObject(value)) return {};
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    if (typeof v === 'boolean') out[key] = v ? 1 : 0;
  }
  return out;
}

function describeMetrics(metrics: Record<string, number>): string {
  const entries = Object.entries(metrics).slice(0, 4).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`);
  return entries.length ? entries.join(', ') : 'the numbers';
}

function errorText(content: string): string {
  const parsed = safeJson(content);
  return isObject(parsed) && typeof parsed.error === 'string' ? parsed.error : content;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
