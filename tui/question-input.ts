import type { Key } from 'ink';
import { resolveAnswers, type RawAnswer } from '../src/board/answers.js';
import { BoardError } from '../src/board/errors.js';
import type { AnswerPart, Answers, QuestionItem, QuestionKind, QuestionPayload } from '../src/board/types.js';

/** What the person has picked so far for one open question (all its parts). */
export interface AnswerDraft {
  questionId: number;
  part: number;
  /** Option index; options.length is the free-text "Other" row. */
  cursor: number;
  selected: number[];
  other: string;
  /** The parts answered so far, each checked when it was given. */
  answers: AnswerPart[];
  /** Why the last answer was refused (shown on the panel; nothing was submitted). */
  error: string | null;
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
  /** A key the panel does not use (q, Q, p... when not typing): the board may handle it. */
  | { kind: 'pass'; draft: AnswerDraft };

export function newDraft(questionId: number): AnswerDraft {
  return { questionId, part: 0, cursor: 0, selected: [], other: '', answers: [], error: null };
}

export function isOnOther(draft: AnswerDraft, item: QuestionItem): boolean {
  return draft.cursor === item.options.length;
}

const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

export function draftKey(draft: AnswerDraft, question: DraftQuestion, input: string, key: Key): DraftOutcome {
  const item = question.payload.questions[draft.part];
  if (!item) return { kind: 'pass', draft };
  const n = item.options.length;
  const onOther = draft.cursor === n;
  const next = (patch: Partial<AnswerDraft>): DraftOutcome => ({ kind: 'draft', draft: { ...draft, error: null, ...patch } });

  if (key.upArrow || (!onOther && input === 'k')) return next({ cursor: Math.max(0, draft.cursor - 1) });
  if (key.downArrow || (!onOther && input === 'j')) return next({ cursor: Math.min(n, draft.cursor + 1) });
  if (key.escape) {
    if (onOther && draft.other !== '') return next({ other: '' });
    if (draft.part > 0) {
      return next({ part: draft.part - 1, cursor: 0, selected: [], other: '', answers: draft.answers.slice(0, -1) });
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
    if (index === n) return next({ cursor: n });
    const option = item.options[index];
    if (!option) return next({ error: `there are ${n + 1} choices; press 1-${n + 1}` });
    if (!item.multiSelect) return finish(draft, question, item, option.label);
    return next({ cursor: index, selected: toggle(draft.selected, index) });
  }
  if (input === ' ' && item.multiSelect) return next({ selected: toggle(draft.selected, draft.cursor) });
  return { kind: 'pass', draft };
}

function confirm(draft: AnswerDraft, question: DraftQuestion, item: QuestionItem): DraftOutcome {
  const n = item.options.length;
  const typed = draft.other.trim();
  const onOther = draft.cursor === n;
  if (!item.multiSelect) {
    if (onOther) {
      if (typed === '') return { kind: 'draft', draft: { ...draft, error: 'type your answer, then press Enter' } };
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
  const answers = [...draft.answers, part];
  if (draft.part + 1 < question.payload.questions.length) {
    return { kind: 'draft', draft: { ...draft, part: draft.part + 1, cursor: 0, selected: [], other: '', answers, error: null } };
  }
  return { kind: 'submit', draft: { ...draft, answers, error: null }, answers };
}

function toggle(list: number[], index: number): number[] {
  return list.includes(index) ? list.filter((i) => i !== index) : [...list, index];
}
