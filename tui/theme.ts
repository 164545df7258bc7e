import type { RunState, SnapshotGate } from '../src/board/snapshot.js';
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

/**
 * How a gate looks in each status: a mark, a colour and a word, so passed, overridden, failed,
 * closed and waiting gates differ even without colour.
 */
export const GATE_LOOK: Record<GateStatus, { mark: string; color: string; word: (gate: Pick<SnapshotGate, 'kind' | 'decidedBy'>) => string }> = {
  closed: { mark: '○', color: 'gray', word: () => 'not yet' },
  waiting: { mark: '◷', color: 'yellow', word: (g) => (g.kind === 'approval' ? 'waiting for you' : 'checking') },
  passed: { mark: '✓', color: 'green', word: (g) => (g.kind === 'approval' ? `approved${g.decidedBy ? ` by ${g.decidedBy}` : ''}` : 'passed') },
  overridden: { mark: '⚑', color: 'yellow', word: (g) => `overridden${g.decidedBy ? ` by ${g.decidedBy}` : ''}` },
  failed: { mark: '✗', color: 'red', word: () => 'failed' },
  stopped: { mark: '■', color: 'magenta', word: (g) => (g.kind === 'approval' ? 'rejected' : 'stopped the run') },
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
