import type { RunState } from './snapshot.js';
import type { MemberStatus } from './types.js';

/**
 * A member's status as people see it. In a crashed run nothing drives the members, so one the
 * board still has as working (or starting) is shown stopped: its row is what the dead process last wrote.
 */
export function shownMemberStatus(status: MemberStatus, state: RunState): MemberStatus {
  return state === 'crashed' && (status === 'working' || status === 'starting') ? 'stopped' : status;
}

/** The status in words: a member stopped by its run's crash says so. */
export function memberStatusText(status: MemberStatus, state: RunState): string {
  const shown = shownMemberStatus(status, state);
  return state === 'crashed' && shown === 'stopped' ? 'stopped (run crashed)' : shown;
}
