import type { RunState } from '../src/board/snapshot.js';
import type { GateStatus, MemberStatus } from '../src/board/types.js';
import type { Tone } from './describe-event.js';

export const RUN_STATE_COLOR: Record<RunState, string> = {
  running: 'green',
  paused: 'yellow',
  completed: 'cyan',
  failed: 'red',
  stopped: 'magenta',
  crashed: 'red',
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
  closed: { mark: '◷', color: 'yellow' },
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
  ready: 'white',
  blocked: 'yellow',
  in_progress: 'cyan',
  done: 'green',
} as const;
