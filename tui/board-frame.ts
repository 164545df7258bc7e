import type { BoardSnapshot, OpenQuestion } from '../src/board/snapshot.js';
import { feedLines } from './activity-feed.js';
import { footerLine, type Focus } from './footer.js';
import { headerLines } from './header.js';
import { allocateRows, frameHeight, layoutMode, splitBody, type Size } from './layout.js';
import type { Line } from './lines.js';
import { membersLines } from './members-panel.js';
import { questionBanner, questionLines } from './question-panel.js';
import type { AnswerDraft } from './question-input.js';
import { gridRowNeeds, taskGridLines } from './task-columns.js';
import { detailFrameLines, type DetailData } from './task-detail.js';

export interface FrameState {
  snapshot: BoardSnapshot;
  size: Size;
  now: number;
  mode: 'attach' | 'owner';
  focus: Focus;
  selectedId: number | null;
  detail: DetailData | null;
  detailScroll: number;
  /** The question being answered (it stays until answered, even if older ones arrive). */
  question: OpenQuestion | null;
  draft: AnswerDraft | null;
  confirmStop: boolean;
  notice: string | null;
  error: string | null;
}

/**
 * The whole board as rows, laid out to fit `size`: exactly rows - 1 lines (so the terminal never
 * scrolls), none wider than the terminal.
 */
export function frameLines(state: FrameState): Line[] {
  const { snapshot, size, now, focus, question, draft } = state;
  const width = Math.max(1, size.columns);
  const height = frameHeight(size);
  const layout = layoutMode(width);
  const lines: Line[] = headerLines(snapshot, now, layout, height >= 14 ? 2 : 1).slice(0, Math.max(0, height - 1));
  let rest = Math.max(0, height - lines.length - 1);

  const pending = snapshot.questions.length;
  if (question && focus === 'question' && draft) {
    const minBody = rest >= 16 ? 6 : 0;
    const panel = questionLines(question, draft, pending, width, Math.max(3, rest - minBody)).slice(0, rest);
    lines.push(...panel);
    rest -= panel.length;
  } else if (question && rest > 1) {
    lines.push(questionBanner(question, pending));
    rest -= 1;
  }

  if (state.detail && focus === 'detail' && rest > 2) {
    lines.push(...detailFrameLines(state.detail, snapshot.run.startedAt, width, rest, state.detailScroll));
  } else if (rest > 0) {
    const split = splitBody(rest, snapshot.members.length, layout);
    const rowHeights = allocateRows(split.tasks, gridRowNeeds(snapshot.tasks, layout));
    let spare = split.tasks - rowHeights.reduce((a, b) => a + b, 0);
    const membersHeight = snapshot.members.length === 0 ? 0 : Math.min(1 + snapshot.members.length, split.members + spare);
    spare -= membersHeight - split.members;
    const feedHeight = split.feed + spare;
    lines.push(...taskGridLines(snapshot.tasks, snapshot.run.pipeline, width, rowHeights, layout, state.selectedId));
    lines.push(...membersLines(snapshot.members, width, membersHeight, layout).slice(0, membersHeight));
    lines.push(...feedLines(snapshot.events, snapshot.run.startedAt, width, feedHeight));
  }

  while (lines.length < height - 1) lines.push([]);
  lines.length = Math.min(lines.length, height - 1);
  lines.push(
    footerLine(
      {
        focus,
        mode: state.mode,
        runId: snapshot.run.id,
        runState: snapshot.run.state,
        hasQuestion: pending > 0,
        confirmStop: state.confirmStop,
        notice: state.notice,
        error: state.error,
      },
      width,
    ),
  );
  return lines;
}
