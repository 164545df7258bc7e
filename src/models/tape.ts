import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { assistantBlockSchema } from './message-schema.js';
import type { Message, ModelRequest, ModelResponse } from './model.js';

/**
 * A tape is the record of a run's model responses (per member, in order) and the human answers
 * it got, so the run can be replayed without a model or a person. Stored as JSON lines: a
 * header, then one entry per line, appended as the run goes so a crash keeps what happened.
 */

export const TAPE_VERSION = 1;

export interface TapeHeader {
  type: 'header';
  version: number;
  team: string;
  seed: number;
  /** ISO timestamp. */
  created: string;
  /** The backend that produced the responses (sim | anthropic). */
  backend?: string;
}

/** What a request looked like, without free text: enough to notice a replay going its own way. */
export interface Fingerprint {
  tools: string[];
  /** One line per message, e.g. `assistant: text, tool_use toolu_1 (TaskList)`, `user: tool_result for toolu_1 (TaskList)`. */
  messages: string[];
}

export interface ResponseEntry {
  type: 'response';
  member: string;
  /** 0-based count of this member's model calls. */
  turn: number;
  fingerprint: Fingerprint;
  response: ModelResponse;
}

/**
 * The answer to one part of a question as the board records it: the option labels picked, and the
 * person's own words or a note. (The board's AnswerPart; the models layer does not import the board.)
 */
export interface TapeAnswerPart {
  question: string;
  picked: string[];
  text: string | null;
}

export type Answers = TapeAnswerPart[];

export interface AnswerEntry {
  type: 'answer';
  key: string;
  answers: Answers;
  /** Board event number the answer was recorded as: a replay gives it at the same point of the run. */
  atSeq?: number;
  /** Who answered in the recorded run. */
  by?: 'human' | 'auto' | 'cli' | 'tape';
}

export type TapeEntry = ResponseEntry | AnswerEntry;

export interface Tape {
  readonly header: TapeHeader;
  /** Where entries are appended, when the tape is being recorded to a file. */
  readonly file: string | undefined;
  readonly entries: readonly TapeEntry[];
  /** Append a model response for the member's next turn; returns the entry. */
  recordResponse(request: ModelRequest, response: ModelResponse): ResponseEntry;
  /** This member's recorded responses, in turn order. */
  responses(member: string): readonly ResponseEntry[];
  recordAnswer(questionKey: string, answers: Answers, atSeq?: number, by?: AnswerEntry['by']): void;
  /** The next not-yet-used answer recorded for this key, or undefined when there is none left. */
  nextAnswer(questionKey: string, lastSeq?: number): Answers | undefined;
  /** The same, with who answered and where in the run. */
  nextAnswerEntry(questionKey: string, lastSeq?: number): AnswerEntry | undefined;
}

export class TapeError extends Error {
  override name = 'TapeError';
}

/** The key of a question on a tape: who asked it and the headers of its questions. */
export function questionKey(askedBy: string, payload: { questions: readonly { header: string }[] }): string {
  return `${askedBy}:${payload.questions.map((question) => question.header).join('|')}`;
}

/** A new tape; with `file`, the header is written now and every entry is appended as it is recorded. */
export function createTape(header: Omit<TapeHeader, 'type' | 'version' | 'created'> & { created?: string }, opts: { file?: string } = {}): Tape {
  const full: TapeHeader = { type: 'header', version: TAPE_VERSION, created: header.created ?? new Date().toISOString(), ...header };
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    fs.writeFileSync(opts.file, `${JSON.stringify(orderHeader(full))}\n`);
  }
  return makeTape(orderHeader(full), [], opts.file);
}

function orderHeader(header: TapeHeader): TapeHeader {
  const { type, version, team, seed, created, backend } = header;
  return { type, version, team, seed, created, ...(backend !== undefined && { backend }) };
}

function makeTape(header: TapeHeader, initial: TapeEntry[], file: string | undefined): Tape {
  const entries: TapeEntry[] = [];
  const byMember = new Map<string, ResponseEntry[]>();
  const answerQueues = new Map<string, AnswerEntry[]>();

  function add(entry: TapeEntry): void {
    entries.push(entry);
    if (entry.type === 'response') {
      const list = byMember.get(entry.member) ?? [];
      list.push(entry);
      byMember.set(entry.member, list);
    } else {
      const queue = answerQueues.get(entry.key) ?? [];
      queue.push(entry);
      answerQueues.set(entry.key, queue);
    }
  }
  function append(entry: TapeEntry): void {
    add(entry);
    if (file) fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
  }
  initial.forEach(add);

  function nextEntry(key: string, lastSeq?: number): AnswerEntry | undefined {
    const queue = answerQueues.get(key);
    const next = queue?.[0];
    // Not yet: the person answered later in the recorded run, after other events.
    if (!next || (next.atSeq !== undefined && lastSeq !== undefined && lastSeq < next.atSeq - 1)) return undefined;
    queue?.shift();
    return next;
  }

  return {
    header,
    file,
    entries,
    recordResponse(request, response) {
      const entry: ResponseEntry = {
        type: 'response',
        member: request.member,
        turn: byMember.get(request.member)?.length ?? 0,
        fingerprint: fingerprint(request),
        response,
      };
      append(entry);
      return entry;
    },
    responses: (member) => byMember.get(member) ?? [],
    recordAnswer: (key, answers, atSeq, by) => append({ type: 'answer', key, answers, ...(atSeq !== undefined ? { atSeq } : {}), ...(by ? { by } : {}) }),
    nextAnswer: (key, lastSeq) => nextEntry(key, lastSeq)?.answers,
    nextAnswerEntry: nextEntry,
  };
}

export function fingerprint(request: Pick<ModelRequest, 'tools' | 'messages'>): Fingerprint {
  const toolNames = new Map<string, string>();
  const messages = request.messages.map((message) => `${message.role}: ${describeContent(message, toolNames)}`);
  return { tools: request.tools.map((tool) => tool.name), messages };
}

function describeContent(message: Message, toolNames: Map<string, string>): string {
  if (typeof message.content === 'string') return 'text';
  if (message.content.length === 0) return '(empty)';
  return message.content
    .map((block) => {
      if (block.type === 'text') return 'text';
      if (block.type === 'tool_use') {
        toolNames.set(block.id, block.name);
        return `tool_use ${block.id} (${block.name})`;
      }
      return `tool_result for ${block.tool_use_id} (${toolNames.get(block.tool_use_id) ?? '?'})`;
    })
    .join(', ');
}

/**
 * How `actual` differs from `expected`, in words (undefined when they match), e.g.
 * `expected tool_result for toolu_1 (TaskUpdate), got tool_result for toolu_1 (TaskList) in message 7`.
 */
export function fingerprintDifference(expected: Fingerprint, actual: Fingerprint): string | undefined {
  if (expected.tools.join(',') !== actual.tools.join(',')) {
    const missing = expected.tools.filter((name) => !actual.tools.includes(name));
    const extra = actual.tools.filter((name) => !expected.tools.includes(name));
    const parts = [missing.length > 0 && `without ${missing.join(', ')}`, extra.length > 0 && `with ${extra.join(', ')}`].filter(Boolean);
    return `the tools differ: expected ${expected.tools.join(', ') || 'none'}, got ${parts.length > 0 ? parts.join(' and ') : actual.tools.join(', ')}`;
  }
  const count = Math.max(expected.messages.length, actual.messages.length);
  for (let i = 0; i < count; i++) {
    const want = expected.messages[i];
    const got = actual.messages[i];
    if (want === got) continue;
    if (want === undefined) return `expected the conversation to end after ${expected.messages.length} messages, got one more: ${got}`;
    if (got === undefined) return `expected ${want} in message ${i + 1}, got the conversation ending after ${actual.messages.length} messages`;
    return `${blockDifference(want, got)} in message ${i + 1}`;
  }
  return undefined;
}

function blockDifference(want: string, got: string): string {
  const [wantRole, wantBody] = splitRole(want);
  const [gotRole, gotBody] = splitRole(got);
  if (wantRole !== gotRole) return `expected ${want}, got ${got}`;
  const wantBlocks = wantBody.split(', ');
  const gotBlocks = gotBody.split(', ');
  for (let j = 0; j < Math.max(wantBlocks.length, gotBlocks.length); j++) {
    if (wantBlocks[j] === gotBlocks[j]) continue;
    return `expected ${wantBlocks[j] ?? 'no more blocks'}, got ${gotBlocks[j] ?? 'no more blocks'}`;
  }
  return `expected ${want}, got ${got}`;
}

function splitRole(line: string): [string, string] {
  const at = line.indexOf(': ');
  return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 2)];
}

const usageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_input_tokens: z.number().int().nonnegative(),
  cache_creation_input_tokens: z.number().int().nonnegative(),
});

const answerPartSchema = z.object({ question: z.string(), picked: z.array(z.string()), text: z.string().nullable() });
/** Tapes recorded before answers had parts: {question: label | labels | own words}. */
const legacyAnswersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())])).transform((record): Answers =>
  Object.entries(record).map(([question, value]) => ({ question, picked: Array.isArray(value) ? value : [value], text: null })),
);

const headerSchema = z.object({
  type: z.literal('header'),
  version: z.number().int(),
  team: z.string(),
  seed: z.number(),
  created: z.string(),
  backend: z.string().optional(),
});

const entrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('response'),
    member: z.string().min(1),
    turn: z.number().int().nonnegative(),
    fingerprint: z.object({ tools: z.array(z.string()), messages: z.array(z.string()) }),
    response: z.looseObject({
      content: z.array(assistantBlockSchema),
      stopReason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']),
      usage: usageSchema,
      model: z.string(),
      costUsd: z.number().nonnegative(),
      latencyMs: z.number().nonnegative().optional(),
    }),
  }),
  z.object({
    type: z.literal('answer'),
    key: z.string().min(1),
    answers: z.union([z.array(answerPartSchema), legacyAnswersSchema]),
    atSeq: z.number().int().positive().optional(),
    by: z.enum(['human', 'auto', 'cli', 'tape']).optional(),
  }),
]);

/** Read and check a tape file; every problem is reported with the file and line. */
export function loadTape(file: string): Tape {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    const reason = error instanceof Error ? error.message : String(error);
    throw new TapeError(missing ? `tape ${file} does not exist: record one with team start --record ${file}` : `cannot read tape ${file}: ${reason}`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new TapeError(`tape ${file} is empty: expected a header line; record it again with --record`);

  const parsed = lines.map((line, i): unknown => {
    try {
      return JSON.parse(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TapeError(`tape ${file}:${i + 1}: bad JSON line ${i + 1} (${reason}): the file is corrupt or was edited; record it again with --record`);
    }
  });

  const head = headerSchema.safeParse(parsed[0]);
  if (!head.success) {
    const first = parsed[0];
    const version = typeof first === 'object' && first !== null && 'version' in first ? first.version : undefined;
    if (version === undefined) throw new TapeError(`tape ${file}:1: the first line is not a tape header (${issueText(head.error)}): is this a tape file?`);
    throw new TapeError(`tape ${file}:1: bad header (${issueText(head.error)})`);
  }
  if (head.data.version !== TAPE_VERSION) {
    throw new TapeError(`tape ${file}:1: tape format version ${head.data.version}, but this teamboard reads version ${TAPE_VERSION}: record it again with --record`);
  }

  const entries: TapeEntry[] = [];
  const turns = new Map<string, number>();
  parsed.slice(1).forEach((value, i) => {
    const line = i + 2;
    const entry = entrySchema.safeParse(value);
    if (!entry.success) throw new TapeError(`tape ${file}:${line}: not a valid tape entry (${issueText(entry.error)})`);
    if (entry.data.type === 'response') {
      const expected = turns.get(entry.data.member) ?? 0;
      if (entry.data.turn !== expected) {
        throw new TapeError(`tape ${file}:${line}: ${entry.data.member} turn ${entry.data.turn} where turn ${expected} was expected: entries are missing or out of order`);
      }
      turns.set(entry.data.member, expected + 1);
    }
    entries.push(entry.data);
  });
  return makeTape(orderHeader(head.data), entries, undefined);
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
