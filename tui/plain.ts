import type { BoardSnapshot } from '../src/board/snapshot.js';
import { feedLines } from './activity-feed.js';
import { wordWrap } from './cells.js';
import { endingLines } from './ending.js';
import { headerLines } from './header.js';
import { fitLine, type Line } from './lines.js';
import { membersLines } from './members-panel.js';
import { questionTitle } from './question-panel.js';
import { COLUMN_ORDER, columnLines } from './task-columns.js';

export function lineText(line: Line, width: number): string {
  return fitLine(line, width)
    .map((s) => s.text)
    .join('')
    .trimEnd();
}

/**
 * The board as plain text, every task listed: what `team board` prints without a terminal
 * (pipes, CI) or with --plain.
 */
export function formatBoardText(snapshot: BoardSnapshot, now: number, width = 100, feed = 12): string {
  const lines: Line[] = [...headerLines(snapshot, now, width, 3), []];
  for (const q of snapshot.questions) {
    lines.push([{ text: `? ${questionTitle(q)}` }]);
    for (const part of q.payload.questions) {
      lines.push([{ text: `  [${part.header}] ${part.question}${part.multiSelect ? ' (several allowed)' : ''}` }]);
      part.options.forEach((o, i) => {
        const rows = wordWrap(`${i + 1}. ${o.label}${o.description ? ` - ${o.description}` : ''}`, Math.max(20, width - 7));
        rows.forEach((row, r) => lines.push([{ text: `${r === 0 ? '    ' : '       '}${row}` }]));
      });
    }
    lines.push([{ text: `  answer with: team answer ${snapshot.run.id} q${q.id} "<option or text>"` }], []);
  }
  for (const key of COLUMN_ORDER) {
    const tasks = snapshot.tasks[key];
    lines.push(...columnLines(key, tasks, snapshot, width, 2 + tasks.length * 2, null), []);
  }
  lines.push(...membersLines(snapshot.members, width, snapshot.members.length + 1, 'wide', { snapshot, now, spin: 0 }), []);
  lines.push(...feedLines(snapshot.events, snapshot.run.startedAt, width, feed + 1));
  const ending = endingLines(snapshot, null, width, false);
  if (ending.length > 0) lines.push([], ...ending);
  return `${lines.map((l) => lineText(l, width)).join('\n')}\n`;
}
