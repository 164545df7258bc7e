import type { BoardEvent } from '../board/events.js';

/** One plain line for each event a person watching a headless run cares about; null to skip. */
export function formatEvent(event: BoardEvent, runId: number): string | null {
  const p = event.payload as Record<string, unknown>;
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  switch (event.type) {
    case 'run.started':
      return `run ${runId} started: team ${s(p.team)}, backend ${s(p.backend)} (seed ${s(p.seed)})`;
    case 'run.completed':
    case 'run.failed':
    case 'run.stopped':
    case 'run.paused':
      return `run ${runId} ${event.type.slice(4)}${p.reason ? `: ${s(p.reason)}` : ''}`;
    case 'run.running':
      return p.from === 'paused' || p.from === 'stopped' || p.from === 'failed' ? `run ${runId} running again${p.reason ? ` (${s(p.reason)})` : ''}` : null;
    case 'run.resumed':
      return `run ${runId} resumed`;
    case 'task.created':
      return event.actor === 'human' ? null : `${event.actor} created #${s(p.taskId)} ${s(p.subject)}${p.stage ? ` [${s(p.stage)}]` : ''}`;
    case 'task.claimed':
      return `${s(p.owner ?? event.actor)} claimed #${s(p.taskId)} ${s(p.subject)}`;
    case 'task.completed':
      return `${s(p.owner ?? event.actor)} completed #${s(p.taskId)} ${s(p.subject)}`;
    case 'task.released':
      return `#${s(p.taskId)} ${s(p.subject)} is pending again${p.note ? `: ${s(p.note)}` : ''}`;
    case 'tool.called':
      return `  ${s(p.member)} ${s(p.tool)}${p.summary ? ` ${s(p.summary)}` : ''}${p.ok === false ? ` -> error: ${s(p.error)}` : ''}`;
    case 'question.asked': {
      const headers = Array.isArray(p.headers) ? p.headers.join(', ') : '';
      const text = Array.isArray(p.text) ? p.text.join(' / ') : '';
      return `? q${s(p.question)} from ${s(p.askedBy)} [${headers}] ${text}  (answer: team answer ${runId} q${s(p.question)} <choice>)`;
    }
    case 'question.answered': {
      const answers = Object.values((p.answers ?? {}) as Record<string, unknown>)
        .map((a) => (Array.isArray(a) ? a.join(', ') : s(a)))
        .join(' / ');
      return `  q${s(p.question)} answered (${s(p.answeredBy)}): ${answers}`;
    }
    case 'gate.passed':
    case 'gate.failed':
    case 'gate.overridden':
    case 'gate.stopped':
      return `gate before ${s(p.before)} ${event.type.slice(5)}: ${s(p.detail ?? p.description)}`;
    case 'message.sent':
      return `${s(p.from)} -> ${s(p.to)}: ${s(p.summary)}`;
    case 'member.removed':
      return `${s(p.member)} ${s(p.state)}: ${s(p.reason)}`;
    case 'budget.raised':
      return `budget raised: ${s(p.answer)}`;
    default:
      return null;
  }
}
