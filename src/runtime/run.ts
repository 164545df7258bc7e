import { coordinator as coordinatorActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { appendEvent } from '../board/events.js';
import { transact } from '../board/board.js';
import { recommendedAnswers, payloadOf } from '../board/questions.js';
import { requireRun, setRunStatus, updateRun, type Run } from '../board/runs.js';
import type { Model } from '../models/model.js';
import { killBashProcessGroups } from '../tools/bash.js';
import type { Clock } from '../shared/clock.js';
import { createCoordinator, type Answerer } from './coordinator.js';
import { driveConcurrently, driveInOrder, type Outcome } from './driver.js';
import { createMember, persist, type MemberRuntime } from './member.js';
import { RESUMED } from './prompt.js';
import { asTeamConfig } from './run-config.js';
import fs from 'node:fs';

export interface ExecuteOptions {
  board: Board;
  runId: number;
  model: Model;
  clock: Clock;
  /** One step at a time in a fixed order (deterministic); otherwise every member runs at once. */
  ordered: boolean;
  autoAnswer?: boolean;
  /** Answers from a replay tape, tried before auto-answer. */
  answerer?: Answerer;
  onEvents?: (events: BoardEvent[]) => void;
  signal?: AbortSignal;
  resumed?: boolean;
  maxTurns?: number;
  compactAfter?: number;
  maxTokens?: number;
  pollMs?: number;
  leaseMs?: number;
}

/** Run (or resume) a prepared run until it completes, fails or is stopped. */
export async function executeRun(opts: ExecuteOptions): Promise<Outcome> {
  const { board, runId, clock } = opts;
  board.now = () => clock.now();
  const run = requireRun(board, runId);
  const config = asTeamConfig(run.config);
  const workspace = fs.realpathSync(run.workspace);
  updateRun(board, runId, { pid: process.pid });
  const fromSeq = opts.resumed ? run.eventCursor : 0;
  if (opts.resumed && run.status !== 'running') setRunStatus(board, runId, 'running', 'resumed', coordinatorActor);

  const env = {
    board,
    runId,
    model: opts.model,
    clock,
    workspace,
    config,
    maxTurns: opts.maxTurns ?? 200,
    compactAfter: opts.compactAfter ?? 40,
    maxTokens: opts.maxTokens ?? 8192,
  };
  const members: MemberRuntime[] = config.members.map((cfg) => createMember(env, cfg));
  if (opts.resumed) {
    transact(board, () => appendEvent(board, runId, coordinatorActor, 'run.resumed', { members: members.map((m) => `${m.cfg.name}:${m.state}`) }));
    for (const m of members) {
      if (m.state === 'idle' || m.state === 'active') noteResume(m);
    }
  }
  const auto: Answerer | undefined = opts.autoAnswer ? (q) => ({ answers: recommendedAnswers(payloadOf(q)), by: 'auto' }) : undefined;
  const answerer: Answerer | undefined =
    opts.answerer || auto ? (q) => opts.answerer?.(q) ?? auto?.(q) ?? null : undefined;
  const coordinator = createCoordinator({ board, runId, ...(answerer ? { answerer } : {}) });

  const drive = opts.ordered ? driveInOrder : driveConcurrently;
  try {
    return await drive({
      board,
      runId,
      members,
      coordinator,
      clock,
      fromSeq,
      ...(opts.onEvents ? { onEvents: opts.onEvents } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    });
  } finally {
    killBashProcessGroups();
  }
}

/** A resumed member that had gone idle, or whose turn ended cleanly, is told what happened. */
function noteResume(member: MemberRuntime): void {
  const last = member.messages[member.messages.length - 1];
  if (member.partial) return;
  if (last?.role === 'assistant') {
    member.messages.push({ role: 'user', content: RESUMED });
    member.state = 'active';
    persist(member);
  }
}

export type { Outcome, Run };
