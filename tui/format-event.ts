import type { BoardEvent } from '../src/board/events.js';
import { flattenJson, formatValue, oneLine } from './format.js';

export type Tone = 'normal' | 'good' | 'bad' | 'ask' | 'dim' | 'say';

/** One event as a short line: who did it, what happened, and how to colour it. */
export interface EventLine {
  who: string;
  text: string;
  tone: Tone;
}

type Payload = BoardEvent['payload'];

const str = (p: Payload, key: string): string => {
  const value = p[key];
  return value === undefined || value === null ? '' : oneLine(formatValue(value));
};

const task = (p: Payload): string => {
  const subject = str(p, 'subject');
  return subject === '' ? `#${str(p, 'taskId')}` : `#${str(p, 'taskId')} ${subject}`;
};

const MEMBER_STATUS: Record<string, string> = {
  starting: 'is starting',
  working: 'is working',
  waiting: 'is waiting on a question',
  idle: 'is idle',
  stopped: 'stopped',
  dead: 'is dead (lease expired)',
};

function answersText(p: Payload): string {
  const answers = p.answers;
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers)) return '';
  return Object.values(answers)
    .map((v) => (Array.isArray(v) ? v.map((x) => formatValue(x)).join(', ') : formatValue(v)))
    .join(' / ');
}

function metadataText(p: Payload): string {
  const metadata = p.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return '';
  return Object.entries(metadata)
    .flatMap(([k, v]) => (v === null ? [`-${k}`] : flattenJson(v, k, 1).map(([key, text]) => `${key}=${text}`)))
    .join(' ');
}

/** Turn a board event into a feed line; unknown types still show, as their type name. */
export function describeEvent(event: BoardEvent): EventLine {
  const p = event.payload;
  const who = str(p, 'member') || event.actor;
  const line = (text: string, tone: Tone = 'normal', by = who): EventLine => ({ who: by, text, tone });
  switch (event.type) {
    case 'run.started':
      return line(`run started: ${str(p, 'team')} on ${str(p, 'backend')}`, 'dim');
    case 'run.running':
      return line(str(p, 'from') === 'paused' ? 'run resumed' : 'run running', 'good');
    case 'run.paused':
      return line(`run paused${reason(p)}`, 'ask');
    case 'run.completed':
      return line(`run completed${reason(p)}`, 'good');
    case 'run.failed':
      return line(`run failed${reason(p)}`, 'bad');
    case 'run.stopped':
      return line(`run stopped${reason(p)}`, 'bad');
    case 'member.joined':
      return line(`joined as ${str(p, 'role')} (${str(p, 'model')})`, 'dim');
    case 'member.status': {
      const to = str(p, 'to');
      return line(MEMBER_STATUS[to] ?? `is ${to}`, to === 'dead' ? 'bad' : 'dim');
    }
    case 'task.created':
      return line(`created ${task(p)}${str(p, 'stage') ? ` [${str(p, 'stage')}]` : ''}`, 'dim');
    case 'task.claimed': {
      const attempt = Number(p.attempt ?? 1);
      return line(`claimed ${task(p)}${attempt > 1 ? ` (attempt ${attempt})` : ''}`, 'normal', str(p, 'owner') || who);
    }
    case 'task.completed':
      return line(`completed ${task(p)}`, 'good', str(p, 'owner') || who);
    case 'task.released':
      return line(`${task(p)} back to pending`, 'ask');
    case 'task.updated': {
      const meta = metadataText(p);
      const fields = Array.isArray(p.fields) ? p.fields.filter((f) => f !== 'metadata').map((f) => String(f)) : [];
      const parts = [meta, fields.length > 0 ? `(${fields.join(', ')})` : ''].filter((s) => s !== '');
      return line(`updated #${str(p, 'taskId')}${parts.length > 0 ? `: ${parts.join(' ')}` : ''}`, 'dim');
    }
    case 'task.deleted':
      return line(`deleted ${task(p)}`, 'dim');
    case 'task.dependency':
      return line(`#${str(p, 'taskId')} now waits on #${str(p, 'blockedBy')}`, 'dim');
    case 'tool.called':
      return line(`${str(p, 'tool')}${str(p, 'summary') ? `: ${str(p, 'summary')}` : ''}`, 'normal');
    case 'member.said':
      return line(`“${str(p, 'text')}”`, 'say');
    case 'message.sent': {
      const summary = str(p, 'summary');
      return line(`→ ${str(p, 'to') === '*' ? 'everyone' : str(p, 'to')}${summary ? `: ${summary}` : ''}`, 'normal', str(p, 'from') || who);
    }
    case 'question.asked': {
      const texts = Array.isArray(p.text) ? p.text.map((t) => formatValue(t)) : [];
      return line(`asks q${str(p, 'question')}: ${texts.join(' / ')}`, 'ask', str(p, 'askedBy') || who);
    }
    case 'question.answered':
      return line(`answered q${str(p, 'question')}: ${answersText(p)}`, 'good', str(p, 'answeredBy') || who);
    case 'question.cancelled':
      return line(`q${str(p, 'question')} cancelled${reason(p)}`, 'dim');
    case 'gate.added':
      return line(`gate ${str(p, 'gate')}: ${str(p, 'description')}`, 'dim');
    default:
      if (event.type.startsWith('gate.')) return gateLine(event, who);
      return line(event.type, 'dim');
  }
}

function gateLine(event: BoardEvent, who: string): EventLine {
  const p = event.payload;
  const status = event.type.slice('gate.'.length);
  const detail = str(p, 'detail');
  const tone: Tone = status === 'passed' || status === 'overridden' ? 'good' : status === 'failed' || status === 'stopped' ? 'bad' : 'ask';
  return { who, text: `gate ${str(p, 'gate')} ${status}: ${str(p, 'description')}${detail ? ` (${detail})` : ''}`, tone };
}

function reason(p: Payload): string {
  const text = str(p, 'reason');
  return text === '' ? '' : `: ${text}`;
}
