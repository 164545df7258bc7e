import { describeAnswers } from '../src/board/answers.js';
import type { OpenQuestion } from '../src/board/snapshot.js';
import type { AnswerPart } from '../src/board/types.js';
import { wrap } from './format.js';
import { fitWindow } from './layout.js';
import { padLine, seg, type Line } from './lines.js';
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

/** The panel that holds the keyboard while a question is pending: one part of the call at a time. */
export function questionLines(q: OpenQuestion, draft: AnswerDraft, pendingCount: number, width: number, maxLines: number): Line[] {
  const parts = q.payload.questions;
  const item = parts[draft.part];
  if (!item || maxLines <= 0) return [];
  const facts = [questionTitle(q)];
  if (q.taskId !== null) facts.push(`task #${q.taskId}`);
  if (parts.length > 1) facts.push(`part ${draft.part + 1} of ${parts.length}`);
  if (pendingCount > 1) facts.push(`${pendingCount - 1} more waiting`);
  const title: Line = padLine([seg(` ? ${facts.join(' · ')} `, { bold: true })], width).map((s) => ({ ...s, inverse: true, color: 'yellow' }));
  const about = contextText(q);
  const context: Line[] = about === '' ? [] : [[seg(about, { dim: true })]];

  const answered: Line[] =
    draft.part > 0
      ? [
          [
            seg('answered ', { dim: true }),
            ...parts.slice(0, draft.part).flatMap((p, i) => [seg(`${i > 0 ? ' · ' : ''}[${p.header}] `, { dim: true }), seg(answerText(draft.answers[i]), { color: 'green' })]),
          ],
        ]
      : [];

  const n = item.options.length;
  const onOther = draft.cursor === n;
  const labelWidth = Math.min(24, Math.max(...item.options.map((o) => o.label.length)));
  const rows: Line[] = item.options.map((option, i) => {
    const here = draft.cursor === i;
    const line: Line = [seg(here ? '❯ ' : '  ', { color: 'yellow', bold: true })];
    if (item.multiSelect) line.push(seg(draft.selected.includes(i) ? '[x] ' : '[ ] ', { color: draft.selected.includes(i) ? 'green' : 'gray' }));
    line.push(seg(`${i + 1}. `, { dim: true }), seg(option.label.padEnd(labelWidth), here ? { bold: true, color: 'yellow' } : { bold: true }));
    if (option.description) line.push(seg(`  ${option.description}`, { dim: true }));
    return line;
  });
  const other: Line = [seg(onOther ? '❯ ' : '  ', { color: 'yellow', bold: true })];
  if (item.multiSelect) other.push(seg(draft.other.trim() !== '' ? '[x] ' : '[ ] ', { color: draft.other.trim() !== '' ? 'green' : 'gray' }));
  other.push(seg(`${n + 1}. `, { dim: true }), seg('Other: ', onOther ? { bold: true, color: 'yellow' } : { bold: true }));
  if (draft.other !== '' || onOther) other.push(seg(draft.other), ...(onOther ? [seg(' ', { inverse: true })] : []));
  else other.push(seg('type your own answer', { dim: true }));
  rows.push(other);

  const keys = item.multiSelect
    ? `↑↓ move · Space toggle · 1-${n} toggle · ⏎ confirm`
    : `↑↓ move · 1-${n} pick · ⏎ choose`;
  const hint: Line = [seg(`${keys} · ${n + 1} or ↓ to type · Esc ${draft.part > 0 ? 'previous part' : 'back to board'}`, { dim: true })];
  const error: Line[] = draft.error ? [[seg(draft.error, { color: 'red', bold: true })]] : [];

  const head = [seg(`[${item.header}] `, { color: 'cyan', bold: true })];
  const textWidth = Math.max(10, width - item.header.length - 3);
  let questionRows = 3;
  const build = (withAnswered: boolean, withHint: boolean): Line[] => {
    const text = wrap(item.question, textWidth, questionRows).map((t, i): Line => (i === 0 ? [...head, seg(t, { bold: true })] : [seg(' '.repeat(item.header.length + 3)), seg(t, { bold: true })]));
    return [title, ...(withAnswered ? answered : []), ...(withAnswered ? context : []), ...text, ...rows, ...error, ...(withHint ? [hint] : [])];
  };
  let lines = build(true, true);
  if (lines.length > maxLines) {
    questionRows = 1;
    lines = build(true, true);
  }
  if (lines.length > maxLines) lines = build(false, true);
  if (lines.length > maxLines) lines = build(false, false);
  if (lines.length <= maxLines) return lines;
  // Still too tall: keep the title, the question and a window of options around the cursor.
  const fixed = 2 + error.length;
  const window = fitWindow(rows.length, () => 1, Math.max(1, maxLines - fixed), draft.cursor);
  const visible = rows.slice(window.start, window.start + window.count);
  if (window.hidden > 0) visible.push([seg(`+${window.hidden} more (↑↓)`, { dim: true })]);
  const questionLine = build(false, false)[1] ?? [];
  return [title, questionLine, ...visible, ...error].slice(0, maxLines);
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
