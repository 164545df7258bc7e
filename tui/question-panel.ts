import { describeAnswers, needsOption } from '../src/board/answers.js';
import type { OpenQuestion } from '../src/board/snapshot.js';
import type { AnswerPart, QuestionItem } from '../src/board/types.js';
import { wordWrap } from './cells.js';
import { padLine, seg, type Line, type Segment } from './lines.js';
import type { AnswerDraft } from './question-input.js';

export function questionTitle(q: Pick<OpenQuestion, 'id' | 'kind' | 'askedBy'>): string {
  switch (q.kind) {
    case 'gate':
      return `Gate decision q${q.id}`;
    case 'approval':
      return `Approval q${q.id}`;
    case 'budget':
      return `Budget q${q.id}`;
    case 'stuck':
      return `${q.askedBy} is stuck: q${q.id}`;
    case 'permission':
      return `Permission q${q.id} for ${q.askedBy}`;
    case 'agent':
      return `Question q${q.id} from ${q.askedBy}`;
  }
}

function answerText(part: AnswerPart | undefined): string {
  return part === undefined ? '' : describeAnswers([part]);
}

/** Why the question is asked and what it is about (a command, a cause), in one line; empty when it says nothing. */
export function contextText(q: Pick<OpenQuestion, 'payload'>): string {
  const context = q.payload.context;
  if (!context) return '';
  return [context.cause, context.command ? `command: ${context.command}` : undefined].filter((s) => s !== undefined && s !== '').join(' · ');
}

/** What the free-text row offers, by kind: own words for an agent, a note or a condition for a decision. */
export function otherLabel(q: Pick<OpenQuestion, 'kind'>): string {
  if (q.kind === 'approval') return 'type a condition (or your own words)';
  if (needsOption(q.kind)) return 'type a note (or your own words)';
  return 'type your own answer';
}

/** How own words can go with each option: "approve with this as the condition". */
function wordsChoice(label: string, value: string | undefined, kind: OpenQuestion['kind']): string {
  const v = (value ?? label).toLowerCase();
  if (kind === 'approval' && v === 'approve') return `${label.toLowerCase()} with this as the condition`;
  if (kind === 'approval' && v === 'reject') return `${label.toLowerCase()}, with this as the reason`;
  return `${label} with this as a note`;
}

/** A block of panel rows; `option` is the option index the rows belong to (options.length: the free-text row). */
interface Block {
  lines: Line[];
  option?: number;
}

/** Text wrapped to rows after a fixed lead on the first row and an indent on the rest. */
function wrapped(text: string, width: number, first: Segment[], indent: number, style: Omit<Segment, 'text'>): Line[] {
  const leadWidth = first.reduce((n, s) => n + s.text.length, 0);
  const rows = wordWrap(text, Math.max(10, width - Math.max(leadWidth, indent)));
  return rows.map((t, i): Line => (i === 0 ? [...first, seg(' '.repeat(Math.max(0, indent - leadWidth))), seg(t, style)] : [seg(' '.repeat(indent)), seg(t, style)]));
}

function optionBlocks(q: OpenQuestion, item: QuestionItem, draft: AnswerDraft, width: number): Block[] {
  const n = item.options.length;
  const onOther = draft.cursor === n;
  const number = (i: number) => `${i + 1}. `;
  const side = width >= 70;
  const labelWidth = Math.min(24, Math.max(...item.options.map((o) => o.label.length), 5));
  const blocks: Block[] = item.options.map((option, i): Block => {
    const here = draft.cursor === i;
    const head: Segment[] = [seg(here ? '❯ ' : '  ', { color: 'yellow', bold: true })];
    if (item.multiSelect) head.push(seg(draft.selected.includes(i) ? '[x] ' : '[ ] ', { color: draft.selected.includes(i) ? 'green' : 'gray' }));
    head.push(seg(number(i), { dim: true }));
    const labelStyle = here ? { bold: true, color: 'yellow' } : { bold: true };
    const indent = head.reduce((k, s) => k + s.text.length, 0);
    const description = option.description.trim();
    if (side) {
      const label = [...head, seg(option.label.padEnd(labelWidth), labelStyle), seg('  ')];
      if (description === '') return { lines: [label], option: i };
      return { lines: wrapped(description, width, label, indent + labelWidth + 2, { dim: !here }), option: i };
    }
    const lines: Line[] = [[...head, seg(option.label, labelStyle)]];
    if (description !== '') lines.push(...wrapped(description, width, [], indent + 2, { dim: !here }));
    return { lines, option: i };
  });
  const other: Segment[] = [seg(onOther ? '❯ ' : '  ', { color: 'yellow', bold: true })];
  if (item.multiSelect) other.push(seg(draft.other.trim() !== '' ? '[x] ' : '[ ] ', { color: draft.other.trim() !== '' ? 'green' : 'gray' }));
  other.push(seg(number(n), { dim: true }), seg('Other: ', onOther ? { bold: true, color: 'yellow' } : { bold: true }));
  const indent = other.reduce((k, s) => k + s.text.length, 0);
  if (draft.words !== null) {
    blocks.push({ lines: wrapped(draft.words, width, other, indent, {}), option: n });
  } else if (draft.other !== '' || onOther) {
    const typed = wrapped(draft.other === '' ? ' ' : draft.other, width, other, indent, {});
    if (onOther) typed[typed.length - 1]?.push(seg(' ', { inverse: true }));
    if (draft.other === '' && onOther) typed[0]?.push(seg(` ${otherLabel(q)}`, { dim: true }));
    blocks.push({ lines: typed, option: n });
  } else {
    blocks.push({ lines: [[...other, seg(otherLabel(q), { dim: true })]], option: n });
  }
  if (draft.words !== null) {
    const choices = item.options.map((o, i) => `${i + 1} ${wordsChoice(o.label, o.value, q.kind)}`);
    const lines: Line[] = [
      [seg('  Your words name none of the choices. Use them as:', { color: 'yellow', bold: true })],
      ...wrapped([...choices, 'e edit'].join(' · '), width, [seg('  ')], 2, { color: 'yellow' }),
    ];
    blocks.push({ lines, option: n });
  }
  return blocks;
}

export interface QuestionPanelOptions {
  /** Workspace files the question names (they exist): offered with `o`. */
  files: readonly string[];
}

/**
 * The panel that holds the keyboard while a question is pending, one part at a time: the question
 * and every option description in full, wrapped; when taller than `maxLines`, the middle scrolls to
 * keep the option under the cursor in view (PgUp/PgDn move it further).
 */
export function questionLines(q: OpenQuestion, draft: AnswerDraft, pendingCount: number, width: number, maxLines: number, options: QuestionPanelOptions = { files: [] }): Line[] {
  const parts = q.payload.questions;
  const item = parts[draft.part];
  if (!item || maxLines <= 0) return [];
  const facts = [questionTitle(q)];
  if (q.taskId !== null) facts.push(`task #${q.taskId}`);
  if (parts.length > 1) facts.push(`part ${draft.part + 1} of ${parts.length}`);
  if (pendingCount > 1) facts.push(`${pendingCount - 1} more waiting`);
  const title: Line = padLine([seg(` ? ${facts.join(' · ')} `, { bold: true })], width).map((s) => ({ ...s, inverse: true, color: 'yellow' }));

  const blocks: Block[] = [];
  if (draft.part > 0) {
    blocks.push({
      lines: [
        [
          seg('answered ', { dim: true }),
          ...parts.slice(0, draft.part).flatMap((p, i) => [seg(`${i > 0 ? ' · ' : ''}[${p.header}] `, { dim: true }), seg(answerText(draft.answers[i]), { color: 'green' })]),
        ],
      ],
    });
  }
  const about = contextText(q);
  if (about !== '') blocks.push({ lines: wrapped(about, width, [], 0, { dim: true }) });
  const output = q.payload.context?.output ?? [];
  if (output.length > 0) blocks.push({ lines: output.slice(-6).map((l): Line => [seg('│ ', { dim: true }), seg(l, { dim: true })]) });
  const head = seg(`[${item.header}] `, { color: 'cyan', bold: true });
  blocks.push({ lines: wrapped(item.question, width, [head], head.text.length, { bold: true }) });
  if (options.files.length > 0) {
    const list = options.files.join(' · ');
    blocks.push({ lines: wrapped(`${list}  (Ctrl-O to read${options.files.length > 1 ? ' them' : ' it'})`, width, [seg('files ', { dim: true })], 6, { color: 'cyan' }) });
  }
  blocks.push(...optionBlocks(q, item, draft, width));
  if (draft.error) blocks.push({ lines: wrapped(draft.error, width, [], 0, { color: 'red', bold: true }) });

  const hint = hintLine(q, item, draft);
  const body = blocks.flatMap((b) => b.lines);
  const room = Math.max(1, maxLines - 2);
  if (body.length <= room) return [title, ...body, hint].slice(0, maxLines);

  // Scroll the middle: the block of the option under the cursor in view (its start, if it is taller
  // than the room), then as far as the person scrolled with PgUp/PgDn.
  let row = 0;
  let cursorStart = -1;
  let cursorEnd = -1;
  for (const b of blocks) {
    if (b.option === draft.cursor) {
      if (cursorStart < 0) cursorStart = row;
      cursorEnd = row + b.lines.length;
    }
    row += b.lines.length;
  }
  const total = body.length;
  const last = total - (room - 1);
  let first = 0;
  if (cursorEnd > room - 1) first = cursorStart >= last ? last : Math.min(cursorStart, cursorEnd - (room - 2));
  first = Math.max(0, Math.min(last, first + draft.scroll));
  let shown: Line[];
  if (first === 0) shown = [...body.slice(0, room - 1), [seg(`▼ ${total - (room - 1)} more below (PgDn)`, { dim: true })]];
  else if (first >= last) shown = [[seg(`▲ ${last} more above (PgUp)`, { dim: true })], ...body.slice(last)];
  else shown = [[seg(`▲ ${first} more above (PgUp)`, { dim: true })], ...body.slice(first, first + room - 2), [seg(`▼ ${total - first - (room - 2)} more below (PgDn)`, { dim: true })]];
  return [title, ...shown, hint].slice(0, maxLines);
}

/** The keys of the panel itself; the footer below it has the ones that work everywhere (Esc, Ctrl-O, ?). */
function hintLine(q: OpenQuestion, item: QuestionItem, draft: AnswerDraft): Line {
  const n = item.options.length;
  const back = draft.part > 0 ? ['Esc previous part'] : [];
  if (draft.words !== null) return [seg([`1-${n} choose`, 'e edit', ...back].join(' · '), { dim: true })];
  const onOther = draft.cursor === n;
  const keys = onOther ? ['type', '⏎ send', '↑ options'] : item.multiSelect ? ['↑↓ move', 'Space toggle', `1-${n} toggle`, '⏎ confirm'] : ['↑↓ move', `1-${n} pick`, '⏎ choose'];
  // Letters typed here start the answer in Other (tui/question-input.ts).
  if (!onOther) keys.push(q.kind === 'approval' ? 'or type a condition' : 'or type your own answer');
  keys.push(...back);
  return [seg(keys.join(' · '), { dim: true })];
}

/** One line shown while the board has the keyboard and a question waits. */
export function questionBanner(q: OpenQuestion, pendingCount: number): Line {
  const first = q.payload.questions[0];
  return [
    seg(' ? ', { inverse: true, color: 'yellow', bold: true }),
    seg(` ${questionTitle(q)}: `, { color: 'yellow', bold: true }),
    seg(first?.question ?? ''),
    seg(`${pendingCount > 1 ? ` (+${pendingCount - 1} more)` : ''} · press a to answer`, { dim: true }),
  ];
}
