import type { BoardEvent } from '../board/events.js';
import { describeEvent, type EventLine } from '../../tui/describe-event.js';

/** A described event as one plain line: `mle claimed #4 Train`, `run 3 completed`, with what to do about it. */
export function progressText(line: EventLine, withHint = true): string {
  const text = line.standalone ? line.text : `${line.who} ${line.text}`;
  return withHint && line.hint ? `${text}  (${line.hint})` : text;
}

/** One plain line for each event a person watching a headless run cares about; null to skip. */
export function progressLine(event: BoardEvent): string | null {
  const line = describeEvent(event);
  return line.important ? progressText(line) : null;
}
