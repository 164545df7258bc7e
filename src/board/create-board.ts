import type { Board, BoardOps } from './board.js';
import type { BoardClock } from './clock.js';
import { actorName } from './actor.js';
import { SNAPSHOT_EVENTS } from './snapshot.js';
import type { Store, Tx } from './store.js';
import type { WorkFold } from './work-time.js';
import { addDependencies } from './rules/deps.js';
import { addGate, requireGate, setGateSpec, setGateStatus } from './rules/gates.js';
import { addMember, recordUsage, updateMember } from './rules/members.js';
import { sendMessage, takeInbox } from './rules/messages.js';
import { answerQuestion, askQuestion, cancelQuestion } from './rules/questions.js';
import { beatRun, claimRun, createRun, releaseRun, requireRun, setRunStatus, updateRun } from './rules/runs.js';
import { readSnapshot } from './rules/snapshot.js';
import { claimNext, createTask, createTasks, releaseTask, requireTask, updateTask } from './rules/tasks.js';
import { openBlockers } from './rules/blockers.js';
import { getTaskDetail, listTasks } from './rules/views.js';
import { beatWorker, claimMembers, releaseWorker } from './rules/workers.js';

type Runner = <T>(fn: (tx: Tx) => Promise<T>, write: boolean) => Promise<T>;

/**
 * Every board operation, each run through `run`: its own transaction, or the one it is part of.
 * `folds` keeps each run's work-time fold between snapshots; only committed reads may keep one.
 */
function boardOps(run: Runner, folds?: Map<number, WorkFold>): Omit<BoardOps, 'version'> {
  const read = <T>(fn: (tx: Tx) => Promise<T>) => run(fn, false);
  const write = <T>(fn: (tx: Tx) => Promise<T>) => run(fn, true);
  return {
    getRun: (id) => read((tx) => tx.getRun(id)),
    requireRun: (id) => read((tx) => requireRun(tx, id)),
    latestRun: () => read((tx) => tx.latestRun()),
    listRuns: () => read((tx) => tx.listRuns()),
    getMember: (runId, name) => read((tx) => tx.getMember(runId, name)),
    listMembers: (runId) => read((tx) => tx.listMembers(runId)),
    runTotals: (runId) => read((tx) => tx.runTotals(runId)),
    listUsage: (runId) => read((tx) => tx.listUsage(runId)),
    getTask: (runId, id) => read((tx) => tx.getTask(runId, id)),
    requireTask: (runId, id) => read((tx) => requireTask(tx, runId, id)),
    findTaskByKey: (runId, key) => read((tx) => tx.findTaskByKey(runId, key)),
    listTaskRows: (runId) => read((tx) => tx.listTaskRows(runId)),
    listDeps: (runId) => read((tx) => tx.listDeps(runId)),
    tasksOwnedBy: (runId, owner) => read((tx) => tx.tasksOwnedBy(runId, owner)),
    listTasks: (runId, filter) => read((tx) => listTasks(tx, runId, filter)),
    getTaskDetail: (runId, id) => read((tx) => getTaskDetail(tx, runId, id)),
    openBlockers: (runId, taskId) => read(async (tx) => openBlockers(tx, runId, await requireTask(tx, runId, taskId))),
    listGates: (runId) => read((tx) => tx.listGates(runId)),
    getGate: (runId, id) => read((tx) => requireGate(tx, runId, id)),
    getQuestion: (runId, id) => read((tx) => tx.getQuestion(runId, id)),
    listQuestions: (runId, status) => read((tx) => tx.listQuestions(runId, status)),
    hasUnread: (runId, member) => read(async (tx) => (await tx.countUnread(runId, member)) > 0),
    listMessages: (runId) => read((tx) => tx.listMessages(runId)),
    loadTranscript: (runId, member) => read((tx) => tx.loadTranscript(runId, member)),
    listEvents: (runId, afterSeq = 0, limit = 1_000_000) => read((tx) => tx.listEvents(runId, afterSeq, limit)),
    lastEventSeq: (runId) => read((tx) => tx.lastEventSeq(runId)),
    taskHistory: (runId, taskId, limit = 500) => read((tx) => tx.taskHistory(runId, taskId, limit)),
    readSnapshot: (runId, eventLimit = SNAPSHOT_EVENTS) => read((tx) => readSnapshot(tx, runId, eventLimit, folds)),

    createRun: (input, actor) => write((tx) => createRun(tx, input, actor)),
    setRunStatus: (runId, status, reason, actor) => write((tx) => setRunStatus(tx, runId, status, reason, actor)),
    updateRun: (runId, patch) => write((tx) => updateRun(tx, runId, patch)),
    saveEventCursor: (runId, seq) => write((tx) => tx.updateRun(runId, { eventCursor: seq })),
    claimRun: (runId, driver, pid, actor, dead) => write((tx) => claimRun(tx, runId, driver, pid, actor, dead)),
    beatRun: (runId, driver) => write((tx) => beatRun(tx, runId, driver)),
    releaseRun: (runId, driver) => write((tx) => releaseRun(tx, runId, driver)),
    claimMembers: (runId, worker, names, leaseMs) => write((tx) => claimMembers(tx, runId, worker, names, leaseMs)),
    beatWorker: (runId, worker) => write((tx) => beatWorker(tx, runId, worker)),
    releaseWorker: (runId, worker) => write((tx) => releaseWorker(tx, runId, worker)),
    addMember: (runId, input, actor) => write((tx) => addMember(tx, runId, input, actor)),
    updateMember: (runId, name, patch, actor) => write((tx) => updateMember(tx, runId, name, patch, actor)),
    heartbeat: (runId, names) => write((tx) => tx.heartbeatMembers(runId, names, tx.now())),
    noteLastAction: (runId, name, lastAction) => write((tx) => tx.updateMember(runId, name, { lastAction, heartbeatAt: tx.now() })),
    recordUsage: (runId, member, usage) => write((tx) => recordUsage(tx, runId, member, usage)),
    createTask: (runId, input, actor) => write((tx) => createTask(tx, runId, input, actor)),
    createTasks: (runId, inputs, actor) => write((tx) => createTasks(tx, runId, inputs, actor)),
    updateTask: (runId, id, patch, actor) => write((tx) => updateTask(tx, runId, id, patch, actor)),
    claimNext: (runId, actor) => write((tx) => claimNext(tx, runId, actor)),
    releaseTask: (runId, id, note, actor) => write((tx) => releaseTask(tx, runId, id, note, actor)),
    addDependencies: (runId, edges, actor) => write(async (tx) => (await addDependencies(tx, runId, edges, actor)).length),
    addGate: (runId, input, actor) => write((tx) => addGate(tx, runId, input, actor)),
    setGateStatus: (runId, gateId, status, detail, actor, decidedBy, note) => write((tx) => setGateStatus(tx, runId, gateId, status, detail, actor, decidedBy, note)),
    setGateSpec: (runId, gateId, spec) => write((tx) => setGateSpec(tx, runId, gateId, spec)),
    askQuestion: (runId, input, actor) => write((tx) => askQuestion(tx, runId, input, actor)),
    answerQuestion: (runId, id, answers, answeredBy, actor) => write((tx) => answerQuestion(tx, runId, id, answers, answeredBy, actor)),
    cancelQuestion: (runId, id, reason, actor) => write((tx) => cancelQuestion(tx, runId, id, reason, actor)),
    sendMessage: (runId, input, actor) => write((tx) => sendMessage(tx, runId, input, actor)),
    takeInbox: (runId, member) => write((tx) => takeInbox(tx, runId, member)),
    saveTranscript: (runId, member, keep, append, inFlight) => write((tx) => tx.saveTranscript(runId, member, keep, append, inFlight, tx.now())),
    appendEvent: (runId, actor, event) => write((tx) => tx.appendEvent(runId, typeof actor === 'string' ? actor : actorName(actor), event)),
  };
}

/** The board over a store: its rules, its clock, and transactions that group operations. */
export function createBoard(store: Store, clock: BoardClock & { set(now: () => number): void }): Board {
  const outer = boardOps((fn, write) => (write ? store.write(fn) : store.read(fn)), new Map());
  return {
    ...outer,
    version: (runId) => store.version(runId),
    kind: store.kind,
    location: store.location,
    now: () => clock.now(),
    setClock: (now) => clock.set(now),
    transaction: (fn) =>
      store.write((tx) => {
        const inner = boardOps((body) => body(tx));
        return fn({ ...inner, version: (runId) => store.version(runId) });
      }),
    waitForChange: (runId, timeoutMs, signal) => store.waitForChange(runId, timeoutMs, signal),
    close: () => store.close(),
  };
}
