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
  /** Text to speak with the next tool call: `say` steps, and what the model made of an answer. */
  saying: string[];
  /** Extra simulated work time spent before completing the task (benchmarks). */
  workMs: number;
  /** The person's answer to the current `ask` step named no single option: ask which one they meant. */
  clarify: { given: string } | null;
  /** Notes and own words given with answers, by the ask step's key (recorded when the task completes). */
  answerNotes: Record<string, string>;
  /** For a `metrics` step: a note made from the breakdowns in the file read (which columns, how much). */
  pendingNote: string | null;
}

export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
  text: string;
}

export function newProgram(steps: SimStepData[], workMs = 0): ProgramState {
  return { steps, index: 0, pendingMetrics: null, vars: {}, metrics: {}, failures: 0, lastError: null, interrupted: false, saying: [], workMs, clarify: null, answerNotes: {}, pendingNote: null };
}

/** Go on from the step that failed, as after a person fixed what was wrong (a retry). */
export function retryFromFailedStep(state: ProgramState): void {
  state.failures = 0;
  state.lastError = null;
  state.interrupted = false;
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
    const call = state.clarify && isObject(step.ask) ? clarifyCall(step.ask, state.clarify.given) : callFor(step, state, taskId);
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
    const note = state.pendingNote;
    const metadata = note ? { metrics, note } : { metrics };
    return { name: 'TaskUpdate', input: { taskId, metadata }, text: `Recording ${describeMetrics(state.pendingMetrics)}.${note ? ` ${note}` : ''}` };
  }
  if (isObject(s.record)) return { name: 'TaskUpdate', input: { taskId, metadata: s.record }, text: 'Recording the results on the task.' };
  if (isObject(s.message)) {
    return { name: 'SendMessage', input: { to: String(s.message.to), message: String(s.message.text) }, text: `Letting ${String(s.message.to)} know.` };
  }
  if (isObject(s.ask)) {
    return { name: 'AskUserQuestion', input: { questions: [askPart(s.ask, String(s.ask.question))] }, text: 'This is a decision for the person, so I am asking.' };
  }
  return { name: 'TaskUpdate', input: { taskId, metadata: { sim_note: `unknown sim step ${JSON.stringify(step)}` } }, text: 'Skipping a step I do not understand.' };
}

function askPart(ask: Record<string, unknown>, question: string) {
  const options = askOptions(ask).map((o) => ({ label: String(o.label), description: String(o.description ?? '') }));
  const header = typeof ask.header === 'string' ? ask.header : String(ask.key).slice(0, 12);
  return { question, header, options, multiSelect: ask.multiSelect === true };
}

/** The person's words named no single option: ask again, quoting them, with the same options. */
function clarifyCall(ask: Record<string, unknown>, given: string): PlannedCall {
  const quoted = given.length > 120 ? `${given.slice(0, 119)}…` : given;
  return {
    name: 'AskUserQuestion',
    input: { questions: [askPart(ask, `You said "${quoted}"; which of these do you mean?`)] },
    text: `Your answer "${quoted}" does not name exactly one of the options, so I am asking which one you mean rather than guessing.`,
  };
}

function askOptions(ask: Record<string, unknown>): Record<string, unknown>[] {
  return (Array.isArray(ask.options) ? ask.options : []).filter(isObject);
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
    const read = parseReadOutput(result.content);
    state.pendingMetrics = numericFields(read);
    state.pendingNote = breakdownNote(step.metrics, read);
    return;
  }
  if (typeof step.metrics === 'string') {
    state.metrics = { ...state.metrics, ...(state.pendingMetrics ?? {}) };
    state.pendingMetrics = null;
    state.pendingNote = null;
  }
  if (isObject(step.ask) && !takeAnswer(state, step.ask, result.content)) return;
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

/**
 * Turn the answer into the value later steps use: a picked option's value (a note added to it is
 * kept aside), or, for the person's own words, the one option they name. Words that name no
 * option, or several, are never used as a value: the model asks which option was meant (false).
 */
function takeAnswer(state: ProgramState, ask: Record<string, unknown>, content: string): boolean {
  const parsed = safeJson(content);
  const answers = isObject(parsed) && isObject(parsed.answers) ? parsed.answers : {};
  const given = answers[String(ask.question)] ?? Object.values(answers)[0];
  const options = askOptions(ask);
  const key = String(ask.key);
  if (Array.isArray(given)) {
    const picked = given.map((label) => optionByLabel(options, String(label)));
    if (picked.every((o) => o !== undefined)) {
      state.vars[key] = picked.map(optionValue).join(',');
      state.clarify = null;
      return true;
    }
    return resolveWords(state, key, options, given.map(String).join(', '), ask.multiSelect === true);
  }
  const text = typeof given === 'string' ? given : '';
  const exact = optionByLabel(options, text);
  if (exact) {
    state.vars[key] = optionValue(exact);
    state.clarify = null;
    return true;
  }
  // answersForTool shows a note added to a pick as `Label (note: ...)`.
  const noted = /^(.+?) \(note: ([\s\S]*)\)$/.exec(text);
  const option = noted?.[1] ? optionByLabel(options, noted[1]) : undefined;
  if (option && noted?.[2] !== undefined) {
    state.vars[key] = optionValue(option);
    state.answerNotes[key] = noted[2];
    state.saying.push(`Noted with "${option.label}": ${noted[2]}.`);
    state.clarify = null;
    return true;
  }
  return resolveWords(state, key, options, text, ask.multiSelect === true);
}

function resolveWords(state: ProgramState, key: string, options: Record<string, unknown>[], words: string, multi: boolean): boolean {
  const named = optionsNamed(words, options);
  if (named.length === 1 || (multi && named.length > 1)) {
    state.vars[key] = named.map(optionValue).join(',');
    state.answerNotes[key] = words;
    const labels = named.map((o) => `"${String(o.label)}"`).join(' and ');
    state.saying.push(`You answered in your own words ("${words}"); I take that as ${labels} and use ${named.map(optionValue).join(', ')}.`);
    state.clarify = null;
    return true;
  }
  state.clarify = { given: words };
  return false;
}

function optionByLabel(options: Record<string, unknown>[], label: string): Record<string, unknown> | undefined {
  const wanted = label.trim().toLowerCase();
  return options.find((o) => String(o.label).toLowerCase() === wanted);
}

function optionValue(option: Record<string, unknown>): string {
  return String(option.value ?? option.label);
}

const NEGATION = /\b(?:not|no|never|don'?t|doesn'?t|without|instead|rather|except)\b/;

/**
 * The options the person's words name: a label or value appearing as whole words
 * (case-insensitive); failing that, a word of one option's label or value that no other option
 * has ("canary" for "Canary 10%"). Words that negate ("not recall") name nothing: better to ask.
 */
export function optionsNamed(words: string, options: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const text = ` ${normalise(words)} `;
  if (NEGATION.test(text)) return [];
  const names = (o: Record<string, unknown>) => [String(o.label), ...(o.value !== undefined ? [String(o.value)] : [])].map(normalise).filter((n) => n !== '');
  const whole = options.filter((o) => names(o).some((n) => text.includes(` ${n} `)));
  if (whole.length > 0) return whole;
  const wordsOf = (o: Record<string, unknown>) => new Set(names(o).flatMap((n) => n.split(' ')).filter((w) => w.length >= 3 && !/^\d+%?$/.test(w)));
  const own = options.map((o) => {
    const others = new Set(options.filter((x) => x !== o).flatMap((x) => [...wordsOf(x)]));
    return [...wordsOf(o)].filter((w) => !others.has(w));
  });
  return options.filter((_, i) => (own[i] ?? []).some((w) => text.includes(` ${w} `)));
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9%']+/g, ' ')
    .trim();
}

/**
 * What a file's breakdowns say, in one line, from the numbers read: for a map of numbers
 * ("missing_rate": {region: 0.011, ...}) the entries above zero, largest first; for a map of
 * records sharing a count the file also totals ("far_outliers"), the records with the most.
 * Null when the file has no such breakdown.
 */
export function breakdownNote(file: string, read: unknown): string | null {
  if (!isObject(read)) return null;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(read)) {
    if (!isObject(value)) continue;
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, v]) => typeof v === 'number' && Number.isFinite(v))) {
      const top = topEntries(entries.map(([k, v]) => [k, Number(v)]));
      if (top) parts.push(`${key} above zero in ${top}`);
      continue;
    }
    const records = entries.filter((e): e is [string, Record<string, unknown>] => isObject(e[1]));
    if (records.length === 0) continue;
    for (const total of Object.keys(read).filter((k) => typeof read[k] === 'number')) {
      if (!records.some(([, r]) => typeof r[total] === 'number')) continue;
      const top = topEntries(records.map(([k, r]) => [k, typeof r[total] === 'number' ? r[total] : 0]));
      if (top) parts.push(`${total} in ${top}`);
    }
  }
  return parts.length > 0 ? `From ${file}: ${parts.join('; ')}.` : null;
}

function topEntries(entries: [string, number][]): string | null {
  const above = entries.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (above.length === 0) return null;
  const shown = above.slice(0, 5).map(([k, v]) => `${k} (${Number.isInteger(v) ? v : v.toFixed(3)})`);
  return `${shown.join(', ')}${above.length > 5 ? ` and ${above.length - 5} more` : ''}`;
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
