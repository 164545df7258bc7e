/**
 * Two instant runs of the demo team (on small data) with the same seed, each in its own project
 * folder, shared by the tests that read them:
 * - determinism: the same events, answers, virtual times and numbers;
 * - transcripts append: every save keeps the rows already stored and writes only the messages after
 *   them (the last message is replaced only when teammates' messages are added to it; compaction
 *   cuts back to one summary). The rows on the board are the conversation the member had, and a
 *   member restored from them carries on as if it had never stopped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, BoardOps } from '../../src/board/board.js';
import { createSimModel } from '../../src/models/sim.js';
import type { Outcome } from '../../src/runtime/run.js';
import { executeRun } from '../../src/runtime/run.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { T0, eventTuple, prepareIn, startMember, tempDir, type TestRun } from '../helpers/runtime.js';
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

interface DemoRun {
  t: TestRun;
  outcome: Outcome;
  saves: Save[];
  tuples: ReturnType<typeof eventTuple>[];
  /** Virtual time of each event of the run itself (preparing the run uses the real clock). */
  timestamps: number[];
  answers: unknown[];
  metrics: { auc: number };
}

const runs: TestRun[] = [];

/** An instant, auto-answered run of the demo team (on small data) in its own project folder. */
async function demoRun(seed: number): Promise<DemoRun> {
  const t = await prepareIn(smallChurnProject(tempDir('teamboard-det-')), 'churn-project', { seed });
  runs.push(t);
  const prepared = (await t.events()).length;
  const saves: Save[] = [];
  const clock = createVirtualClock(T0);
  const outcome = await executeRun({
    board: recordingSaves(t.board, saves),
    runId: t.runId,
    model: createSimModel({ seed: t.run.seed, clock, instant: true }),
    clock,
    ordered: true,
    autoAnswer: true,
    pollMs: 20,
  });
  const events = await t.events();
  return {
    t,
    outcome,
    saves,
    tuples: events.map(eventTuple),
    timestamps: events.slice(prepared).map((e) => e.ts - T0),
    answers: (await t.board.listQuestions(t.runId)).map((q) => [q.askedBy, q.answers]),
    metrics: JSON.parse(fs.readFileSync(path.join(t.workspace, 'reports/metrics.json'), 'utf8')) as { auc: number },
  };
}

let a: DemoRun;
let b: DemoRun;

beforeAll(async () => {
  a = await demoRun(42);
  b = await demoRun(42);
}, 120_000);

afterAll(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
});

describe('determinism', () => {
  it('two instant runs of churn-project with the same seed produce the same events, answers and numbers', () => {
    expect(a.outcome).toEqual({ status: 'completed', reason: '12 tasks completed' });
    expect(b.outcome).toEqual(a.outcome);
    expect(a.tuples.length).toBeGreaterThan(300);
    expect(b.tuples).toEqual(a.tuples);
    // Virtual time repeats too: the same latencies in the same order.
    expect(b.timestamps).toEqual(a.timestamps);
    expect(a.timestamps.at(-1)).toBeGreaterThan(30_000);
    expect(b.answers).toEqual(a.answers);
    expect(b.metrics).toEqual(a.metrics);
    expect(a.metrics.auc).toBeGreaterThanOrEqual(0.75);
  });
});

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
    const { t, saves, outcome } = a;
    expect(outcome).toEqual({ status: 'completed', reason: '12 tasks completed' });
    const { stored, written, rewritten, compactions, wholeRewrites } = storedBySaves(saves);
    // The run compacts at the default threshold (40 messages).
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
  });
});
