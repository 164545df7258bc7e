import { actorName, type Actor } from '../actor.js';
import { BoardError } from '../errors.js';
import { checkLength, LIMITS } from '../limits.js';
import type { Tx } from '../store.js';
import type { Member, MemberPatch, NewMember, UsageRecord } from '../types.js';

const MEMBER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export async function addMember(tx: Tx, runId: number, input: NewMember, actor: Actor): Promise<Member> {
  if (!MEMBER_NAME.test(input.name)) {
    throw new BoardError('invalid', `"${input.name}" is not a member name; use letters, digits, "-", "_" or "." (like ds or ml-engineer-2)`);
  }
  checkLength('member name', input.name, LIMITS.name, 'use a short name');
  if (await tx.getMember(runId, input.name)) throw new BoardError('invalid', `run ${runId} already has a member named ${input.name}; pick another name`);
  const member: Member = {
    runId,
    ...input,
    status: 'starting',
    currentTask: null,
    lastAction: null,
    step: null,
    stepAt: null,
    worker: null,
    workerBeatAt: null,
    heartbeatAt: tx.now(),
    turns: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
  };
  await tx.insertMember(member);
  await tx.appendEvent(runId, actorName(actor), { type: 'member.joined', payload: { member: input.name, agent: input.agent, role: input.role, model: input.model } });
  return member;
}

/** Status changes are events (the board shows them); other changes are not. Every update is a heartbeat. */
export async function updateMember(tx: Tx, runId: number, name: string, patch: MemberPatch, actor: Actor): Promise<void> {
  const before = await tx.getMember(runId, name);
  if (!before) return;
  const now = tx.now();
  const stepChanged = patch.step !== undefined && patch.step !== before.step;
  await tx.updateMember(runId, name, { ...patch, ...(stepChanged ? { stepAt: patch.step === null ? null : now } : {}), heartbeatAt: now });
  if (patch.status !== undefined && patch.status !== before.status) {
    await tx.appendEvent(runId, actorName(actor), { type: 'member.status', payload: { member: name, from: before.status, to: patch.status } });
  }
}

export async function recordUsage(tx: Tx, runId: number, member: string, usage: UsageRecord): Promise<void> {
  await tx.addUsage(runId, member, usage, tx.now());
}
