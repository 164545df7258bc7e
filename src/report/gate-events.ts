/** A gate's status changes, read off the run's events. */
import type { BoardEvent } from '../board/events.js';
import type { GateStatus } from '../board/types.js';

type GateEventType = 'gate.closed' | 'gate.waiting' | 'gate.passed' | 'gate.failed' | 'gate.overridden' | 'gate.stopped';

const STATUS: Record<GateEventType, GateStatus> = {
  'gate.closed': 'closed',
  'gate.waiting': 'waiting',
  'gate.passed': 'passed',
  'gate.failed': 'failed',
  'gate.overridden': 'overridden',
  'gate.stopped': 'stopped',
};

export interface GateChange {
  at: number;
  gate: number;
  before: string;
  status: GateStatus;
  detail: string | null;
  note: string | null;
}

/** The status change an event records, or null for an event about something else. */
export function gateChange(e: BoardEvent): GateChange | null {
  switch (e.type) {
    case 'gate.closed':
    case 'gate.waiting':
    case 'gate.passed':
    case 'gate.failed':
    case 'gate.overridden':
    case 'gate.stopped':
      return { at: e.ts, gate: e.payload.gate, before: e.payload.before, status: STATUS[e.type], detail: e.payload.detail, note: e.payload.note ?? null };
    default:
      return null;
  }
}

export function gateChanges(events: readonly BoardEvent[]): GateChange[] {
  return events.flatMap((e) => gateChange(e) ?? []);
}
