import { wordWrap } from './cells.js';
import { fitWindow } from './layout.js';
import { padLine, seg, type Line } from './lines.js';

/** Every key of the board, by where it works. The one list: the `?` overlay draws it, the tests check it. */
export const KEY_HELP: { section: string; keys: [string, string][] }[] = [
  {
    section: 'Board',
    keys: [
      ['←→↑↓ h j k l Tab', 'select a task'],
      ['Enter', "open the selected task's detail"],
      ['Esc', 'clear the selection'],
      ['a', 'answer the waiting question'],
      ['f', 'browse the workspace files'],
      ['m', 'show one member in the activity feed (again: the next, then everyone)'],
      ['PgUp PgDn', 'scroll the activity feed (End: back to the newest)'],
      ['p', 'pause or resume the team'],
      ['Q', 'stop the run (asks first)'],
    ],
  },
  {
    section: 'Question',
    keys: [
      ['↑↓', 'move between the options'],
      ['1-9', 'pick an option (toggle one of several)'],
      ['Space', 'toggle an option of a multiple choice'],
      ['Enter', 'choose the option under the cursor, or send what you typed'],
      ['letters', 'type your own answer (or "Approve: <condition>" at an approval); board keys need Esc first'],
      ['Ctrl-O', 'read the files the question names before you answer'],
      ['PgUp PgDn', 'scroll a long question'],
      ['Esc', 'clear what you typed, go back a part, or back to the board'],
    ],
  },
  {
    section: 'Task detail',
    keys: [
      ['↑↓ j k PgUp PgDn Space', 'scroll'],
      ['Tab Shift-Tab', 'select a command the member ran'],
      ['Enter', 'the full output of the selected command'],
      ['o', 'the files the task names or wrote'],
      ['Esc', 'back to the board'],
    ],
  },
  {
    section: 'Files and output',
    keys: [
      ['↑↓ Enter', 'move and open a file or a folder'],
      ['← Backspace', 'up a folder'],
      ['↑↓ j k PgUp PgDn Space', 'scroll a file'],
      ['g G Home End', 'to the top or the end'],
      ['Esc', 'back to where you came from'],
    ],
  },
  {
    section: 'Everywhere',
    keys: [
      ['?', 'this list (not while typing an answer)'],
      ['q', 'leave the board; a run this terminal started goes on without it'],
      ['Ctrl-C', 'asks to stop a run this terminal started; otherwise leaves the board'],
    ],
  },
];

export function helpContent(width: number): Line[] {
  const keyWidth = Math.min(24, Math.max(...KEY_HELP.flatMap((s) => s.keys.map(([k]) => k.length))));
  const lines: Line[] = [];
  for (const { section, keys } of KEY_HELP) {
    if (lines.length > 0) lines.push([]);
    lines.push([seg(section, { bold: true, color: 'cyan' })]);
    for (const [key, what] of keys) {
      wordWrap(what, Math.max(10, width - keyWidth - 4)).forEach((row, i) =>
        lines.push([seg(`  ${(i === 0 ? key : '').padEnd(keyWidth)}  `, { bold: true, color: 'yellow' }), seg(row)]),
      );
    }
  }
  return lines;
}

/** The key list in `height` rows: a title bar, the list (scrolled with ↑↓ when it does not fit). */
export function helpLines(width: number, height: number, scroll: number): Line[] {
  const content = helpContent(width);
  const title = padLine([seg(' Keys ', { bold: true }), seg('what each key does, where')], width).map((s) => ({ ...s, inverse: true, color: 'cyan' }));
  const room = Math.max(1, height - 1);
  const window = fitWindow(content.length, () => 1, room, null);
  const top = content.length <= room ? 0 : Math.max(0, Math.min(scroll, content.length - (room - 1)));
  const shown = window.hidden === 0 ? content : content.slice(top, top + room - 1);
  const lines: Line[] = [title, ...shown];
  if (window.hidden > 0) {
    const below = content.length - top - shown.length;
    lines.push([seg(below > 0 ? `↓ ${below} more (↑↓ scroll)` : '↑ scroll up for more', { dim: true })]);
  }
  return lines.slice(0, height);
}
