import { BoardError } from './errors.js';
import type { AnswerPart, Answers, Question, QuestionItem, QuestionKind, QuestionOption, QuestionPayload } from './types.js';

/** One raw answer per part of a question, as the person gave it (a multi-select may come as a list). */
export type RawAnswer = string | string[];

/** Parse "q2", "2" or "#2" into a question id. */
export function parseQuestionId(text: string): number {
  const match = /^(?:q|#)?(\d+)$/i.exec(text.trim());
  if (!match?.[1]) throw new BoardError('invalid', `"${text}" is not a question id; use the id shown on the board, like q2`);
  return Number(match[1]);
}

/** A question that can no longer be answered says so, and who answered it. */
export function assertOpen(question: Pick<Question, 'id' | 'status' | 'answeredBy'>): void {
  if (question.status === 'open') return;
  throw new BoardError('state', `question q${question.id} is already ${question.status}${question.answeredBy ? ` (by ${question.answeredBy})` : ''}`);
}

/** Kinds the coordinator acts on: their answers must name an option (a note may be added to it). */
export function needsOption(kind: QuestionKind): boolean {
  return kind !== 'agent';
}

/**
 * Check answers where they are given: an option number, a label or value (case-insensitive), a
 * unique prefix of one ("canary"), an option followed by a note ("approve: EU customers first"),
 * several of those separated by commas for a multi-select, or the person's own words. Numbers
 * outside the list and text matching several options are refused with a one-line reason.
 */
export function resolveAnswers(payload: QuestionPayload, given: RawAnswer[], kind: QuestionKind = 'agent'): Answers {
  const parts = payload.questions;
  const raw = splitWords(parts, given) ? [given.join(' ')] : given;
  if (raw.length !== parts.length) {
    const hint = parts.length === 1 ? '; put an answer of several words in quotes' : '';
    throw new BoardError('invalid', `this question has ${parts.length} part(s) and ${raw.length} answer(s) were given; give one answer per part, in order${hint}`);
  }
  return parts.map((item, index) => resolvePart(item, raw[index] ?? '', kind));
}

/**
 * `team answer 1 q3 canary please`: the shell split one answer of a one-part question into words.
 * Not when a word is an option number (`1 2` is two answers given by mistake) or the question takes
 * several options (whose words may be labels of their own).
 */
function splitWords(parts: readonly QuestionItem[], given: RawAnswer[]): given is string[] {
  const [only] = parts;
  if (parts.length !== 1 || only === undefined || only.multiSelect || given.length < 2) return false;
  return given.every((word) => typeof word === 'string' && !/^#?\d+[.)]?$/.test(word.trim()));
}

function resolvePart(item: QuestionItem, given: RawAnswer, kind: QuestionKind): AnswerPart {
  const pieces = (Array.isArray(given) ? given : item.multiSelect ? given.split(',') : [given]).map(tidy).filter((p) => p !== '');
  if (pieces.length === 0) throw new BoardError('invalid', `the answer to "${item.header}" is empty; pick an option (${optionList(item)}) or type an answer`);
  if (item.multiSelect) return resolveMulti(item, pieces, kind);
  return resolveSingle(item, pieces.join(', '), kind);
}

function resolveMulti(item: QuestionItem, pieces: string[], kind: QuestionKind): AnswerPart {
  const matches = pieces.map((piece) => matchOption(item, piece));
  if (matches.every((m) => m.kind === 'option')) {
    const picked = new Set(matches.flatMap((m) => (m.kind === 'option' ? [m.option.label] : [])));
    return { question: item.question, picked: item.options.filter((o) => picked.has(o.label)).map((o) => o.label), text: null };
  }
  const refused = matches.find((m) => m.kind === 'refused');
  if (refused?.kind === 'refused') throw new BoardError('invalid', refused.reason);
  return ownWords(item, pieces.join(', '), kind);
}

function resolveSingle(item: QuestionItem, text: string, kind: QuestionKind): AnswerPart {
  const match = matchOption(item, text);
  if (match.kind === 'option') return { question: item.question, picked: [match.option.label], text: null };
  if (match.kind === 'refused') throw new BoardError('invalid', match.reason);
  const noted = optionWithNote(item, text);
  if (noted) return { question: item.question, picked: [noted.option.label], text: noted.note };
  return ownWords(item, text, kind);
}

function ownWords(item: QuestionItem, text: string, kind: QuestionKind): AnswerPart {
  if (needsOption(kind)) {
    throw new BoardError(
      'invalid',
      `"${text}" is not one of the choices for "${item.header}": ${optionList(item)}; answer with one of them, optionally followed by a note ("${item.options[0]?.label ?? '1'}: <note>")`,
    );
  }
  return { question: item.question, picked: [], text };
}

/** An answer as typed, without what typing adds: outer spaces and quotes, runs of spaces. */
function tidy(text: string): string {
  const trimmed = text.trim();
  const quoted = /^(["'`“‘«])(.*)(["'`”’»])$/s.exec(trimmed);
  const inner = quoted?.[2] !== undefined && QUOTE_PAIRS[quoted[1] ?? ''] === quoted[3] ? quoted[2] : trimmed;
  return inner.trim().replace(/\s+/g, ' ');
}

const QUOTE_PAIRS: Record<string, string> = { '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’', '«': '»' };

/** `said`: the option was read from a plain yes or no, not named. */
type Match = { kind: 'option'; option: QuestionOption; said?: 'yes' | 'no' } | { kind: 'refused'; reason: string } | { kind: 'none' };

function matchOption(item: QuestionItem, text: string): Match {
  const lower = text.toLowerCase();
  const exact = item.options.filter((o) => names(o).some((n) => n === lower));
  if (exact.length === 1 && exact[0]) return { kind: 'option', option: exact[0] };
  // An option number as people type one: 2, #2, 2. or 2); a whole number that is no option (0, -1) is refused.
  const numbered = /^(?:#\s*)?([-+]?\d+)[.)]?$/.exec(text);
  if (numbered?.[1] !== undefined) {
    const option = /^\d+$/.test(numbered[1]) ? item.options[Number(numbered[1]) - 1] : undefined;
    if (option) return { kind: 'option', option };
    return { kind: 'refused', reason: `"${text}" is not an option of "${item.header}"; it has ${item.options.length}: ${optionList(item)}` };
  }
  const prefixed = item.options.filter((o) => names(o).some((n) => isPrefix(lower, n)));
  if (prefixed.length === 1 && prefixed[0]) return { kind: 'option', option: prefixed[0] };
  if (prefixed.length > 1 || exact.length > 1) {
    const candidates = (exact.length > 1 ? exact : prefixed).map((o) => `"${o.label}"`);
    return { kind: 'refused', reason: `"${text}" matches several choices of "${item.header}"; did you mean ${candidates.slice(0, -1).join(', ')} or ${candidates[candidates.length - 1]}?` };
  }
  const said = yesOrNo(lower);
  const answering = said === null ? [] : item.options.filter((o) => names(o).some((n) => (said === 'yes' ? YES_OPTIONS : NO_OPTIONS).has(n)));
  if (answering.length === 1 && answering[0]) return { kind: 'option', option: answering[0], said: said ?? undefined };
  return { kind: 'none' };
}

/** Options a plain yes or no picks: an approval's Approve and Reject, an agent's own Yes and No. */
const YES_OPTIONS = new Set(['yes', 'approve', 'approved', 'confirm', 'ok', 'accept']);
const NO_OPTIONS = new Set(['no', 'reject', 'rejected', 'decline', 'deny']);
/**
 * Words that start a yes or a no, and words that may follow without adding anything ("yes ship
 * it", "no thanks"). "Not yet" and "not now" are neither: at an approval they may mean wait.
 */
const YES_HEADS = new Set(['yes', 'y', 'yep', 'yeah', 'yup', 'ok', 'okay', 'sure', 'lgtm', 'approve', 'approved', 'ship', 'go', 'proceed', 'fine', 'absolutely', 'alright', 'confirm', 'confirmed']);
const YES_FILLER = new Set([...YES_HEADS, 'it', 'please', 'ahead', 'do', 'looks', 'good', 'great', 'sounds', 'thanks', 'thank', 'you', 'of', 'course', 'all', 'right', 'that', 'this']);
const NO_HEADS = new Set(['no', 'n', 'nope', 'nah', 'reject', 'rejected', 'decline']);
const NO_FILLER = new Set([...NO_HEADS, 'please', 'thanks', 'thank', 'you', 'way']);
/** A note that takes back or hedges the yes or no before it ("ok, but not now"): the answer is not plain. */
const HEDGES = new Set(['but', 'not', 'unless', 'though', 'however', 'except', 'only', 'wait', 'hold', 'maybe', 'later']);

function wordsOf(text: string): string[] {
  return text.toLowerCase().replace(/[’]/g, "'").replace(/[^a-z' ]+/g, ' ').split(' ').filter((w) => w !== '');
}

/**
 * "yes", "yes ship it", "ok go ahead", "no", "nope": text made only of words that say yes (or only
 * of words that say no), starting with one. Anything more ("no idea", "not sure", "yes but EU only")
 * says something else and is not read as a plain yes or no; "no, retrain first" is an option and a
 * note, which optionWithNote splits first.
 */
function yesOrNo(lower: string): 'yes' | 'no' | null {
  const words = wordsOf(lower);
  const [first] = words;
  if (first === undefined) return null;
  if (YES_HEADS.has(first) && words.every((w) => YES_FILLER.has(w))) return 'yes';
  if (NO_HEADS.has(first) && words.every((w) => NO_FILLER.has(w))) return 'no';
  return null;
}

/** "Approve: only EU first", "canary, watch latency", "2 - keep it small": an option, then a note. */
function optionWithNote(item: QuestionItem, text: string): { option: QuestionOption; note: string } | null {
  const split = /^(.+?)\s*(?:[:;]|,|\s-\s|\s—\s)\s*(.+)$/s.exec(text);
  if (!split?.[1] || !split[2]) return null;
  const match = matchOption(item, tidy(split[1]));
  if (match.kind !== 'option') return null;
  const note = split[2].trim();
  // A plain yes or no must stand: "ok, but not now" and "no, ship it" say something else.
  const [next] = wordsOf(note);
  if (match.said !== undefined && next !== undefined && (HEDGES.has(next) || YES_HEADS.has(next) || NO_HEADS.has(next))) return null;
  return { option: match.option, note };
}

function names(option: QuestionOption): string[] {
  const label = option.label.toLowerCase();
  return option.value !== undefined && option.value.toLowerCase() !== label ? [label, option.value.toLowerCase()] : [label];
}

/** A prefix counts when it ends at a word boundary of the name, or is at least three characters long. */
function isPrefix(text: string, name: string): boolean {
  if (text.length === 0 || text.length >= name.length || !name.startsWith(text)) return false;
  return text.length >= 3 || !/[a-z0-9]/.test(name.charAt(text.length));
}

export function optionList(item: QuestionItem): string {
  return item.options.map((o, i) => `${i + 1} "${o.label}"`).join(', ');
}

/** What an agent reads once its question is answered: Claude Code's shape, plus what to do with own words. */
export function answersForTool(question: Question): { answers: Record<string, string | string[]>; note?: string } {
  const answers: Record<string, string | string[]> = {};
  const items = question.payload.questions;
  let ownWords = false;
  for (const part of question.answers ?? []) {
    const item = items.find((q) => q.question === part.question);
    if (part.picked.length === 0) {
      ownWords = true;
      answers[part.question] = part.text ?? '';
    } else {
      const label = item?.multiSelect ? part.picked : (part.picked[0] ?? '');
      answers[part.question] = part.text && typeof label === 'string' ? `${label} (note: ${part.text})` : label;
    }
  }
  if (!ownWords) return { answers };
  return {
    answers,
    note: 'The person answered in their own words instead of picking an option. If the words name exactly one of your options, use that option and say which one you took; otherwise ask a short follow-up question. Never pass their words into a command as they are.',
  };
}

/** The first option of every part: what --auto-answer picks (options are listed recommended first). */
export function recommendedAnswers(payload: QuestionPayload): Answers {
  return payload.questions.map((q) => ({ question: q.question, picked: q.options[0] ? [q.options[0].label] : [], text: null }));
}

/** The value (or label) of the option picked for a part, for code that acts on the answer. */
export function pickedValue(question: Question, part = 0): string | null {
  const item = question.payload.questions[part];
  const answer = question.answers?.[part];
  const label = answer?.picked[0];
  if (!item || label === undefined) return null;
  const option = item.options.find((o) => o.label === label);
  return option?.value ?? option?.label ?? null;
}

/** The note or own words given with the first part's answer. */
export function answerNote(question: Question, part = 0): string | null {
  return question.answers?.[part]?.text ?? null;
}

/** One line per answer, for confirmations and feeds: `Canary 10%`, `AUC, Recall`, `your words: "..."`. */
export function describeAnswers(answers: Answers): string {
  return answers
    .map((a) => {
      if (a.picked.length === 0) return `your own words: "${a.text ?? ''}"`;
      return `${a.picked.join(', ')}${a.text ? ` (note: ${a.text})` : ''}`;
    })
    .join(' / ');
}
