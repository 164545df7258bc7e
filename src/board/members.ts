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

/** Written after every model call, so the three statements are prepared once. */
function usageStatements(board: Board) {
  const p = (name: string) => sql.placeholder(name);
  return prepared(board, 'members.usage', () => ({
    log: board.db
      .insert(usage)
      .values({
        runId: p('runId'),
        member: p('member'),
        model: p('model'),
        taskId: p('taskId'),
        inputTokens: p('inputTokens'),
        outputTokens: p('outputTokens'),
        cacheReadTokens: p('cacheReadTokens'),
        cacheWriteTokens: p('cacheWriteTokens'),
        costUsd: p('costUsd'),
        ts: p('ts'),
      })
      .prepare(),
    member: board.db
      .update(members)
      .set({
        turns: sql`${members.turns} + 1`,
        inputTokens: sql`${members.inputTokens} + ${p('inputTokens')}`,
        outputTokens: sql`${members.outputTokens} + ${p('outputTokens')}`,
        cacheReadTokens: sql`${members.cacheReadTokens} + ${p('cacheReadTokens')}`,
        cacheWriteTokens: sql`${members.cacheWriteTokens} + ${p('cacheWriteTokens')}`,
        costUsd: sql`${members.costUsd} + ${p('costUsd')}`,
      })
      .where(and(eq(members.runId, p('runId')), eq(members.name, p('member'))))
      .prepare(),
    task: board.db
      .update(tasks)
      .set({ tokens: sql`${tasks.tokens} + ${p('total')}`, costUsd: sql`${tasks.costUsd} + ${p('costUsd')}` })
      .where(and(eq(tasks.runId, p('runId')), eq(tasks.id, p('taskId'))))
      .prepare(),
  }));
}

/** Add one model call's usage to the member, its current task and the usage log, atomically. */
export function recordUsage(board: Board, runId: number, member: string, rec: UsageRecord): void {
  const st = usageStatements(board);
  transact(board, () => {
    st.log.run({ runId, member, ...rec, ts: board.now() });
    st.member.run({ runId, member, ...rec });
    if (rec.taskId !== null) {
      const total = rec.inputTokens + rec.outputTokens + rec.cacheReadTokens + rec.cacheWriteTokens;
      st.task.run({ runId, taskId: rec.taskId, total, costUsd: rec.costUsd });
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
