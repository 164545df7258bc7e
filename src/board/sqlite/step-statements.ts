import type Database from 'better-sqlite3';
import { once } from '../once.js';
import { rowUpdater } from './row-updates.js';
import type { MailMessage, Member, Run, UsageRecord } from '../types.js';

/**
 * The writes a run makes on every member step (its step and heartbeat, its last action, a model
 * call's usage, its conversation, its mail, the coordinator's event cursor), as SQL over the drizzle
 * schema's tables, prepared once. Through drizzle, building the parameters of an update cost more
 * than the update. test/board/sqlite-step-writes.test.ts holds the SQL to the schema's columns.
 */

/** The columns of members an update may set, by field. */
export const MEMBER_COLUMNS: Record<string, string> = {
  agent: 'agent',
  role: 'role',
  model: 'model',
  status: 'status',
  currentTask: 'current_task',
  lastAction: 'last_action',
  step: 'step',
  stepAt: 'step_at',
  worker: 'worker',
  workerBeatAt: 'worker_beat_at',
  heartbeatAt: 'heartbeat_at',
  turns: 'turns',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cacheReadTokens: 'cache_read_tokens',
  cacheWriteTokens: 'cache_write_tokens',
  costUsd: 'cost_usd',
};

/** The columns of runs an update may set, by field. */
export const RUN_COLUMNS: Record<string, string> = {
  team: 'team',
  status: 'status',
  backend: 'backend',
  seed: 'seed',
  workspace: 'workspace',
  budgetUsd: 'budget_usd',
  budgetTokens: 'budget_tokens',
  config: 'config',
  statusReason: 'status_reason',
  pid: 'pid',
  driver: 'driver',
  heartbeatAt: 'heartbeat_at',
  eventCursor: 'event_cursor',
  startedAt: 'started_at',
  endedAt: 'ended_at',
};

const MESSAGE = 'run_id AS runId, id, from_member AS "from", to_member AS "to", summary, body, created_at AS createdAt, read_at AS readAt';

export function stepStatements(sqlite: Database.Database) {
  const heartbeat = once(() => sqlite.prepare<[number, number, string]>('UPDATE members SET heartbeat_at = ? WHERE run_id = ? AND name = ?'));
  const usageLog = once(() =>
    sqlite.prepare<[number, string, number | null, string, number, number, number, number, number, number]>(
      `INSERT INTO usage (run_id, member, task_id, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  );
  const usageMember = once(() =>
    sqlite.prepare<[number, number, number, number, number, number, string]>(
      `UPDATE members SET turns = turns + 1, input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
         cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?, cost_usd = cost_usd + ?
       WHERE run_id = ? AND name = ?`,
    ),
  );
  const usageTask = once(() => sqlite.prepare<[number, number, number, number]>('UPDATE tasks SET tokens = tokens + ?, cost_usd = cost_usd + ? WHERE run_id = ? AND id = ?'));
  const unread = once(() => sqlite.prepare<[number, string], MailMessage>(`SELECT ${MESSAGE} FROM messages WHERE run_id = ? AND to_member = ? AND read_at IS NULL ORDER BY id`));
  const countUnread = once(() => sqlite.prepare<[number, string], number>('SELECT count(*) FROM messages WHERE run_id = ? AND to_member = ? AND read_at IS NULL').pluck());
  const markRead = once(() => sqlite.prepare<[number, number, string]>('UPDATE messages SET read_at = ? WHERE run_id = ? AND to_member = ? AND read_at IS NULL'));
  const transcriptCut = once(() => sqlite.prepare<[number, string, number]>('DELETE FROM transcript_messages WHERE run_id = ? AND member = ? AND idx >= ?'));
  const transcriptAppend = once(() => sqlite.prepare<[number, string, number, string]>('INSERT INTO transcript_messages (run_id, member, idx, message) VALUES (?, ?, ?, ?)'));
  const transcriptSave = once(() =>
    sqlite.prepare<[number, string, string, number]>(
      `INSERT INTO transcripts (run_id, member, in_flight, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, member) DO UPDATE SET in_flight = excluded.in_flight, updated_at = excluded.updated_at`,
    ),
  );
  // Only a run's config is JSON among the fields written here.
  const updateRow = rowUpdater(sqlite, (name, value) => (name === 'config' ? JSON.stringify(value) : value));

  return {
    updateMember: (runId: number, name: string, set: Partial<Omit<Member, 'runId' | 'name'>>): void => updateRow('members', MEMBER_COLUMNS, 'run_id = ? AND name = ?', [runId, name], set),
    updateRun: (id: number, set: Partial<Omit<Run, 'id'>>): void => updateRow('runs', RUN_COLUMNS, 'id = ?', [id], set),
    heartbeatMembers: (runId: number, names: string[], now: number): void => {
      for (const name of names) heartbeat().run(now, runId, name);
    },
    /** One model call: the usage log row, the member's counters and its task's. */
    addUsage: (runId: number, member: string, rec: UsageRecord, ts: number): void => {
      usageLog().run(runId, member, rec.taskId, rec.model, rec.inputTokens, rec.outputTokens, rec.cacheReadTokens, rec.cacheWriteTokens, rec.costUsd, ts);
      usageMember().run(rec.inputTokens, rec.outputTokens, rec.cacheReadTokens, rec.cacheWriteTokens, rec.costUsd, runId, member);
      if (rec.taskId === null) return;
      const total = rec.inputTokens + rec.outputTokens + rec.cacheReadTokens + rec.cacheWriteTokens;
      usageTask().run(total, rec.costUsd, runId, rec.taskId);
    },
    unreadMessages: (runId: number, member: string): MailMessage[] => unread().all(runId, member),
    countUnread: (runId: number, member: string): number => countUnread().get(runId, member) ?? 0,
    markRead: (runId: number, member: string, now: number): void => {
      markRead().run(now, runId, member);
    },
    /**
     * The first `keep` stored messages stay, the rest is replaced by `append`, and the turn in
     * flight is replaced. A step appends only what is new; the cut finds nothing to delete then.
     */
    saveTranscript: (runId: number, member: string, keep: number, append: unknown[], inFlight: unknown, now: number): void => {
      transcriptCut().run(runId, member, keep);
      append.forEach((message, i) => transcriptAppend().run(runId, member, keep + i, JSON.stringify(message)));
      // As drizzle wrote it: JSON text, `null` included.
      transcriptSave().run(runId, member, JSON.stringify(inFlight ?? null), now);
    },
  };
}
