import { Box, Text, useApp, useInput, useStdin, type Key } from 'ink';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Actor } from '../src/board/actor.js';
import { describeAnswers } from '../src/board/answers.js';
import type { Board } from '../src/board/board.js';
import { isTerminal } from '../src/board/liveness.js';
import type { BoardSnapshot, OpenQuestion } from '../src/board/snapshot.js';
import { FEED_ALL, feedEntries, maxFeedBack, nextFeedMember, type FeedView } from './activity-feed.js';
import { toAnsi } from './ansi.js';
import { BoardView } from './BoardView.js';
import { cachedDocBody, feedHeightFor, frameDetailContent, frameLines, headerRows, type FrameState } from './board-frame.js';
import { commandOutput } from './command-output.js';
import { clampScroll, docViewport, type Doc } from './document.js';
import { browserItems, browserViewport, parentDir, type BrowserState } from './file-browser.js';
import { jsonStrings, mentionedPaths } from './file-mentions.js';
import type { Focus } from './footer.js';
import { helpContent } from './help-overlay.js';
import { frameHeight, type Size } from './layout.js';
import { anyStepRunning } from './members-panel.js';
import { draftKey, isTyping, newDraft, type AnswerDraft } from './question-input.js';
import type { Screen } from './screen.js';
import { COLUMN_ORDER } from './task-columns.js';
import { detailViewport, taskCommands, writtenFiles, type DetailData } from './task-detail.js';
import { useBoardSnapshot, POLL_MS } from './use-board-snapshot.js';
import { useClock, useSpinner } from './use-clock.js';
import { useRunEnd } from './use-run-end.js';
import { useTaskDetail } from './use-task-detail.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useListing, useNamedFiles } from './use-workspace.js';
import { readWorkspaceFile, type DirListing } from './workspace-files.js';

export const TUI_ACTOR: Actor = { kind: 'human', via: 'tui' };

export type BoardMode = 'attach' | 'owner';
export type ExitReason = 'detach' | 'stop';

export interface BoardAppProps {
  board: Board;
  runId: number;
  mode: BoardMode;
  /** Pin the size instead of following the terminal (tests, benchmarks). */
  size?: Size;
  pollMs?: number;
  /** Called once, just before the app exits on its own (q, or a confirmed stop). */
  onExit?: (reason: ExitReason) => void;
  /** Emit colours; renderBoard turns them on for terminals (not for NO_COLOR or TERM=dumb). */
  color?: boolean;
  /** Draw frames on this screen (only the rows that changed) instead of through Ink's output. */
  screen?: Screen;
  /** Called after every frame drawn on the screen, with the time it took to lay out and write it. */
  onFrame?: (ms: number) => void;
}

/** Where a task sits on the board: column index and row within the column. */
function locate(snapshot: BoardSnapshot, id: number | null): { column: number; row: number } | null {
  if (id === null) return null;
  for (let column = 0; column < COLUMN_ORDER.length; column++) {
    const key = COLUMN_ORDER[column];
    const row = key ? snapshot.tasks[key].findIndex((t) => t.id === id) : -1;
    if (row >= 0) return { column, row };
  }
  return null;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

function keyFor(ch: string): Key {
  return { ...NO_KEY, return: ch === '\r', tab: ch === '\t', backspace: ch === '\u007F', shift: ch !== ch.toLowerCase() };
}

function firstTask(snapshot: BoardSnapshot): number | null {
  for (const key of COLUMN_ORDER) {
    const task = snapshot.tasks[key][0];
    if (task) return task.id;
  }
  return null;
}

function moveCursor(snapshot: BoardSnapshot, selectedId: number | null, input: string, key: Key): number | null | undefined {
  const lists = COLUMN_ORDER.map((k) => snapshot.tasks[k]);
  const at = locate(snapshot, selectedId);
  if (firstTask(snapshot) === null) return undefined;
  const down = key.downArrow || input === 'j';
  const up = key.upArrow || input === 'k';
  const right = key.rightArrow || input === 'l' || (key.tab && !key.shift);
  const left = key.leftArrow || input === 'h' || (key.tab && key.shift);
  if (!down && !up && !right && !left) return undefined;
  if (!at) return firstTask(snapshot);
  const list = lists[at.column] ?? [];
  if (down) return list[Math.min(list.length - 1, at.row + 1)]?.id ?? selectedId;
  if (up) return list[Math.max(0, at.row - 1)]?.id ?? selectedId;
  const step = right ? 1 : -1;
  for (let i = 1; i < lists.length; i++) {
    const column = (at.column + step * i + lists.length * 2) % lists.length;
    if (!key.tab && (right ? column < at.column : column > at.column)) break;
    const target = lists[column] ?? [];
    if (target.length > 0) return target[Math.min(target.length - 1, at.row)]?.id ?? selectedId;
  }
  return selectedId;
}

interface UiState {
  selectedId: number | null;
  detailId: number | null;
  detailScroll: number;
  detailCommand: number | null;
  draft: AnswerDraft | null;
  /** Open questions the person stepped away from (Esc); a new question takes the keyboard again. */
  dismissed: number[];
  /** Being answered or answered here; hidden at once, before the next snapshot confirms it. */
  answered: number[];
  confirmStop: boolean;
  notice: string | null;
  actionError: string | null;
  feed: FeedView;
  help: boolean;
  helpScroll: number;
  /** A file or a command's output on the viewer; Esc goes back to what is under it. */
  doc: Doc | null;
  docScroll: number;
  /** The file list, under the viewer when a file was opened from it. */
  browser: BrowserState | null;
}

const INITIAL_UI: UiState = {
  selectedId: null,
  detailId: null,
  detailScroll: 0,
  detailCommand: null,
  draft: null,
  dismissed: [],
  answered: [],
  confirmStop: false,
  notice: null,
  actionError: null,
  feed: FEED_ALL,
  help: false,
  helpScroll: 0,
  doc: null,
  docScroll: 0,
  browser: null,
};

/** What the keys act on, derived from the UI state and the latest snapshot. */
function derive(ui: UiState, snapshot: BoardSnapshot | null) {
  const pending = (snapshot?.questions ?? []).filter((q) => !ui.answered.includes(q.id));
  const fresh = pending.filter((q) => !ui.dismissed.includes(q.id));
  const question: OpenQuestion | null =
    (ui.draft ? pending.find((q) => q.id === ui.draft?.questionId) : undefined) ?? fresh[0] ?? pending[0] ?? null;
  const draft = question ? (ui.draft && ui.draft.questionId === question.id ? ui.draft : newDraft(question.id)) : null;
  const selectedId = snapshot && locate(snapshot, ui.selectedId) ? ui.selectedId : null;
  const detailId = snapshot && locate(snapshot, ui.detailId) ? ui.detailId : null;
  const questionFocus = question !== null && !ui.dismissed.includes(question.id);
  const focus: Focus = ui.help ? 'help' : ui.doc ? 'doc' : ui.browser ? 'files' : questionFocus ? 'question' : detailId !== null ? 'detail' : 'board';
  const live = snapshot !== null && isLive(snapshot);
  const typing = focus === 'question' && question !== null && isTyping(draft, question);
  return { pending, question, draft, selectedId, detailId, focus, live, typing };
}

/** A run the board can pause or stop: not over, and driven by a live process. */
function isLive(snapshot: BoardSnapshot): boolean {
  return snapshot.run.state !== 'crashed' && !isTerminal(snapshot.run.status);
}

/** Why pause and stop do nothing for a run that is not live. */
function notLive(snapshot: BoardSnapshot): string {
  const id = snapshot.run.id;
  return snapshot.run.state === 'crashed' ? `run ${id} crashed (its process stopped); go on with \`team resume ${id}\`` : `run ${id} is already ${snapshot.run.status}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Paths a question mentions: its context's files first, then paths in its text, descriptions and cause. */
function questionMentions(q: OpenQuestion | null): string[] {
  if (!q) return [];
  const texts = q.payload.questions.flatMap((item) => [item.question, ...item.options.map((o) => o.description)]);
  return mentionedPaths([...(q.payload.context?.files ?? []), ...(q.payload.context?.cause ? [q.payload.context.cause] : []), ...texts]);
}

/** Paths a task names or wrote: files its calls wrote, then paths in its metadata and description. */
function taskMentions(detail: DetailData | null): string[] {
  if (!detail) return [];
  const { sim: _sim, ...metadata } = detail.task.metadata;
  return mentionedPaths([...writtenFiles(detail.history), ...jsonStrings(metadata), detail.task.description]);
}

export function BoardApp({ board, runId, mode, size: fixedSize, pollMs = POLL_MS, onExit, color = false, screen, onFrame }: BoardAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize(fixedSize);
  const { snapshot, error: readError, refresh } = useBoardSnapshot(board, runId, pollMs);
  const nowFn = useCallback(() => board.now(), [board]);
  const now = useClock(snapshot?.run ?? null, nowFn);
  const spin = useSpinner(snapshot !== null && isLive(snapshot) && anyStepRunning(snapshot.members));
  const end = useRunEnd(board, runId, snapshot);

  // Keys can arrive several to a chunk, faster than React re-renders: handlers read and write
  // the state through refs so every key sees the effect of the one before.
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  const uiRef = useRef(ui);
  const snapshotRef = useRef(snapshot);
  snapshotRef.current = snapshot;
  const update = (patch: Partial<UiState>) => {
    uiRef.current = { ...uiRef.current, ...patch };
    setUi(uiRef.current);
  };

  const view = derive(ui, snapshot);
  const { detail, error: detailError } = useTaskDetail(board, runId, view.detailId, snapshot);
  const workspace = snapshot?.run.workspace ?? '';
  const seq = snapshot?.lastSeq ?? 0;
  const questionFiles = useNamedFiles(workspace, useMemo(() => questionMentions(view.question), [view.question]), seq);
  const detailFiles = useNamedFiles(workspace, useMemo(() => taskMentions(detail), [detail]), seq);
  const listing = useListing(workspace, ui.browser?.dir ?? null, seq);

  const detailRef = useRef(detail);
  detailRef.current = detail;
  const filesRef = useRef({ question: questionFiles, detail: detailFiles });
  filesRef.current = { question: questionFiles, detail: detailFiles };
  const listingRef = useRef<DirListing | null>(listing);
  listingRef.current = listing;
  const sizeRef = useRef(size);
  sizeRef.current = size;

  // Board writes finish after the key that started them: nothing is set once the board is gone.
  const mounted = useRef(true);
  useLayoutEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const leave = (reason: ExitReason) => {
    onExit?.(reason);
    exit();
  };

  /** Run a board write; its notice or its error shows in the footer. */
  const act = (write: () => Promise<string>, onError?: () => void): void => {
    write().then(
      (notice) => {
        if (!mounted.current) return;
        update({ notice });
        refresh();
      },
      (error: unknown) => {
        if (!mounted.current) return;
        onError?.();
        update({ actionError: message(error) });
        refresh();
      },
    );
  };

  const togglePause = (snap: BoardSnapshot) => {
    if (!isLive(snap)) {
      update({ notice: snap.run.state === 'crashed' ? notLive(snap) : `run ${runId} is ${snap.run.status}; there is nothing to pause` });
      return;
    }
    const status = snap.run.status;
    act(async () => {
      if (status === 'paused') {
        await board.setRunStatus(runId, 'running', null, TUI_ACTOR);
        return 'resumed';
      }
      await board.setRunStatus(runId, 'paused', 'paused from the board', TUI_ACTOR);
      return 'paused: agents stop after their current step; p resumes';
    });
  };

  const stopRun = () => {
    board.setRunStatus(runId, 'stopped', 'stopped from the board', TUI_ACTOR).then(
      () => {
        if (mounted.current) leave('stop');
      },
      (error: unknown) => {
        if (mounted.current) update({ actionError: message(error) });
      },
    );
  };

  const submit = (question: OpenQuestion, answers: AnswerDraft['answers']) => {
    update({ draft: null, answered: [...uiRef.current.answered, question.id] });
    act(
      async () => {
        await board.answerQuestion(runId, question.id, answers, 'human', TUI_ACTOR);
        return `q${question.id} answered: ${describeAnswers(answers)}`;
      },
      // Refused (answered elsewhere in the meantime, or the run ended): the question shows again as the board has it.
      () => update({ answered: uiRef.current.answered.filter((id) => id !== question.id) }),
    );
  };

  /** Put a document on the viewer: shown as "reading…" at once, then as read (unless the person moved on). */
  const showDoc = (title: string, load: () => Promise<Doc>, fromDir?: (dir: string) => void) => {
    const loading: Doc = { kind: 'loading', title };
    update({ doc: loading, docScroll: 0 });
    load().then(
      (doc) => {
        if (!mounted.current || uiRef.current.doc !== loading) return;
        if (doc.kind === 'file' && !doc.file.ok && doc.file.directory === true && fromDir) {
          update({ doc: null });
          fromDir(doc.file.path);
          return;
        }
        update({ doc });
      },
      (error: unknown) => {
        if (mounted.current && uiRef.current.doc === loading) update({ doc: null, actionError: message(error) });
      },
    );
  };

  const openFile = (workspacePath: string, rel: string) =>
    showDoc(rel, async () => ({ kind: 'file', file: await readWorkspaceFile(workspacePath, rel) }), (dir) => update({ browser: { dir, cursor: 0, named: [] } }));

  /** `o` at a question or a task: the one file it names at once, else the list with the named files first. */
  const openNamed = (snap: BoardSnapshot, named: readonly string[]) => {
    if (named.length === 1 && named[0] !== undefined) return openFile(snap.run.workspace, named[0]);
    update({ browser: { dir: '', cursor: 0, named: [...named] } });
  };

  const openOutput = (snap: BoardSnapshot, data: DetailData, index: number) => {
    const event = taskCommands(data.history)[index];
    if (!event) return;
    showDoc(`$ ${event.payload.summary}`, () => commandOutput(board, runId, event, snap.run.startedAt));
  };

  const globalKey = (input: string, snap: BoardSnapshot, live: boolean): void => {
    if (input === 'q') return leave('detach');
    if (input === '?') {
      update({ help: true, helpScroll: 0 });
      return;
    }
    if (input === 'Q') {
      if (live) update({ confirmStop: true });
      else update({ notice: notLive(snap) });
      return;
    }
    if (input === 'p') togglePause(snap);
  };

  /** Rows the body has below the header and above the footer. */
  const bodyRows = () => Math.max(1, frameHeight(sizeRef.current) - headerRows(frameHeight(sizeRef.current)) - 1);

  const scrollKey = (key: Key, input: string, current: number, max: number, page: number): number | null => {
    if (key.downArrow || input === 'j') return Math.min(max, current + 1);
    if (key.upArrow || input === 'k') return Math.max(0, current - 1);
    if (key.pageDown || input === ' ') return Math.min(max, current + page);
    if (key.pageUp) return Math.max(0, current - page);
    if (key.home || input === 'g') return 0;
    if (key.end || input === 'G') return max;
    return null;
  };

  const helpKey = (input: string, key: Key, snap: BoardSnapshot, live: boolean) => {
    if (key.escape || input === '?') return update({ help: false });
    const max = Math.max(0, helpContent(Math.max(1, sizeRef.current.columns)).length - (bodyRows() - 2));
    const scrolled = scrollKey(key, input, uiRef.current.helpScroll, max, Math.max(1, bodyRows() - 3));
    if (scrolled !== null) return update({ helpScroll: scrolled });
    if (input === 'q' || input === 'Q' || input === 'p') globalKey(input, snap, live);
  };

  const docKey = (input: string, key: Key, snap: BoardSnapshot, live: boolean) => {
    const state = uiRef.current;
    if (key.escape || key.leftArrow || key.backspace) return update({ doc: null, docScroll: 0 });
    if (!state.doc) return;
    const viewport = docViewport(bodyRows());
    const total = cachedDocBody(state.doc, Math.max(1, sizeRef.current.columns)).length;
    const max = Math.max(0, total - viewport);
    const scrolled = scrollKey(key, input, clampScroll(state.docScroll, total, viewport), max, Math.max(1, viewport - 1));
    if (scrolled !== null) return update({ docScroll: scrolled });
    globalKey(input, snap, live);
  };

  const browserKey = (input: string, key: Key, snap: BoardSnapshot, live: boolean) => {
    const browser = uiRef.current.browser;
    if (!browser) return;
    if (key.escape) return update({ browser: null });
    const items = browserItems(browser, listingRef.current);
    const page = Math.max(1, browserViewport(bodyRows()) - 1);
    const move = scrollKey(key, input, browser.cursor, Math.max(0, items.length - 1), page);
    if (move !== null) return update({ browser: { ...browser, cursor: move } });
    if (key.leftArrow || key.backspace || input === 'h') {
      if (browser.dir === '') return;
      return update({ browser: { ...browser, dir: parentDir(browser.dir), cursor: browser.named.length } });
    }
    if (key.return || key.rightArrow || input === 'l') {
      const item = items[browser.cursor];
      if (!item) return;
      if (item.kind === 'up' || item.kind === 'dir') return update({ browser: { ...browser, dir: item.path, cursor: browser.named.length } });
      return openFile(snap.run.workspace, item.path);
    }
    globalKey(input, snap, live);
  };

  const detailKey = (input: string, key: Key, snap: BoardSnapshot, live: boolean, banner: boolean) => {
    const state = uiRef.current;
    const data = detailRef.current;
    const content = data ? frameDetailContent({ detail: data, snapshot: snap, size: sizeRef.current, detailFiles: filesRef.current.detail, detailCommand: state.detailCommand }) : null;
    const viewport = detailViewport(bodyRows() - (banner ? 1 : 0));
    const max = content ? Math.max(0, content.lines.length - viewport) : 0;
    const scroll = Math.min(max, state.detailScroll);
    if (key.escape) return update({ detailId: null, detailCommand: null });
    if (key.tab && content && content.commandRows.length > 0) {
      const count = content.commandRows.length;
      const current = state.detailCommand;
      const next = current === null ? (key.shift ? count - 1 : 0) : (current + (key.shift ? count - 1 : 1)) % count;
      const row = content.commandRows[next] ?? 0;
      const top = row < scroll || row >= scroll + viewport - 2 ? Math.min(max, Math.max(0, row - 1)) : scroll;
      return update({ detailCommand: next, detailScroll: top });
    }
    if (key.return) {
      if (data && state.detailCommand !== null) return openOutput(snap, data, state.detailCommand);
      return update({ detailId: null, detailCommand: null });
    }
    if (input === 'o') {
      if (filesRef.current.detail.length > 0) return openNamed(snap, filesRef.current.detail);
      return update({ notice: 'this task names no workspace file that exists; f browses the workspace' });
    }
    if (input === 'f') return update({ browser: { dir: '', cursor: 0, named: [...filesRef.current.detail] } });
    const scrolled = scrollKey(key, input, scroll, max, Math.max(1, viewport - 1));
    if (scrolled !== null) return update({ detailScroll: scrolled });
    globalKey(input, snap, live);
  };

  const boardKey = (input: string, key: Key, snap: BoardSnapshot, v: ReturnType<typeof derive>) => {
    const state = uiRef.current;
    if (input === 'a' && v.pending.length > 0) return update({ dismissed: [] });
    if (input === 'f') return update({ browser: { dir: '', cursor: 0, named: [] } });
    if (input === 'm') {
      const names = snap.members.map((m) => m.name);
      const member = nextFeedMember(state.feed.member, names);
      return update({ feed: { member, back: 0 }, notice: member === null ? 'activity: everyone' : `activity: ${member} only (m: next member)` });
    }
    if (key.pageUp || key.pageDown || key.end) {
      const height = feedHeightFor(snap, sizeRef.current, v.question !== null);
      const max = maxFeedBack(feedEntries(snap.events, state.feed.member).length, height);
      const page = Math.max(1, height - 2);
      const back = key.end ? 0 : key.pageUp ? Math.min(max, state.feed.back + page) : Math.max(0, state.feed.back - page);
      return update({ feed: { ...state.feed, back } });
    }
    if (key.return) {
      const id = v.selectedId ?? firstTask(snap);
      if (id !== null) update({ selectedId: id, detailId: id, detailScroll: 0, detailCommand: null });
      return;
    }
    if (key.escape) return update({ selectedId: null });
    const moved = moveCursor(snap, v.selectedId, input, key);
    if (moved !== undefined) return update({ selectedId: moved });
    globalKey(input, snap, v.live);
  };

  const onKey = (input: string, key: Key): void => {
    const snap = snapshotRef.current;
    const typing = derive(uiRef.current, snap).typing;
    // Ink hands several keys that arrive in one read (fast typing, key repeat) over as one
    // string; outside free-text entry each character is a key of its own.
    if (input.length > 1 && !key.ctrl && !key.meta && !typing) {
      for (const ch of input) onKey(ch === '\r' || ch === '\t' || ch === '\u007F' ? '' : ch, keyFor(ch));
      return;
    }
    // Typed text followed by Enter (or Tab, Backspace) in the same read, as a paste or fast typing
    // gives: the text goes in as typed, then each of those keys acts on its own.
    if (input.length > 1 && !key.ctrl && !key.meta && /[\r\t\u007F]/.test(input)) {
      for (const part of input.split(/([\r\t\u007F])/)) if (part !== '') onKey(/^[\r\t\u007F]$/.test(part) ? '' : part, keyFor(part));
      return;
    }
    if (uiRef.current.notice !== null || uiRef.current.actionError !== null) update({ notice: null, actionError: null });
    const state = uiRef.current;
    const v = derive(state, snap);
    if (state.confirmStop) {
      update({ confirmStop: false });
      if (input === 'y' || input === 'Y') stopRun();
      return;
    }
    if (key.ctrl && input === 'c') {
      if (mode === 'owner' && v.live) update({ confirmStop: true });
      else leave('detach');
      return;
    }
    if (!snap) {
      if (input === 'q' || key.escape) leave('detach');
      return;
    }
    if (v.focus === 'help') return helpKey(input, key, snap, v.live);
    if (v.focus === 'doc') return docKey(input, key, snap, v.live);
    if (v.focus === 'files') return browserKey(input, key, snap, v.live);
    if (v.focus === 'question' && v.question && v.draft) {
      const question = v.question;
      const named = filesRef.current.question;
      if (key.ctrl && input === 'o') {
        if (named.length > 0) return openNamed(snap, named);
        return update({ notice: 'this question names no workspace file that exists; Esc, then f on the board, browses the workspace' });
      }
      const outcome = draftKey(v.draft, question, input, key);
      if (outcome.kind === 'submit') submit(question, outcome.answers);
      else if (outcome.kind === 'leave') update({ draft: outcome.draft, dismissed: v.pending.map((q) => q.id) });
      else if (outcome.kind === 'draft') update({ draft: outcome.draft });
      else globalKey(input, snap, v.live);
      return;
    }
    if (v.focus === 'detail' && v.detailId !== null) return detailKey(input, key, snap, v.live, v.question !== null);
    boardKey(input, key, snap, v);
  };

  useInput(onKey, { isActive: isRawModeSupported === true });

  const frame: FrameState | null = snapshot
    ? {
        snapshot,
        size,
        now,
        mode,
        focus: view.focus,
        selectedId: view.selectedId,
        detail,
        detailScroll: ui.detailScroll,
        detailCommand: ui.detailCommand,
        detailFiles,
        question: view.question,
        draft: view.draft,
        questionFiles,
        confirmStop: ui.confirmStop,
        notice: ui.notice,
        error: ui.actionError ?? readError ?? detailError,
        feed: ui.feed,
        doc: ui.doc,
        docScroll: ui.docScroll,
        browser: ui.browser,
        listing,
        helpScroll: ui.helpScroll,
        spin,
        end,
        typing: view.typing,
      }
    : null;

  // On a screen, the rows are laid out and written here, after React commits; only changed rows are written.
  const width = Math.max(1, size.columns);
  useLayoutEffect(() => {
    if (!screen) return;
    const start = performance.now();
    const rows = frame ? frameLines(frame).map((line) => toAnsi(line, width, color)) : [readError ?? `reading run ${runId}…`, 'q quit'];
    if (screen.draw(rows) > 0) onFrame?.(performance.now() - start);
  });
  if (screen) return null;

  if (!frame) {
    return (
      <Box flexDirection="column">
        {readError ? <Text color="red">{readError}</Text> : <Text dimColor>{`reading run ${runId}…`}</Text>}
        <Text dimColor>q quit</Text>
      </Box>
    );
  }
  return <BoardView color={color} {...frame} />;
}
