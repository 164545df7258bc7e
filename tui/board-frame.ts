import type { BoardSnapshot, OpenQuestion } from '../src/board/snapshot.js';
import { FEED_ALL, feedLines, type FeedView } from './activity-feed.js';
import { docBody, docFrameLines, type Doc } from './document.js';
import { endingLines, hasEnded, type RunEnd } from './ending.js';
import { browserLines, type BrowserState } from './file-browser.js';
import { footerLine, type Focus } from './footer.js';
import { headerLines } from './header.js';
import { helpLines } from './help-overlay.js';
import { allocateRows, frameHeight, layoutMode, splitBody, type LayoutMode, type Size } from './layout.js';
import type { Line } from './lines.js';
import { membersLines } from './members-panel.js';
import type { AnswerDraft } from './question-input.js';
import { questionBanner, questionLines } from './question-panel.js';
import { gridRowNeeds, taskGridLines } from './task-columns.js';
import { detailContent, detailFrameLines, type DetailContent, type DetailData } from './task-detail.js';
import type { DirListing } from './workspace-files.js';

export interface FrameState {
  snapshot: BoardSnapshot;
  size: Size;
  now: number;
  mode: 'attach' | 'owner';
  focus: Focus;
  selectedId: number | null;
  detail: DetailData | null;
  detailScroll: number;
  /** The command selected in the detail (Tab), by its index among the task's commands. */
  detailCommand: number | null;
  /** Workspace files the task in the detail names or wrote (that exist). */
  detailFiles: readonly string[];
  /** The question being answered (it stays until answered, even if older ones arrive). */
  question: OpenQuestion | null;
  draft: AnswerDraft | null;
  /** Workspace files the question names (that exist). */
  questionFiles: readonly string[];
  confirmStop: boolean;
  notice: string | null;
  error: string | null;
  feed: FeedView;
  doc: Doc | null;
  docScroll: number;
  browser: BrowserState | null;
  listing: DirListing | null;
  helpScroll: number;
  /** Spinner frame for members in the middle of a step. */
  spin: number;
  /** How long the run took, once it ended (the one duration the report uses too). */
  end: RunEnd | null;
  /** Printable keys go into an answer being typed. */
  typing: boolean;
}

/** A frame of the board with nothing selected, opened or typed: for static output and benchmarks. */
export function plainFrameState(snapshot: BoardSnapshot, size: Size, now: number): FrameState {
  const question = snapshot.questions[0] ?? null;
  return {
    snapshot,
    size,
    now,
    mode: 'attach',
    focus: question ? 'question' : 'board',
    selectedId: null,
    detail: null,
    detailScroll: 0,
    detailCommand: null,
    detailFiles: [],
    question,
    draft: question ? { questionId: question.id, part: 0, cursor: 0, selected: [], other: '', answers: [], error: null, scroll: 0, words: null } : null,
    questionFiles: [],
    confirmStop: false,
    notice: null,
    error: null,
    feed: FEED_ALL,
    doc: null,
    docScroll: 0,
    browser: null,
    listing: null,
    helpScroll: 0,
    spin: 0,
    end: null,
    typing: false,
  };
}

// Rendering a document (Markdown, JSON) is the one costly part of a frame: keep it per document and width.
const bodies = new WeakMap<Doc, { width: number; lines: Line[] }>();

export function cachedDocBody(doc: Doc, width: number): Line[] {
  const hit = bodies.get(doc);
  if (hit && hit.width === width) return hit.lines;
  const lines = docBody(doc, width);
  bodies.set(doc, { width, lines });
  return lines;
}

export const DOC_KEYS = '↑↓ PgUp/PgDn scroll · g/G top/end · Esc back';

/** The detail's content for the frame and for the keys (how far it scrolls, where its commands are). */
export function frameDetailContent(state: Pick<FrameState, 'detail' | 'snapshot' | 'size' | 'detailFiles' | 'detailCommand'>): DetailContent | null {
  const data = state.detail;
  if (!data) return null;
  const summary = Object.values(state.snapshot.tasks)
    .flat()
    .find((t) => t.id === data.task.id);
  return detailContent(data, {
    startedAt: state.snapshot.run.startedAt,
    width: Math.max(1, state.size.columns),
    ...(summary ? { summary } : {}),
    snapshot: state.snapshot,
    files: state.detailFiles,
    command: state.detailCommand,
  });
}

/** Rows of the frame the header takes at this height. */
export function headerRows(height: number): number {
  return height >= 20 ? 3 : height >= 12 ? 2 : 1;
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
  const duration = state.end ? { durationMs: state.end.workMs } : {};
  const lines: Line[] = headerLines(snapshot, now, width, headerRows(height), duration).slice(0, Math.max(0, height - 1));
  let rest = Math.max(0, height - lines.length - 1);
  const pending = snapshot.questions.length;

  if (focus === 'help') {
    lines.push(...helpLines(width, rest, state.helpScroll));
  } else if (focus === 'doc' && state.doc) {
    lines.push(...docFrameLines(state.doc, cachedDocBody(state.doc, width), width, rest, state.docScroll, DOC_KEYS));
  } else if (focus === 'files' && state.browser) {
    lines.push(...browserLines(state.browser, state.listing, snapshot.run.workspace, width, rest));
  } else {
    if (hasEnded(snapshot) && rest > 10) {
      const ending = endingLines(snapshot, state.end, width);
      lines.push(...ending);
      rest -= ending.length;
    }
    if (question && focus === 'question' && draft) {
      const minBody = rest >= 16 ? 6 : 0;
      const panel = questionLines(question, draft, pending, width, Math.max(3, rest - minBody), { files: state.questionFiles }).slice(0, rest);
      lines.push(...panel);
      rest -= panel.length;
    } else if (question && rest > 1) {
      lines.push(questionBanner(question, pending));
      rest -= 1;
    }
    const content = focus === 'detail' ? frameDetailContent(state) : null;
    if (state.detail && content && rest > 2) {
      lines.push(...detailFrameLines(state.detail, content, width, rest, state.detailScroll, state.detailFiles.length > 0));
    } else if (rest > 0) {
      const { rowHeights, membersHeight, feedHeight } = bodyLayout(snapshot, layout, rest);
      lines.push(...taskGridLines(snapshot.tasks, snapshot, width, rowHeights, layout, state.selectedId));
      lines.push(...membersLines(snapshot.members, width, membersHeight, layout, { snapshot, now, spin: state.spin }).slice(0, membersHeight));
      lines.push(...feedLines(snapshot.events, snapshot.run.startedAt, width, feedHeight, state.feed));
    }
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
        typing: state.typing,
        files: (focus === 'question' ? state.questionFiles : state.detailFiles).length > 0,
        confirmStop: state.confirmStop,
        notice: state.notice,
        error: state.error,
      },
      width,
    ),
  );
  return lines;
}

/** How the board's body shares `rows` between the task grid, the members and the feed. */
export function bodyLayout(snapshot: BoardSnapshot, layout: LayoutMode, rows: number): { rowHeights: number[]; membersHeight: number; feedHeight: number } {
  const split = splitBody(rows, snapshot.members.length, layout);
  const rowHeights = allocateRows(split.tasks, gridRowNeeds(snapshot.tasks, layout));
  let spare = split.tasks - rowHeights.reduce((a, b) => a + b, 0);
  const membersHeight = snapshot.members.length === 0 ? 0 : Math.min(1 + snapshot.members.length, split.members + spare);
  spare -= membersHeight - split.members;
  return { rowHeights, membersHeight, feedHeight: split.feed + spare };
}

/** Feed rows when the board shows its body at this size (how far PgUp scrolls the feed). */
export function feedHeightFor(snapshot: BoardSnapshot, size: Size, banner: boolean): number {
  const width = Math.max(1, size.columns);
  const height = frameHeight(size);
  let rest = Math.max(0, height - headerRows(height) - 1 - (banner ? 1 : 0));
  if (hasEnded(snapshot) && rest > 10) rest -= endingLines(snapshot, null, width).length;
  return bodyLayout(snapshot, layoutMode(width), rest).feedHeight;
}
