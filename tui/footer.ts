import { isTerminal } from '../src/board/liveness.js';
import type { RunState } from '../src/board/snapshot.js';
import { padLine, seg, type Line } from './lines.js';

export type Focus = 'board' | 'question' | 'detail';

export interface FooterState {
  focus: Focus;
  mode: 'attach' | 'owner';
  runId: number;
  runState: RunState;
  hasQuestion: boolean;
  confirmStop: boolean;
  notice: string | null;
  error: string | null;
}

export function footerLine(state: FooterState, width: number): Line {
  if (state.confirmStop) {
    const text = ` Stop run ${state.runId}? Every agent stops after its current step.  y stop · n keep going `;
    return padLine([seg(text, { bold: true })], width).map((s) => ({ ...s, inverse: true, color: 'red' }));
  }
  const live = state.runState !== 'crashed' && !isTerminal(state.runState);
  const keys: string[] = [];
  if (state.focus === 'question') keys.push('Esc board', 'Ctrl-C detach');
  else if (state.focus === 'detail') keys.push('↑↓ scroll', 'Esc close', 'q detach');
  else {
    keys.push('←→↑↓/Tab select', '⏎ details');
    if (live) keys.push(state.runState === 'paused' ? 'p resume' : 'p pause');
    if (state.hasQuestion) keys.push('a answer');
    keys.push(state.mode === 'owner' && live ? 'q detach (run goes on)' : 'q detach');
    if (live) keys.push('Q stop');
  }
  const line: Line = [];
  if (state.error) line.push(seg(state.error, { color: 'red', bold: true }), seg('  '));
  else if (state.notice) line.push(seg(state.notice, { color: 'yellow' }), seg('  '));
  line.push(seg(keys.join(' · '), { dim: true }));
  return line;
}
