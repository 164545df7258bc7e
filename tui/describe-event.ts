import { describeAnswers } from '../src/board/answers.js';
import type { BoardEvent, EventOf } from '../src/board/events.js';
import type { Json } from '../src/board/types.js';
import { flattenJson, oneLine } from './format.js';

export type Tone = 'normal' | 'good' | 'bad' | 'ask' | 'dim' | 'say';

/**
 * One event as a person reads it, before it is drawn: the board's activity feed shows every
 * line with `who` in a column of its own; headless progress prints the important ones as text.
 */
export interface EventLine {
  /** Who did it: a member, a person (human, cli, auto, tape) or the coordinator. */
  who: string;
  /** What happened. Its subject is `who` ("claimed #4 Train"), unless `standalone`. */
  text: string;
  tone: Tone;
  /** Worth a line of its own in headless progress. */
  important: boolean;
  /**
   * A meaningful step, worth a line in the board's activity feed: one line per step, so the events
   * that only restate another (a TaskUpdate call and the completion it made, a status change the
   * members panel shows) are left out.
   */
  feed: boolean;
  /** The text names its own subject (news about the run or a gate): headless prints it without `who`. */
  standalone: boolean;
  /** What a person can do about it from a shell, e.g. `team answer 3 q2 <choice>`. */
  hint?: string;
}

const MEMBER_STATUS: Record<string, string> = {
  starting: 'is starting',
  working: 'is working',
  waiting: 'is waiting on a question',
  idle: 'is idle',
  stopped: 'stopped',
  dead: 'is dead (lease expired)',
};

const QUESTION_VERB: Record<EventOf<'question.asked'>['payload']['kind'], string> = {
  agent: 'asks',
  gate: 'asks what to do about a gate,',
  approval: 'asks for approval,',
  budget: 'asks about the budget,',
  stuck: 'is stuck and asks',
  permission: 'asks permission,',
};

const GATE_TONE: Record<GateEventType, Tone> = {
  'gate.closed': 'dim',
  'gate.waiting': 'ask',
  'gate.passed': 'good',
  'gate.overridden': 'good',
  'gate.failed': 'bad',
  'gate.stopped': 'bad',
};

/** Tools that act on the board: the board records what they did as events of its own. */
const BOARD_TOOLS = new Set(['TaskList', 'TaskGet', 'TaskUpdate', 'TaskCreate', 'AskUserQuestion', 'SendMessage']);

type GateEventType = 'gate.closed' | 'gate.waiting' | 'gate.passed' | 'gate.failed' | 'gate.overridden' | 'gate.stopped';

const task = (id: number, subject: string): string => (subject === '' ? `#${id}` : `#${id} ${oneLine(subject)}`);
const reason = (text: string | null | undefined): string => (text ? `: ${oneLine(text)}` : '');
const attempt = (n: number | undefined): string => (n !== undefined && n > 1 ? ` (attempt ${n})` : '');

/** A list of names, the first few spelled out. */
function names(list: string[], max = 3): string {
  const shown = list.slice(0, max).join(', ');
  return list.length > max ? `${shown} +${list.length - max}` : shown;
}

/** Metadata that is the simulated model's own bookkeeping (its script in older runs, its step count): never shown. */
export const SIM_METADATA: readonly string[] = ['sim', 'completed_steps'];

function metadataText(metadata: Record<string, Json> | undefined): string {
  if (metadata === undefined) return '';
  return Object.entries(metadata)
    .filter(([k]) => !SIM_METADATA.includes(k))
    .flatMap(([k, v]) => (v === null ? [`-${k}`] : flattenJson(v, k, 1).map(([key, text]) => `${key}=${text}`)))
    .join(' ');
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

/** Turn a board event into a line: one exhaustive switch over the typed events, used by the feed and headless progress. */
export function describeEvent(event: BoardEvent): EventLine {
  const run = `run ${event.runId}`;
  const by = event.actor;
  const line = (who: string, text: string, tone: Tone, important: boolean, more: Partial<Pick<EventLine, 'standalone' | 'hint' | 'feed'>> = {}): EventLine => ({
    who,
    text,
    tone,
    important,
    feed: more.feed ?? important,
    standalone: more.standalone ?? false,
    ...(more.hint !== undefined ? { hint: more.hint } : {}),
  });
  const news = (text: string, tone: Tone, important = true, hint?: string) => line(by, text, tone, important, { standalone: true, ...(hint !== undefined ? { hint } : {}) });

  switch (event.type) {
    case 'run.started': {
      const p = event.payload;
      return news(`${run} started: team ${p.team}, backend ${p.backend} (seed ${p.seed})`, 'dim');
    }
    case 'run.running': {
      const p = event.payload;
      const again = p.from === 'paused' || p.from === 'stopped' || p.from === 'failed';
      return news(p.from === 'paused' ? `${run} resumed${p.reason ? ` (${oneLine(p.reason)})` : ''}` : again ? `${run} running again${p.reason ? ` (${oneLine(p.reason)})` : ''}` : `${run} running`, 'good', again);
    }
    case 'run.paused':
      return news(`${run} paused${reason(event.payload.reason)}`, 'ask');
    case 'run.completed':
      return news(`${run} completed${reason(event.payload.reason)}`, 'good');
    case 'run.failed':
      return news(`${run} failed${reason(event.payload.reason)}`, 'bad');
    case 'run.stopped':
      return news(`${run} stopped${reason(event.payload.reason)}`, 'bad');
    case 'run.resumed': {
      const p = event.payload;
      return news(`${run} resumed${p.driver ? ` by ${p.driver}` : ''}`, 'good');
    }
    case 'run.crashed': {
      const p = event.payload;
      const silent = p.lastBeat === null ? '' : ` (silent for ${seconds(Math.max(0, event.ts - p.lastBeat))})`;
      return news(`${run} crashed: the process driving it stopped${silent}`, 'bad', true, `team resume ${event.runId}`);
    }
    case 'member.joined': {
      const p = event.payload;
      return line(p.member, `joined as ${p.role} (${p.model})`, 'dim', false);
    }
    case 'member.status': {
      const p = event.payload;
      return line(p.member, MEMBER_STATUS[p.to] ?? `is ${p.to}`, p.to === 'dead' ? 'bad' : 'dim', false, { feed: p.to === 'dead' });
    }
    case 'member.removed': {
      const p = event.payload;
      return line(p.member, `${p.state === 'dead' ? 'is dead' : 'stopped'}${reason(p.reason)}`, 'bad', true);
    }
    case 'member.said':
      return line(event.payload.member, `“${oneLine(event.payload.text)}”`, 'say', false, { feed: true });
    case 'model.retrying': {
      const p = event.payload;
      const cause = p.status !== null ? `${p.status} (${oneLine(p.reason)})` : oneLine(p.reason);
      return line(p.member, `model call failed: ${cause}; retrying in ${seconds(p.waitMs)}, ${p.attempt} of ${p.of}`, 'ask', true);
    }
    case 'tool.called': {
      const p = event.payload;
      const parts = [`${p.tool}${p.summary ? `: ${oneLine(p.summary)}` : ''}`];
      const failedExit = p.exitCode !== undefined && p.exitCode !== null && p.exitCode !== 0;
      if (failedExit) parts.push(`exit ${p.exitCode}`);
      if (p.files && p.files.length > 0) parts.push(`wrote ${names(p.files)}`);
      if (!p.ok) parts.push(`error: ${oneLine(p.error ?? 'failed')}`);
      // A board tool's call that worked is told by the board's own event (claimed, completed, asked).
      const feed = !p.ok || !BOARD_TOOLS.has(p.tool);
      return line(p.member, parts.join(' · '), p.ok && !failedExit ? 'normal' : 'bad', true, { feed });
    }
    case 'task.created': {
      const p = event.payload;
      const simulated = p.simulated ? ' (simulated)' : '';
      // The team's plan is created at the start in one go: only later tasks (a retrain, an agent's own) are news.
      const later = p.attempt > 1 || (by !== 'coordinator' && by !== 'human');
      return line(by, `created ${task(p.taskId, p.subject)}${p.stage ? ` [${p.stage}]` : ''}${attempt(p.attempt)}${simulated}`, 'dim', by !== 'human', { feed: later });
    }
    case 'task.claimed': {
      const p = event.payload;
      return line(p.owner ?? by, `claimed ${task(p.taskId, p.subject)}${attempt(p.attempt)}`, 'normal', true);
    }
    case 'task.completed': {
      const p = event.payload;
      return line(p.owner ?? by, `completed ${task(p.taskId, p.subject)}${p.simulated ? ' (simulated: nothing real was done)' : ''}`, 'good', true);
    }
    case 'task.released': {
      const p = event.payload;
      return line(by, `gave ${task(p.taskId, p.subject)} back${p.from ? ` from ${p.from}` : ''}; it is ready again${attempt(p.attempt)}${reason(p.note)}`, 'ask', true);
    }
    case 'task.updated': {
      const p = event.payload;
      const fields = p.fields.filter((f) => f !== 'metadata');
      const detail = [metadataText(p.metadata), fields.length > 0 ? `(${fields.join(', ')})` : ''].filter((s) => s !== '');
      // Worth a feed line when it recorded something a person reads (not only the dry run's bookkeeping).
      return line(by, `updated #${p.taskId}${detail.length > 0 ? `: ${detail.join(' ')}` : ''}`, 'dim', false, { feed: metadataText(p.metadata) !== '' });
    }
    case 'task.deleted':
      return line(by, `deleted ${task(event.payload.taskId, event.payload.subject)}`, 'dim', false, { feed: true });
    case 'task.dependency':
      return line(by, `#${event.payload.taskId} now waits on #${event.payload.blockedBy}`, 'dim', false);
    case 'gate.added':
      return news(`gate ${event.payload.gate} added: ${event.payload.description}`, 'dim', false);
    case 'gate.closed':
    case 'gate.waiting':
    case 'gate.passed':
    case 'gate.failed':
    case 'gate.overridden':
    case 'gate.stopped':
      return gateLine(event);
    case 'question.asked': {
      const p = event.payload;
      const headers = p.headers.length > 0 ? ` [${p.headers.join(', ')}]` : '';
      return line(p.askedBy, `${QUESTION_VERB[p.kind]} q${p.question}${headers}: ${p.text.map(oneLine).join(' / ')}`, 'ask', true, {
        hint: `options: team status ${event.runId}; answer: team answer ${event.runId} q${p.question} <choice>`,
      });
    }
    case 'question.answered': {
      const p = event.payload;
      return line(p.answeredBy, `answered q${p.question}: ${oneLine(describeAnswers(p.answers))}`, 'good', true);
    }
    case 'question.cancelled':
      return line(by, `q${event.payload.question} cancelled${reason(event.payload.reason)}`, 'dim', false, { feed: true });
    case 'message.sent': {
      const p = event.payload;
      return line(p.from, `→ ${p.to === '*' ? 'everyone' : p.to}${p.summary ? `: ${oneLine(p.summary)}` : ''}`, 'normal', true);
    }
    case 'budget.raised': {
      const p = event.payload;
      const limits = [p.budgetUsd != null ? `$${p.budgetUsd.toFixed(2)}` : '', p.budgetTokens != null ? `${p.budgetTokens} tokens` : ''].filter((s) => s !== '');
      return line(by, `raised the budget${limits.length > 0 ? ` to ${limits.join(' and ')}` : ''}: ${oneLine(p.answer)}`, 'good', true);
    }
  }
}

function gateLine(event: EventOf<GateEventType>): EventLine {
  const p = event.payload;
  const status = event.type.slice('gate.'.length);
  const what = p.detail ?? p.description;
  const note = p.note ? ` (note: ${oneLine(p.note)})` : '';
  const important = event.type !== 'gate.closed' && event.type !== 'gate.waiting';
  return { who: event.actor, text: `gate before ${p.before} ${status}: ${oneLine(what)}${note}`, tone: GATE_TONE[event.type], important, feed: event.type !== 'gate.closed', standalone: true };
}

