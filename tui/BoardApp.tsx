import { Box, Text, useApp, useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Actor } from '../src/board/actor.js';
import { describeAnswers } from '../src/board/answers.js';
import type { Board } from '../src/board/board.js';
import { isTerminal } from '../src/board/liveness.js';
import type { BoardSnapshot, OpenQuestion } from '../src/board/snapshot.js';
import { BoardView } from './BoardView.js';
import type { Focus } from './footer.js';
import { frameHeight, type Size } from './layout.js';
import { draftKey, newDraft, type AnswerDraft } from './question-input.js';
import { COLUMN_ORDER } from './task-columns.js';
import { detailLines, detailViewport } from './task-detail.js';
import { useBoardSnapshot, POLL_MS } from './use-board-snapshot.js';
import { useClock } from './use-clock.js';
import { useTaskDetail } from './use-task-detail.js';
import { useTerminalSize } from './use-terminal-size.js';

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

function typingText(ui: UiState, snapshot: BoardSnapshot | null): boolean {
  const v = derive(ui, snapshot);
  const item = v.question?.payload.questions[v.draft?.part ?? 0];
  return v.focus === 'question' && item !== undefined && v.draft?.cursor === item.options.length;
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
  draft: AnswerDraft | null;
  /** Open questions the person stepped away from (Esc); a new question takes the keyboard again. */
  dismissed: number[];
  /** Being answered or answered here; hidden at once, before the next snapshot confirms it. */
  answered: number[];
  confirmStop: boolean;
  notice: string | null;
  actionError: string | null;
}

const INITIAL_UI: UiState = {
  selectedId: null,
  detailId: null,
  detailScroll: 0,
  draft: null,
  dismissed: [],
  answered: [],
  confirmStop: false,
  notice: null,
  actionError: null,
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
  const focus: Focus = question && !ui.dismissed.includes(question.id) ? 'question' : detailId !== null ? 'detail' : 'board';
  const live = snapshot !== null && isLive(snapshot);
  return { pending, question, draft, selectedId, detailId, focus, live };
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

export function BoardApp({ board, runId, mode, size: fixedSize, pollMs = POLL_MS, onExit, color = false }: BoardAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize(fixedSize);
  const { snapshot, error: readError, refresh } = useBoardSnapshot(board, runId, pollMs);
  const nowFn = useCallback(() => board.now(), [board]);
  const now = useClock(snapshot?.run ?? null, nowFn);

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
  const detailRef = useRef(detail);
  detailRef.current = detail;

  // Board writes finish after the key that started them: nothing is set once the board is gone.
  const mounted = useRef(true);
  useEffect(
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

  const globalKey = (input: string, snap: BoardSnapshot, live: boolean): void => {
    if (input === 'q') return leave('detach');
    if (input === 'Q') {
      if (live) update({ confirmStop: true });
      else update({ notice: notLive(snap) });
      return;
    }
    if (input === 'p') togglePause(snap);
  };

  const onKey = (input: string, key: Key): void => {
    const snap = snapshotRef.current;
    // Ink hands several keys that arrive in one read (fast typing, key repeat) over as one
    // string; outside free-text entry each character is a key of its own.
    if (input.length > 1 && !key.ctrl && !key.meta && !typingText(uiRef.current, snap)) {
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
    if (v.focus === 'question' && v.question && v.draft) {
      const question = v.question;
      const outcome = draftKey(v.draft, question, input, key);
      if (outcome.kind === 'submit') submit(question, outcome.answers);
      else if (outcome.kind === 'leave') update({ draft: outcome.draft, dismissed: v.pending.map((q) => q.id) });
      else if (outcome.kind === 'draft') update({ draft: outcome.draft });
      else globalKey(input, snap, v.live);
      return;
    }
    if (v.focus === 'detail' && v.detailId !== null) {
      const data = detailRef.current;
      const viewport = detailViewport(frameHeight(size) - 2);
      const max = data ? Math.max(0, detailLines(data, snap.run.startedAt, size.columns).length - viewport) : 0;
      const scroll = Math.min(max, state.detailScroll);
      const page = Math.max(1, viewport - 1);
      if (key.escape || key.return) update({ detailId: null });
      else if (key.downArrow || input === 'j') update({ detailScroll: Math.min(max, scroll + 1) });
      else if (key.upArrow || input === 'k') update({ detailScroll: Math.max(0, scroll - 1) });
      else if (key.pageDown || input === ' ') update({ detailScroll: Math.min(max, scroll + page) });
      else if (key.pageUp) update({ detailScroll: Math.max(0, scroll - page) });
      else globalKey(input, snap, v.live);
      return;
    }
    if (input === 'a' && v.pending.length > 0) {
      update({ dismissed: [] });
      return;
    }
    if (key.return) {
      const id = v.selectedId ?? firstTask(snap);
      if (id !== null) update({ selectedId: id, detailId: id, detailScroll: 0 });
      return;
    }
    if (key.escape) {
      update({ selectedId: null });
      return;
    }
    const moved = moveCursor(snap, v.selectedId, input, key);
    if (moved !== undefined) {
      update({ selectedId: moved });
      return;
    }
    globalKey(input, snap, v.live);
  };

  useInput(onKey, { isActive: isRawModeSupported === true });

  if (!snapshot) {
    return (
      <Box flexDirection="column">
        {readError ? <Text color="red">{readError}</Text> : <Text dimColor>{`reading run ${runId}…`}</Text>}
        <Text dimColor>q quit</Text>
      </Box>
    );
  }

  return (
    <BoardView
      color={color}
      snapshot={snapshot}
      size={size}
      now={now}
      mode={mode}
      focus={view.focus}
      selectedId={view.selectedId}
      detail={detail}
      detailScroll={ui.detailScroll}
      question={view.question}
      draft={view.draft}
      confirmStop={ui.confirmStop}
      notice={ui.notice}
      error={ui.actionError ?? readError ?? detailError}
    />
  );
}

