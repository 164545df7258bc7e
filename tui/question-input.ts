import type { Key } from 'ink';
import { needsOption, resolveAnswers, type RawAnswer } from '../src/board/answers.js';
import { BoardError } from '../src/board/errors.js';
import type { AnswerPart, Answers, QuestionItem, QuestionKind, QuestionPayload } from '../src/board/types.js';

/** What the person has picked so far for one open question (all its parts). */
export interface AnswerDraft {
  questionId: number;
  part: number;
  /** Option index; options.length is the free-text row. */
  cursor: number;
  selected: number[];
  other: string;
  /** The parts answered so far, each checked when it was given. */
  answers: AnswerPart[];
  /** Why the last answer was refused (shown on the panel; nothing was submitted). */
  error: string | null;
  /** Rows the person scrolled the panel by (PgUp/PgDn), from where the cursor puts it. */
  scroll: number;
  /**
   * Own words typed at a question that needs an option (an approval, a gate decision): kept, and
   * the panel asks which option they go with, as its note (a condition on an approval).
   */
  words: string | null;
}

/** What the panel needs of a question: its parts, and its kind (which decides whether own words are taken). */
export interface DraftQuestion {
  kind: QuestionKind;
  payload: QuestionPayload;
}

export type DraftOutcome =
  | { kind: 'draft'; draft: AnswerDraft }
  | { kind: 'submit'; draft: AnswerDraft; answers: Answers }
  /** Esc on the first part: hand the keyboard back to the board. */
  | { kind: 'leave'; draft: AnswerDraft }
  /** A key the panel does not use (q, Q, p, o, ? when not typing): the board may handle it. */
  | { kind: 'pass'; draft: AnswerDraft };

/** Rows PgUp/PgDn move the panel. */
export const PANEL_PAGE = 5;

export function newDraft(questionId: number): AnswerDraft {
  return { questionId, part: 0, cursor: 0, selected: [], other: '', answers: [], error: null, scroll: 0, words: null };
}

export function isOnOther(draft: AnswerDraft, item: QuestionItem): boolean {
  return draft.cursor === item.options.length;
}

/** Whether printable keys are typed into the answer (the free-text row has the cursor). */
export function isTyping(draft: AnswerDraft | null, question: DraftQuestion | null): boolean {
  if (!draft || !question || draft.words !== null) return false;
  const item = question.payload.questions[draft.part];
  return item !== undefined && isOnOther(draft, item);
}

const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

export function draftKey(draft: AnswerDraft, question: DraftQuestion, input: string, key: Key): DraftOutcome {
  const item = question.payload.questions[draft.part];
  if (!item) return { kind: 'pass', draft };
  const n = item.options.length;
  const onOther = draft.cursor === n;
  const next = (patch: Partial<AnswerDraft>): DraftOutcome => ({ kind: 'draft', draft: { ...draft, error: null, ...patch } });

  if (key.pageDown) return next({ scroll: draft.scroll + PANEL_PAGE });
  if (key.pageUp) return next({ scroll: Math.max(0, draft.scroll - PANEL_PAGE) });
  if (draft.words !== null) return wordsKey(draft, question, item, input, key);

  if (key.upArrow) return next({ cursor: Math.max(0, draft.cursor - 1), scroll: 0 });
  if (key.downArrow) return next({ cursor: Math.min(n, draft.cursor + 1), scroll: 0 });
  if (key.escape) {
    if (onOther && draft.other !== '') return next({ other: '' });
    if (draft.part > 0) {
      return next({ part: draft.part - 1, cursor: 0, selected: [], other: '', answers: draft.answers.slice(0, -1), scroll: 0 });
    }
    return { kind: 'leave', draft: { ...draft, error: null } };
  }
  if (key.return) return confirm(draft, question, item);

  if (onOther) {
    if (key.backspace || key.delete) return next({ other: draft.other.slice(0, -1) });
    if (input !== '' && !key.ctrl && !key.meta && !key.tab && PRINTABLE.test(input)) return next({ other: draft.other + input });
    return { kind: 'pass', draft };
  }

  if (/^[1-9]$/.test(input)) {
    const index = Number(input) - 1;
    if (index === n) return next({ cursor: n, scroll: 0 });
    const option = item.options[index];
    if (!option) return next({ error: `there are ${n + 1} choices; press 1-${n + 1}` });
    if (!item.multiSelect) return finish(draft, question, item, option.label);
    return next({ cursor: index, selected: toggle(draft.selected, index) });
  }
  if (input === ' ' && item.multiSelect) return next({ selected: toggle(draft.selected, draft.cursor) });
  // A person who starts typing an answer is typing an answer: the first letter goes into it, never
  // to a board key (p would pause the run). `?` still shows the keys; Esc leads back to the board.
  if (input !== '' && input !== '?' && input !== ' ' && !key.ctrl && !key.meta && !key.tab && PRINTABLE.test(input)) return next({ cursor: n, other: input, scroll: 0 });
  return { kind: 'pass', draft };
}

/** Own words waiting for an option: a number puts them with that option as its note; e or Esc goes back to editing them. */
function wordsKey(draft: AnswerDraft, question: DraftQuestion, item: QuestionItem, input: string, key: Key): DraftOutcome {
  const words = draft.words ?? '';
  if (key.escape || input === 'e' || key.backspace) return { kind: 'draft', draft: { ...draft, words: null, other: words, cursor: item.options.length, error: null } };
  if (/^[1-9]$/.test(input)) {
    const option = item.options[Number(input) - 1];
    if (!option) return { kind: 'draft', draft: { ...draft, error: `press 1-${item.options.length} to choose, or e to edit your words` } };
    return finishPart(draft, question, noted(item, option.label, words));
  }
  return { kind: 'draft', draft: { ...draft, error: `press 1-${item.options.length} to choose what your words go with, or e to edit them` } };
}

/**
 * An option with the person's words as its note, as `team answer` takes it ("Approve: only EU
 * first"); built directly when the label itself holds a separator the parser would split at.
 */
function noted(item: QuestionItem, label: string, words: string): AnswerPart {
  try {
    const [part] = resolveAnswers({ questions: [item] }, [`${label}: ${words}`], 'approval');
    if (part && part.picked[0] === label && part.text === words) return part;
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
  }
  return { question: item.question, picked: [label], text: words };
}

function confirm(draft: AnswerDraft, question: DraftQuestion, item: QuestionItem): DraftOutcome {
  const n = item.options.length;
  const typed = draft.other.trim();
  const onOther = draft.cursor === n;
  if (!item.multiSelect) {
    if (onOther) {
      if (typed === '') return { kind: 'draft', draft: { ...draft, error: needsOption(question.kind) ? 'type a note or your words, then press Enter' : 'type your answer, then press Enter' } };
      if (needsOption(question.kind) && isOwnWords(item, typed)) return { kind: 'draft', draft: { ...draft, words: typed, error: null } };
      return finish(draft, question, item, typed);
    }
    const option = item.options[draft.cursor];
    return option ? finish(draft, question, item, option.label) : { kind: 'pass', draft };
  }
  const picked = [...draft.selected].sort((a, b) => a - b).flatMap((i) => item.options[i]?.label ?? []);
  if (typed !== '') picked.push(typed);
  if (picked.length === 0) {
    const option = item.options[draft.cursor];
    if (onOther || !option) return { kind: 'draft', draft: { ...draft, error: 'select options with Space or type an answer, then press Enter' } };
    picked.push(option.label);
  }
  return finish(draft, question, item, picked);
}

/** Text that names no option (and no option with a note): the person's own words. */
function isOwnWords(item: QuestionItem, text: string): boolean {
  try {
    const [part] = resolveAnswers({ questions: [item] }, [text], 'agent');
    return part !== undefined && part.picked.length === 0;
  } catch {
    return false;
  }
}

/**
 * Check this part's answer now, where it is given (a typed answer may name an option, or be
 * refused for a decision that needs one), then go to the next part or submit them all.
 */
function finish(draft: AnswerDraft, question: DraftQuestion, item: QuestionItem, raw: RawAnswer): DraftOutcome {
  let part: AnswerPart | undefined;
  try {
    [part] = resolveAnswers({ questions: [item] }, [raw], question.kind);
  } catch (error) {
    if (error instanceof BoardError) return { kind: 'draft', draft: { ...draft, error: error.message } };
    throw error;
  }
  if (!part) return { kind: 'pass', draft };
  return finishPart(draft, question, part);
}

function finishPart(draft: AnswerDraft, question: DraftQuestion, part: AnswerPart): DraftOutcome {
  const answers = [...draft.answers, part];
  if (draft.part + 1 < question.payload.questions.length) {
    return { kind: 'draft', draft: { ...draft, part: draft.part + 1, cursor: 0, selected: [], other: '', answers, error: null, scroll: 0, words: null } };
  }
  return { kind: 'submit', draft: { ...draft, answers, error: null, words: null }, answers };
}

function toggle(list: number[], index: number): number[] {
  return list.includes(index) ? list.filter((i) => i !== index) : [...list, index];
}
