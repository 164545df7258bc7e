import { and, asc, eq, sql } from 'drizzle-orm';
import { gates, type GateStatus, type JsonObject } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import type { Actor } from './actor.js';

export type Gate = typeof gates.$inferSelect;

export interface NewGate {
  before: string;
  kind: 'metric' | 'approval';
  spec: JsonObject;
}

export function addGate(board: Board, runId: number, input: NewGate, actor: Actor): Gate {
  return transact(board, () => {
    const next = board.db
      .select({ next: sql<number>`coalesce(max(${gates.id}), 0) + 1` })
      .from(gates)
      .where(eq(gates.runId, runId))
      .get();
    const gate = board.db
      .insert(gates)
      .values({ runId, id: next?.next ?? 1, ...input, status: 'pending', updatedAt: board.now() })
      .returning()
      .get();
    appendEvent(board, runId, actor, 'gate.added', { gate: gate.id, before: gate.before, kind: gate.kind, description: describeGate(gate) });
    return gate;
  });
}

/** Read on every coordinator check and every TaskList, so prepared once. */
export function listGates(board: Board, runId: number): Gate[] {
  return prepared(board, 'gates.list', () =>
    board.db.select().from(gates).where(eq(gates.runId, sql.placeholder('runId'))).orderBy(asc(gates.id)).prepare(),
  ).all({ runId });
}

export function getGate(board: Board, runId: number, gateId: number): Gate {
  const gate = board.db
    .select()
    .from(gates)
    .where(and(eq(gates.runId, runId), eq(gates.id, gateId)))
    .get();
  if (!gate) throw new BoardError('not_found', `gate ${gateId} does not exist in run ${runId}`);
  return gate;
}

export function setGateStatus(
  board: Board,
  runId: number,
  gateId: number,
  status: GateStatus,
  detail: string | null,
  actor: Actor,
  decidedBy: string | null = null,
): Gate {
  return transact(board, () => {
    const gate = getGate(board, runId, gateId);
    const updated = board.db
      .update(gates)
      .set({ status, detail, decidedBy, updatedAt: board.now() })
      .where(and(eq(gates.runId, runId), eq(gates.id, gateId)))
      .returning()
      .get();
    if (gate.status !== status || gate.detail !== detail) {
      appendEvent(board, runId, actor, `gate.${status}`, {
        gate: gateId,
        before: gate.before,
        description: describeGate(gate),
        detail,
      });
    }
    return updated;
  });
}

/** Point a gate at another task (a retrained copy of the one it checked). */
export function setGateSpec(board: Board, runId: number, gateId: number, spec: JsonObject): void {
  board.db
    .update(gates)
    .set({ spec, updatedAt: board.now() })
    .where(and(eq(gates.runId, runId), eq(gates.id, gateId)))
    .run();
}

export function describeGate(gate: Pick<Gate, 'kind' | 'spec' | 'before'>): string {
  const spec = gate.spec;
  if (gate.kind === 'approval') return `human approval before ${gate.before}`;
  const parts = [`${String(spec.task)} ${String(spec.metric)}`];
  if (typeof spec.min === 'number') parts.push(`>= ${spec.min}`);
  if (typeof spec.max === 'number') parts.push(`<= ${spec.max}`);
  const base = parts.join(' ');
  return spec.beat_baseline === true ? `${base} and above baseline, before ${gate.before}` : `${base}, before ${gate.before}`;
}
