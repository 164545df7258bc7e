import { and, eq, sql } from 'drizzle-orm';
import { transcripts } from '../../db/schema.js';
import { prepared, type Board } from './board.js';

export interface StoredTranscript {
  messages: unknown[];
  inFlight: unknown[];
}

export function loadTranscript(board: Board, runId: number, member: string): StoredTranscript | undefined {
  const row = board.db
    .select()
    .from(transcripts)
    .where(and(eq(transcripts.runId, runId), eq(transcripts.member, member)))
    .get();
  return row ? { messages: row.messages, inFlight: row.inFlight } : undefined;
}

/** Persist a member's conversation (called after every step of the loop). */
export function saveTranscript(board: Board, runId: number, member: string, value: StoredTranscript): void {
  prepared(board, 'transcript.save', () =>
    board.db
      .insert(transcripts)
      .values({
        runId: sql.placeholder('runId'),
        member: sql.placeholder('member'),
        messages: sql.placeholder('messages'),
        inFlight: sql.placeholder('inFlight'),
        updatedAt: sql.placeholder('now'),
      })
      .onConflictDoUpdate({
        target: [transcripts.runId, transcripts.member],
        set: { messages: sql`excluded.messages`, inFlight: sql`excluded.in_flight`, updatedAt: sql`excluded.updated_at` },
      })
      .prepare(),
  ).run({ runId, member, messages: value.messages, inFlight: value.inFlight, now: board.now() });
}

/**
 * Rewrite only the turn in flight of a stored transcript, when its messages are already stored as
 * they are: a long conversation is then not serialised again for every tool call. Returns false
 * when the member has no stored transcript yet (save it whole instead).
 */
export function saveInFlight(board: Board, runId: number, member: string, inFlight: unknown[]): boolean {
  const statement = prepared(board, 'transcript.saveInFlight', () =>
    board.db
      .update(transcripts)
      .set({ inFlight: sql`${sql.placeholder('inFlight')}`, updatedAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(transcripts.runId, sql.placeholder('runId')), eq(transcripts.member, sql.placeholder('member'))))
      .prepare(),
  );
  return statement.run({ runId, member, inFlight: JSON.stringify(inFlight), now: board.now() }).changes > 0;
}
