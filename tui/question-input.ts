import type { Key } from 'ink';
import type { AnswerValue, QuestionItem, QuestionPayload } from '../src/board/questions.js';

/** What the person has picked so far for one pending question (all its parts). */
export interface AnswerDraft {
  questionId: number;
  part: number;
  /** Option index; options.length is the free-text "Other" row. */
  cursor: number;
  selected: number[];
  other: string;
  answers: AnswerValue[];
  error: string | null;
}

export type DraftOutcome =
  | { kind: 'draft'; draft: AnswerDraft }
  | { kind: 'submit'; draft: AnswerDraft; answers: Record<string, AnswerValue> }
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

export function draftKey(draft: AnswerDraft, payload: QuestionPayload, input: string, key: Key): DraftOutcome {
  const item = payload.questions[draft.part];
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
  if (key.return) return confirm(draft, payload, item);

  if (onOther) {
    if (key.backspace || key.delete) return next({ other: draft.other.slice(0, -1) });
    if (input !== '' && !key.ctrl && !key.meta && !key.tab && PRINTABLE.test(input)) return next({ other: draft.other + input });
    return { kind: 'pass', draft };
  }

  if (/^[1-9]$/.test(input)) {
    const index = Number(input) - 1;
    if (index === n) return next({ cursor: n });
    if (index > n) return next({ error: `there are ${n + 1} choices; press 1-${n + 1}` });
    if (!item.multiSelect) return finish(draft, payload, (item.options[index] as { label: string }).label);
    return next({ cursor: index, selected: toggle(draft.selected, index) });
  }
  if (input === ' ' && item.multiSelect) return next({ selected: toggle(draft.selected, draft.cursor) });
  return { kind: 'pass', draft };
}

function confirm(draft: AnswerDraft, payload: QuestionPayload, item: QuestionItem): DraftOutcome {
  const n = item.options.length;
  const typed = draft.other.trim();
  const onOther = draft.cursor === n;
  if (!item.multiSelect) {
    if (onOther) {
      if (typed === '') return { kind: 'draft', draft: { ...draft, error: 'type your answer, then press Enter' } };
      return finish(draft, payload, typed);
    }
    return finish(draft, payload, (item.options[draft.cursor] as { label: string }).label);
  }
  const labels = [...draft.selected].sort((a, b) => a - b).map((i) => (item.options[i] as { label: string }).label);
  if (typed !== '') labels.push(typed);
  if (labels.length === 0) {
    if (onOther) return { kind: 'draft', draft: { ...draft, error: 'select options with Space or type an answer, then press Enter' } };
    labels.push((item.options[draft.cursor] as { label: string }).label);
  }
  return finish(draft, payload, labels);
}

function finish(draft: AnswerDraft, payload: QuestionPayload, value: AnswerValue): DraftOutcome {
  const answers = [...draft.answers, value];
  if (draft.part + 1 < payload.questions.length) {
    return { kind: 'draft', draft: { ...draft, part: draft.part + 1, cursor: 0, selected: [], other: '', answers, error: null } };
  }
  const keyed: Record<string, AnswerValue> = {};
  payload.questions.forEach((q, i) => {
    const value = answers[i];
    if (value !== undefined) keyed[q.question] = value;
  });
  return { kind: 'submit', draft: { ...draft, answers, error: null }, answers: keyed };
}

function toggle(list: number[], index: number): number[] {
  return list.includes(index) ? list.filter((i) => i !== index) : [...list, index];
}
