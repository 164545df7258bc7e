import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { messages } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import { listMembers } from './members.js';
import type { Actor } from './actor.js';

export type MailMessage = typeof messages.$inferSelect;

/** Deliver a message to one member, or to every other member with to = "*" (one row per recipient). */
export function sendMessage(
  board: Board,
  runId: number,
  input: { from: string; to: string; body: string; summary?: string | null },
  actor: Actor,
): MailMessage[] {
  return transact(board, () => {
    const names = listMembers(board, runId).map((m) => m.name);
    const recipients = input.to === '*' ? names.filter((n) => n !== input.from) : [input.to];
    if (input.to !== '*' && !names.includes(input.to)) {
      throw new BoardError('not_found', `no member named "${input.to}" in this run; send to one of ${names.join(', ') || '(none)'} or "*" for everyone`);
    }
    const first = board.db
      .select({ next: sql<number>`coalesce(max(${messages.id}), 0) + 1` })
      .from(messages)
      .where(eq(messages.runId, runId))
      .get();
    let id = first?.next ?? 1;
    const sent: MailMessage[] = [];
    for (const to of recipients) {
      sent.push(
        board.db
          .insert(messages)
          .values({ runId, id: id++, from: input.from, to, body: input.body, summary: input.summary ?? null, createdAt: board.now() })
          .returning()
          .get(),
      );
    }
    appendEvent(board, runId, actor, 'message.sent', {
      from: input.from,
      to: input.to,
      recipients,
      summary: input.summary ?? input.body.slice(0, 80),
    });
    return sent;
  });
}

/** Every member's inbox is read before each of its turns: the read is prepared once. */
function unreadStatements(board: Board) {
  const unread = and(eq(messages.runId, sql.placeholder('runId')), eq(messages.to, sql.placeholder('member')), isNull(messages.readAt));
  return prepared(board, 'messages.unread', () => ({
    list: board.db.select().from(messages).where(unread).orderBy(asc(messages.id)).prepare(),
    count: board.db.select({ n: sql<number>`count(*)` }).from(messages).where(unread).prepare(),
  }));
}

/** Unread messages for a member, oldest first; marks them read. */
export function takeInbox(board: Board, runId: number, member: string): MailMessage[] {
  return transact(board, () => {
    const unread = unreadStatements(board).list.all({ runId, member });
    if (unread.length > 0) {
      board.db
        .update(messages)
        .set({ readAt: board.now() })
        .where(and(eq(messages.runId, runId), eq(messages.to, member), isNull(messages.readAt)))
        .run();
    }
    return unread;
  });
}

export function hasUnread(board: Board, runId: number, member: string): boolean {
  const row = unreadStatements(board).count.get({ runId, member });
  return (row?.n ?? 0) > 0;
}

export function listMessages(board: Board, runId: number): MailMessage[] {
  return board.db.select().from(messages).where(eq(messages.runId, runId)).orderBy(asc(messages.id)).all();
}
