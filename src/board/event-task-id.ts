import type { NewEvent } from './events.js';

/** The task an event is about, if any: stored beside the payload so a task's history is an index lookup. */
export function eventTaskId(event: NewEvent): number | null {
  const payload: object = event.payload;
  return 'taskId' in payload && typeof payload.taskId === 'number' ? payload.taskId : null;
}
