import type { gates, members, messages, questions, runs, tasks } from '../../../db/postgres/schema.js';
import type { Gate, MailMessage, Member, Question, Run, Task } from '../types.js';

/** True only when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The PostgreSQL schema's rows are exactly the board's types (checked when compiling, so the two
 * cannot drift apart): a column added to one side only fails the build here.
 */
export const rowTypesMatch: [
  Same<typeof runs.$inferSelect, Run>,
  Same<typeof members.$inferSelect, Member>,
  Same<typeof tasks.$inferSelect, Task>,
  Same<typeof gates.$inferSelect, Gate>,
  Same<typeof questions.$inferSelect, Question>,
  Same<typeof messages.$inferSelect, MailMessage>,
] = [true, true, true, true, true, true];
