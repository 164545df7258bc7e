/**
 * Transcripts append: every save keeps the rows already stored and writes only the messages after
 * them (the last message is replaced only when teammates' messages are added to it; compaction
 * cuts back to one summary). The rows on the board are the conversation the member had, and a
 * member restored from them carries on as if it had never stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Board, BoardOps } from '../../src/board/board.js';
import { createSimModel } from '../../src/models/sim.js';
import { executeRun } from '../../src/runtime/run.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { prepareIn, startMember, T0, tempDir, type TestRun } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

interface Save {
  member: string;
  keep: number;
  append: unknown[];
}

/** The board, with every saveTranscript (on its own or inside a transaction) recorded before it runs. */
function recordingSaves(board: Board, saves: Save[]): Board {
  const recordOn = <T extends BoardOps>(ops: T): T =>
    new Proxy(ops, {
      get(target, prop, receiver) {
        if (prop === 'saveTranscript') {
          return (runId: number, member: string, keep: number, append: unknown[], inFlight: unknown) => {
            saves.push({ member, keep, append });
            return target.saveTranscript(runId, member, keep, append, inFlight);
          };
        }
        if (prop === 'transaction') {
          return <R>(fn: (tx: BoardOps) => Promise<R>) => board.transaction((tx) => fn(recordOn(tx)));
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return recordOn(board);
}

const runs: TestRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
});

async function recordedRun(compactAfter: number) {
  const t = await prepareIn(smallChurnProject(tempDir('teamboard-transcripts-')), 'churn-project', { seed: 42 });
  runs.push(t);
  const saves: Save[] = [];
  const clock = createVirtualClock(T0);
  const outcome = await executeRun({
    board: recordingSaves(t.board, saves),
    runId: t.runId,
    model: createSimModel({ seed: 42, clock, instant: true }),
    clock,
    ordered: true,
    autoAnswer: true,
    pollMs: 20,
    compactAfter,
  });
  return { t, saves, outcome };
}

/** Replays the saves per member the way the board applies them: keep `keep` rows, append the rest. */
function storedBySaves(saves: Save[]) {
  const stored = new Map<string, unknown[]>();
  let written = 0;
  let rewritten = 0;
  let compactions = 0;
  let wholeRewrites = 0;
  for (const save of saves) {
    const before = stored.get(save.member) ?? [];
    expect(save.keep).toBeLessThanOrEqual(before.length);
    const dropped = before.length - save.keep;
    if (save.keep === 0 && save.append.length === 1 && before.length > 1) compactions++;
    // Otherwise at most the last message is replaced (a teammate's message added to it).
    else expect(dropped, `${save.member} rewrote ${dropped} stored messages`).toBeLessThanOrEqual(1);
    rewritten += dropped > 0 && save.keep > 0 ? dropped : 0;
    written += save.append.length;
    wholeRewrites += save.keep + save.append.length;
    stored.set(save.member, [...before.slice(0, save.keep), ...save.append]);
  }
  return { stored, written, rewritten, compactions, wholeRewrites };
}

describe('transcripts that append', () => {
  it('each save writes only the new messages (compaction cuts back to its summary), and the rows stored are the conversation', async () => {
    const { t, saves, outcome } = await recordedRun(20);
    expect(outcome).toEqual({ status: 'completed', reason: '12 tasks completed' });
    const { stored, written, rewritten, compactions, wholeRewrites } = storedBySaves(saves);
    expect(compactions).toBeGreaterThan(0);
    // Saving whole conversations each time would have written several times as many rows.
    expect(written * 3).toBeLessThan(wholeRewrites);
    expect(rewritten).toBeLessThanOrEqual(saves.length / 10);
    for (const [member, messages] of stored) {
      expect((await t.board.loadTranscript(t.runId, member))?.messages, member).toEqual(messages);
    }
    // A member restored from the rows has the conversation it had (what a resume starts from).
    const model = createSimModel({ seed: 42, clock: createVirtualClock(T0), instant: true });
    for (const member of t.run.config.members) {
      const restored = await startMember(t, member.name, model);
      expect(restored.messages, member.name).toEqual(stored.get(member.name));
    }
  }, 90_000);
});
