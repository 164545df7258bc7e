import { isTerminal } from '../src/board/liveness.js';
import type { RunState } from '../src/board/snapshot.js';
import { lineLength, padLine, seg, type Line } from './lines.js';

/** What has the keyboard. */
export type Focus = 'board' | 'question' | 'detail' | 'doc' | 'files' | 'help';

export interface FooterState {
  focus: Focus;
  mode: 'attach' | 'owner';
  runId: number;
  runState: RunState;
  hasQuestion: boolean;
  /** Printable keys go into an answer being typed (q and ? are text then). */
  typing: boolean;
  /** The question or task on screen names workspace files (o opens them). */
  files: boolean;
  confirmStop: boolean;
  notice: string | null;
  error: string | null;
}

export function isLiveState(state: RunState): boolean {
  return state !== 'crashed' && !isTerminal(state);
}

/** What Ctrl-C does, which depends on whether this process drives a live run. */
export function ctrlCHint(state: Pick<FooterState, 'mode' | 'runState'>): string {
  return state.mode === 'owner' && isLiveState(state.runState) ? 'Ctrl-C stop (asks first)' : 'Ctrl-C detach';
}

/** The keys that work now, most useful first; `must` ones stay when the line is cut to the width. */
function keysFor(state: FooterState): { key: string; must?: boolean }[] {
  const live = isLiveState(state.runState);
  const leave = state.mode === 'owner' && live ? 'q detach (run goes on)' : live ? 'q detach' : 'q close';
  const ctrlC = { key: ctrlCHint(state), must: true };
  switch (state.focus) {
    case 'help':
      return [{ key: 'Esc or ? close this', must: true }, { key: leave }, ctrlC];
    case 'question':
      if (state.typing) return [{ key: 'typing: q and ? are text', must: true }, { key: 'Esc clears' }, ...(state.files ? [{ key: 'Ctrl-O files' }] : []), ctrlC];
      // Letters start an answer here: the board's keys (q, p, f) are one Esc away.
      return [{ key: 'type to answer', must: true }, { key: 'Esc board', must: true }, ...(state.files ? [{ key: 'Ctrl-O files' }] : []), { key: '? keys', must: true }, ctrlC];
    case 'detail':
      return [{ key: 'Esc close', must: true }, { key: '? keys', must: true }, { key: leave }, ctrlC];
    case 'doc':
    case 'files':
      return [{ key: 'Esc back', must: true }, { key: '? keys', must: true }, { key: leave }, ctrlC];
    case 'board': {
      const keys: { key: string; must?: boolean }[] = [{ key: '←→↑↓ select' }, { key: '⏎ details' }];
      if (state.hasQuestion) keys.unshift({ key: 'a answer', must: true });
      if (live) keys.push({ key: state.runState === 'paused' ? 'p resume' : 'p pause' });
      keys.push({ key: 'f files' }, { key: 'm member' }, { key: 'PgUp/PgDn feed' }, { key: '? keys', must: true }, { key: leave, must: true });
      if (live) keys.push({ key: 'Q stop' });
      keys.push(ctrlC);
      return keys;
    }
  }
}

export function footerLine(state: FooterState, width: number): Line {
  if (state.confirmStop) {
    const text = ` Stop run ${state.runId}? Every agent stops after its current step.  y stop · n keep going `;
    return padLine([seg(text, { bold: true })], width).map((s) => ({ ...s, inverse: true, color: 'red' }));
  }
  const line: Line = [];
  if (state.error) line.push(seg(state.error, { color: 'red', bold: true }), seg('  '));
  else if (state.notice) line.push(seg(state.notice, { color: 'yellow' }), seg('  '));
  const room = Math.max(0, width - lineLength(line));
  let keys = keysFor(state);
  // Drop the optional keys from the end until the rest fits; the ones a person needs to get out stay.
  while (keys.map((k) => k.key).join(' · ').length > room && keys.some((k) => !k.must)) {
    const drop = keys.map((k) => k.must === true).lastIndexOf(false);
    keys = keys.filter((_, i) => i !== drop);
  }
  line.push(seg(keys.map((k) => k.key).join(' · '), { dim: true }));
  return line;
}
