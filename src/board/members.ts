import { and, asc, eq, sql } from 'drizzle-orm';
import { members, usage, tasks, type MemberStatus } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import type { Actor } from './actor.js';

export type Member = typeof members.$inferSelect;

export interface NewMember {
  name: string;
  agent: string;
  role: string;
  model: string;
}

export function addMember(board: Board, runId: number, input: NewMember, actor: Actor): Member {
  return transact(board, () => {
    const member = board.db
      .insert(members)
      .values({ runId, ...input, status: 'starting', heartbeatAt: board.now() })
      .returning()
      .get();
    appendEvent(board, runId, actor, 'member.joined', { member: input.name, agent: input.agent, role: input.role, model: input.model });
    return member;
  });
}

export function listMembers(board: Board, runId: number): Member[] {
  return board.db.select().from(members).where(eq(members.runId, runId)).orderBy(asc(members.name)).all();
}

export function getMember(board: Board, runId: number, name: string): Member | undefined {
  return prepared(board, 'member.get', () =>
    board.db
      .select()
      .from(members)
      .where(and(eq(members.runId, sql.placeholder('runId')), eq(members.name, sql.placeholder('name'))))
      .prepare(),
  ).get({ runId, name });
}

export interface MemberPatch {
  status?: MemberStatus;
  currentTask?: number | null;
  lastAction?: string | null;
}

/** Status changes are events (the board shows them); last-action updates are not. */
export function updateMember(board: Board, runId: number, name: string, patch: MemberPatch, actor: Actor): void {
  transact(board, () => {
    const before = getMember(board, runId, name);
    if (!before) return;
    board.db
      .update(members)
      .set({ ...patch, heartbeatAt: board.now() })
      .where(and(eq(members.runId, runId), eq(members.name, name)))
      .run();
    if (patch.status !== undefined && patch.status !== before.status) {
      appendEvent(board, runId, actor, 'member.status', { member: name, from: before.status, to: patch.status });
    }
  });
}

export function heartbeat(board: Board, runId: number, names: string[]): void {
  const st = prepared(board, 'member.heartbeat', () =>
    board.db
      .update(members)
      .set({ heartbeatAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(members.runId, sql.placeholder('runId')), eq(members.name, sql.placeholder('name'))))
      .prepare(),
  );
  transact(board, () => {
    for (const name of names) st.run({ runId, name, now: board.now() });
  });
}

export interface UsageRecord {
  model: string;
  taskId: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

/** Add one model call's usage to the member, its current task and the usage log, atomically. */
export function recordUsage(board: Board, runId: number, member: string, rec: UsageRecord): void {
  transact(board, () => {
    board.db
      .insert(usage)
      .values({ runId, member, ...rec, ts: board.now() })
      .run();
    board.db
      .update(members)
      .set({
        turns: sql`${members.turns} + 1`,
        inputTokens: sql`${members.inputTokens} + ${rec.inputTokens}`,
        outputTokens: sql`${members.outputTokens} + ${rec.outputTokens}`,
        cacheReadTokens: sql`${members.cacheReadTokens} + ${rec.cacheReadTokens}`,
        cacheWriteTokens: sql`${members.cacheWriteTokens} + ${rec.cacheWriteTokens}`,
        costUsd: sql`${members.costUsd} + ${rec.costUsd}`,
      })
      .where(and(eq(members.runId, runId), eq(members.name, member)))
      .run();
    if (rec.taskId !== null) {
      const total = rec.inputTokens + rec.outputTokens + rec.cacheReadTokens + rec.cacheWriteTokens;
      board.db
        .update(tasks)
        .set({ tokens: sql`${tasks.tokens} + ${total}`, costUsd: sql`${tasks.costUsd} + ${rec.costUsd}` })
        .where(and(eq(tasks.runId, runId), eq(tasks.id, rec.taskId)))
        .run();
    }
  });
}

export interface RunTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  tokens: number;
  costUsd: number;
  calls: number;
}

export function runTotals(board: Board, runId: number): RunTotals {
  const row = board.db
    .select({
      inputTokens: sql<number>`coalesce(sum(${usage.inputTokens}), 0)`,
      outputTokens: sql<number>`coalesce(sum(${usage.outputTokens}), 0)`,
      cacheReadTokens: sql<number>`coalesce(sum(${usage.cacheReadTokens}), 0)`,
      cacheWriteTokens: sql<number>`coalesce(sum(${usage.cacheWriteTokens}), 0)`,
      costUsd: sql<number>`coalesce(sum(${usage.costUsd}), 0)`,
      calls: sql<number>`count(*)`,
    })
    .from(usage)
    .where(eq(usage.runId, runId))
    .get();
  const r = row ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, calls: 0 };
  return { ...r, tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens };
}

export function noteLastAction(board: Board, runId: number, name: string, lastAction: string): void {
  prepared(board, 'member.lastAction', () =>
    board.db
      .update(members)
      .set({ lastAction: sql`${sql.placeholder('lastAction')}`, heartbeatAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(members.runId, sql.placeholder('runId')), eq(members.name, sql.placeholder('name'))))
      .prepare(),
  ).run({ runId, name, lastAction, now: board.now() });
}
