/** Runs, member configs and members as the MCP join rules read them, at a fixed time. */
import type { Member, MemberConfig, Run } from '../../src/board/types.js';

export const NOW = Date.UTC(2030, 0, 1);

export function cfg(name: string, role: string, external = false): MemberConfig {
  return { name, agent: role, role, model: 'sim', instructions: '', tools: [], ...(external ? { external: true } : {}) };
}

export function run(members: MemberConfig[], patch: Partial<Run> = {}): Run {
  return {
    id: 3,
    team: 't',
    status: 'running',
    backend: 'sim',
    seed: 1,
    workspace: '/w',
    budgetUsd: null,
    budgetTokens: null,
    config: { team: 't', description: '', pipeline: [], members, gates: [], teamFile: '' },
    statusReason: null,
    pid: 1,
    driver: 'pid 1',
    heartbeatAt: NOW - 1000,
    eventCursor: 0,
    startedAt: NOW - 60_000,
    endedAt: null,
    ...patch,
  };
}

export function member(name: string, role: string, patch: Partial<Member> = {}): Member {
  return {
    runId: 3,
    name,
    agent: role,
    role,
    model: 'sim',
    status: 'idle',
    currentTask: null,
    lastAction: null,
    step: null,
    stepAt: null,
    worker: null,
    workerBeatAt: null,
    heartbeatAt: NOW - 1000,
    turns: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    ...patch,
  };
}
