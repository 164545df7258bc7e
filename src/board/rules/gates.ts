import { actorName, type Actor } from '../actor.js';
import { BoardError } from '../errors.js';
import { describeGate } from '../gates.js';
import type { Tx } from '../store.js';
import type { Gate, GateSpec, GateStatus, NewGate } from '../types.js';

export async function requireGate(tx: Tx, runId: number, gateId: number): Promise<Gate> {
  const gate = await tx.getGate(runId, gateId);
  if (!gate) throw new BoardError('not_found', `gate ${gateId} does not exist in run ${runId}`);
  return gate;
}

export async function addGate(tx: Tx, runId: number, input: NewGate, actor: Actor): Promise<Gate> {
  await tx.lockRun(runId, 'exclusive');
  const gate: Gate = {
    runId,
    id: await tx.nextGateId(runId),
    before: input.before,
    kind: input.spec.kind,
    spec: input.spec,
    status: 'closed',
    detail: null,
    note: null,
    decidedBy: null,
    updatedAt: tx.now(),
  };
  await tx.insertGate(gate);
  await tx.appendEvent(runId, actorName(actor), { type: 'gate.added', payload: { gate: gate.id, before: gate.before, kind: gate.kind, description: describeGate(gate) } });
  return gate;
}

export async function setGateStatus(
  tx: Tx,
  runId: number,
  gateId: number,
  status: GateStatus,
  detail: string | null,
  actor: Actor,
  decidedBy: string | null = null,
  note: string | null = null,
): Promise<Gate> {
  await tx.lockRun(runId, 'exclusive');
  const gate = await requireGate(tx, runId, gateId);
  const updated: Gate = { ...gate, status, detail, decidedBy, note, updatedAt: tx.now() };
  await tx.updateGate(runId, gateId, { status, detail, decidedBy, note, updatedAt: updated.updatedAt });
  if (gate.status !== status || gate.detail !== detail || gate.note !== note) {
    await tx.appendEvent(runId, actorName(actor), {
      type: `gate.${status}`,
      payload: { gate: gateId, before: gate.before, description: describeGate(gate), detail, ...(note ? { note } : {}) },
    });
  }
  return updated;
}

export async function setGateSpec(tx: Tx, runId: number, gateId: number, spec: GateSpec): Promise<void> {
  const gate = await requireGate(tx, runId, gateId);
  if (gate.kind !== spec.kind) throw new BoardError('invalid', `gate ${gateId} is a ${gate.kind} gate; it cannot become a ${spec.kind} gate`);
  await tx.updateGate(runId, gateId, { spec, updatedAt: tx.now() });
}
