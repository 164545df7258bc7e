// zod/mini: the same validation as `zod`, as functions a bundler can leave out when unused. The
// board is loaded by every read command, and the whole of `zod` took longer to load than they ran.
import * as z from 'zod/mini';

/**
 * Every event the board records, one payload schema per type. Written in the same transaction as
 * the change it describes; validated with these schemas when read back.
 */
const str = z.string();
const nullableStr = z.nullable(z.string());
const int = z.int();
const runStatus = z.enum(['running', 'paused', 'completed', 'failed', 'stopped']);
const runChange = z.object({ from: runStatus, reason: nullableStr });
const gateChange = z.object({ gate: int, before: str, description: str, detail: nullableStr, note: z.optional(nullableStr) });
const answerPart = z.object({ question: str, picked: z.array(str), text: nullableStr });
/** Answers as recorded before they were parts ({question: label | labels}), read as parts. */
const legacyAnswers = z.pipe(
  z.record(str, z.union([str, z.array(str)])),
  z.transform((record: Record<string, string | string[]>) =>
    Object.entries(record).map(([question, value]) => ({ question, picked: Array.isArray(value) ? value : [value], text: null })),
  ),
);

export const EVENT_SCHEMAS = {
  'run.started': z.object({ team: str, backend: z.enum(['sim', 'anthropic', 'replay']), seed: int, workspace: str }),
  'run.running': runChange,
  'run.paused': runChange,
  'run.completed': runChange,
  'run.failed': runChange,
  'run.stopped': runChange,
  'run.resumed': z.object({ members: z.array(str), driver: z.optional(str) }),
  'run.crashed': z.object({ driver: nullableStr, lastBeat: z.nullable(int) }),
  'member.joined': z.object({ member: str, agent: str, role: str, model: str }),
  'member.status': z.object({ member: str, from: str, to: str }),
  'member.removed': z.object({ member: str, state: z.enum(['stopped', 'dead']), reason: str }),
  'member.said': z.object({ member: str, text: str }),
  'model.retrying': z.object({ member: str, status: z.nullable(int), attempt: int, of: int, waitMs: int, reason: str }),
  'tool.called': z.object({
    member: str,
    tool: str,
    summary: str,
    ok: z.boolean(),
    error: z.optional(str),
    exitCode: z.optional(z.nullable(int)),
    /** The last lines of a command's output. */
    output: z.optional(z.array(str)),
    /** Workspace files the call wrote. */
    files: z.optional(z.array(str)),
    /** The task the member was working on when it made the call (its history lists the call). */
    taskId: z.optional(int),
  }),
  'task.created': z.object({ taskId: int, subject: str, stage: nullableStr, role: nullableStr, key: nullableStr, attempt: int, simulated: z.optional(z.boolean()) }),
  'task.claimed': z.object({ taskId: int, subject: str, owner: nullableStr, attempt: int }),
  'task.completed': z.object({ taskId: int, subject: str, owner: nullableStr, simulated: z.optional(z.boolean()) }),
  'task.released': z.object({ taskId: int, subject: str, from: str, owner: z.optional(nullableStr), attempt: z.optional(int), note: z.optional(str) }),
  'task.updated': z.object({
    taskId: int,
    subject: str,
    fields: z.array(str),
    metadata: z.optional(z.record(str, z.json())),
    owner: z.optional(nullableStr),
  }),
  'task.deleted': z.object({ taskId: int, subject: str }),
  'task.dependency': z.object({ taskId: int, blockedBy: int }),
  'gate.added': z.object({ gate: int, before: str, kind: z.enum(['metric', 'approval']), description: str }),
  'gate.closed': gateChange,
  'gate.waiting': gateChange,
  'gate.passed': gateChange,
  'gate.failed': gateChange,
  'gate.overridden': gateChange,
  'gate.stopped': gateChange,
  'question.asked': z.object({
    question: int,
    kind: z.enum(['agent', 'gate', 'approval', 'budget', 'stuck', 'permission']),
    askedBy: str,
    taskId: z.nullable(int),
    headers: z.array(str),
    text: z.array(str),
  }),
  'question.answered': z.object({
    question: int,
    kind: z.enum(['agent', 'gate', 'approval', 'budget', 'stuck', 'permission']),
    askedBy: str,
    answeredBy: z.enum(['human', 'cli', 'auto', 'tape']),
    answers: z.union([z.array(answerPart), legacyAnswers]),
  }),
  'question.cancelled': z.object({ question: int, reason: str }),
  'message.sent': z.object({ from: str, to: str, recipients: z.array(str), summary: str }),
  'budget.raised': z.object({ answer: str, budgetUsd: z.optional(z.nullable(z.number())), budgetTokens: z.optional(z.nullable(int)) }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventPayload<K extends EventType> = z.output<(typeof EVENT_SCHEMAS)[K]>;

/** An event to append: its type and the payload of that type. */
export type NewEvent = { [K in EventType]: { type: K; payload: EventPayload<K> } }[EventType];

/** An event as stored: who did it, when, in which run, in order. */
export type BoardEvent = { [K in EventType]: { runId: number; seq: number; ts: number; actor: string; type: K; payload: EventPayload<K> } }[EventType];

export type EventOf<K extends EventType> = Extract<BoardEvent, { type: K }>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

export function isEvent<K extends EventType>(event: BoardEvent, type: K): event is EventOf<K> {
  return event.type === type;
}

// Apart from the schemas, so a store can write events without building them (./event-task-id.ts).
export { eventTaskId } from './event-task-id.js';

export interface StoredEventRow {
  runId: number;
  seq: number;
  ts: number;
  actor: string;
  type: string;
  payload: unknown;
}

/** Read a stored event back, checking its payload against the schema of its type; null for one this version cannot read. */
export function decodeEvent(row: StoredEventRow): BoardEvent | null {
  if (!isEventType(row.type)) return null;
  const parsed = EVENT_SCHEMAS[row.type].safeParse(row.payload);
  if (!parsed.success) return null;
  // The schema of row.type produced this payload, so the pair is one member of the union.
  return { runId: row.runId, seq: row.seq, ts: row.ts, actor: row.actor, type: row.type, payload: parsed.data } as BoardEvent;
}
