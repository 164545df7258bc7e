import type { BoardEvent, EventType } from '../../board/events.js';

/** What the coordinator's regular check reads from the board: the gates (with the tasks they judge), and the open questions. */
export type Look = 'gates' | 'questions';

/**
 * Events that change no task, gate or run: after them, the gates need no new look. Every change
 * that could let a gate pass, fail or be asked about comes with an event of another type (a
 * retrain re-points a gate without one, but closes it with one in the same transaction).
 */
const QUIET_FOR_GATES: ReadonlySet<EventType> = new Set<EventType>([
  'member.joined',
  'member.status',
  'member.said',
  'model.retrying',
  'tool.called',
  'message.sent',
  'question.asked',
  'question.answered',
  'question.cancelled',
]);

export interface Looks {
  /** The coordinator saw these events (all of the run's, in order). */
  saw(events: readonly BoardEvent[]): void;
  /** Whether the board must be read for this look: true once, until an event may have changed it again. */
  take(look: Look): boolean;
  /** Look again next time whatever happens (what was read still needs acting on, or the look failed). */
  again(look: Look): void;
}

/**
 * The coordinator checks the board after every member step, and nearly every step changes nothing
 * it checks: reading the gates, every task (for approvals) and the open questions each time was
 * most of the board reads of a run. It reads them again only after an event that may change them.
 * Every change comes with an event, and the driver lets the coordinator see every event before it
 * checks again; a fresh coordinator (a resume) looks at everything once.
 */
export function createLooks(): Looks {
  const stale = new Set<Look>(['gates', 'questions']);
  return {
    saw(events) {
      for (const event of events) {
        if (!QUIET_FOR_GATES.has(event.type)) stale.add('gates');
        if (event.type === 'question.asked' || event.type === 'question.answered' || event.type === 'question.cancelled') stale.add('questions');
      }
    },
    take(look) {
      return stale.delete(look);
    },
    again(look) {
      stale.add(look);
    },
  };
}
