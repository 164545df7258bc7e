import { actorName, type Actor } from '../actor.js';
import { BoardError } from '../errors.js';
import { checkLength, LIMITS } from '../limits.js';
import type { Tx } from '../store.js';
import type { MailMessage, NewMessage } from '../types.js';

/** Deliver a message to one member, or to every other member with to = "*" (one row per recipient). */
export async function sendMessage(tx: Tx, runId: number, input: NewMessage, actor: Actor): Promise<MailMessage[]> {
  checkLength('message', input.body, LIMITS.messageBody, 'put long material in a workspace file and send its path');
  if (input.summary) checkLength('summary', input.summary, LIMITS.summary, 'keep the summary to one line');
  await tx.lockRun(runId, 'exclusive');
  const names = (await tx.listMembers(runId)).map((m) => m.name);
  const recipients = input.to === '*' ? names.filter((n) => n !== input.from) : [input.to];
  if (input.to !== '*' && !names.includes(input.to)) {
    throw new BoardError('not_found', `no member named "${input.to}" in this run; send to one of ${names.join(', ') || '(none)'} or "*" for everyone`);
  }
  let id = await tx.nextMessageId(runId);
  const sent: MailMessage[] = [];
  for (const to of recipients) {
    const message: MailMessage = { runId, id: id++, from: input.from, to, body: input.body, summary: input.summary ?? null, createdAt: tx.now(), readAt: null };
    await tx.insertMessage(message);
    sent.push(message);
  }
  await tx.appendEvent(runId, actorName(actor), {
    type: 'message.sent',
    payload: { from: input.from, to: input.to, recipients, summary: input.summary ?? input.body.slice(0, 80) },
  });
  return sent;
}

export async function takeInbox(tx: Tx, runId: number, member: string): Promise<MailMessage[]> {
  const unread = await tx.unreadMessages(runId, member);
  if (unread.length > 0) await tx.markRead(runId, member, tx.now());
  return unread;
}
