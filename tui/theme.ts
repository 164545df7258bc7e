import type { GateStatus, MemberStatus, RunStatus } from '../db/schema.js';
import type { Tone } from './format-event.js';

export const RUN_STATUS_COLOR: Record<RunStatus, string> = {
  running: 'green',
  paused: 'yellow',
  completed: 'cyan',
  failed: 'red',
  stopped: 'magenta',
};

export const MEMBER_STATUS_COLOR: Record<MemberStatus, string> = {
  starting: 'cyan',
  working: 'green',
  waiting: 'yellow',
  idle: 'gray',
  stopped: 'magenta',
  dead: 'red',
};

export const GATE_MARK: Record<GateStatus, { mark: string; color: string }> = {
  pending: { mark: '◷', color: 'yellow' },
  waiting: { mark: '◷', color: 'yellow' },
  passed: { mark: '✓', color: 'green' },
  overridden: { mark: '✓', color: 'yellow' },
  failed: { mark: '✗', color: 'red' },
  stopped: { mark: '✗', color: 'magenta' },
};

export const TONE_COLOR: Record<Tone, string | undefined> = {
  normal: undefined,
  good: 'green',
  bad: 'red',
  ask: 'yellow',
  dim: 'gray',
  say: 'cyan',
};

export const COLUMN_COLOR = {
  pending: 'white',
  blocked: 'yellow',
  in_progress: 'cyan',
  done: 'green',
} as const;
