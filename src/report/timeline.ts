/**
 * The timeline picture's data: per member a bar for every task attempt (claim to completion or
 * release) and the times it waited on a person or a gate; the run's off time; gate decisions.
 */
import type { BoardEvent } from '../board/events.js';
import type { GateStatus, Member, Task } from '../board/types.js';
import { gateChanges, type GateChange } from './gate-events.js';
import type { GateMark, Interval, OffTime, PersonWait, Timeline, TimelineBar, TimelineRow, TimelineWait } from './model.js';
import { cleanLine } from './safe-text.js';

export interface TimelineInput {
  events: readonly BoardEvent[];
  tasks: readonly Task[];
  members: readonly Member[];
  stages: readonly string[];
  replacedBy: ReadonlyMap<number, number>;
  waits: readonly PersonWait[];
  off: OffTime[];
  /** The axis: the run's start to the end of work. */
  span: Interval;
  measure: (from: number, to: number) => number;
}

/** One bar per claim of a task: claimed, then completed, released or deleted (or still going at the end). */
export function taskAttempts(input: Pick<TimelineInput, 'events' | 'tasks' | 'stages' | 'replacedBy' | 'span' | 'measure'>): Map<string, TimelineBar[]> {
  const byId = new Map(input.tasks.map((t) => [t.id, t]));
  const open = new Map<number, { owner: string; from: number; attempt: number }>();
  const rows = new Map<string, TimelineBar[]>();
  const finish = (taskId: number, to: number, end: TimelineBar['end']) => {
    const started = open.get(taskId);
    if (!started) return;
    open.delete(taskId);
    const task = byId.get(taskId);
    const stage = task?.stage ?? null;
    const bar: TimelineBar = {
      taskId,
      subject: cleanLine(task?.subject ?? `#${taskId}`),
      stage,
      stageIndex: stage === null ? -1 : input.stages.indexOf(stage),
      attempt: started.attempt,
      from: started.from,
      to,
      ms: input.measure(started.from, to),
      end,
      replaced: input.replacedBy.has(taskId),
      simulated: task?.metadata.simulated === true,
    };
    const list = rows.get(started.owner) ?? [];
    list.push(bar);
    rows.set(started.owner, list);
  };
  for (const e of input.events) {
    if (e.type === 'task.claimed') {
      // A claim while a bar is open (the task changed hands without a release) ends the earlier one.
      finish(e.payload.taskId, e.ts, 'released');
      open.set(e.payload.taskId, { owner: e.payload.owner ?? e.actor, from: e.ts, attempt: e.payload.attempt });
    } else if (e.type === 'task.completed') {
      finish(e.payload.taskId, e.ts, 'completed');
    } else if (e.type === 'task.released') {
      finish(e.payload.taskId, e.ts, 'released');
    } else if (e.type === 'task.deleted') {
      finish(e.payload.taskId, e.ts, 'deleted');
    }
  }
  for (const taskId of [...open.keys()]) finish(taskId, input.span.to, 'open');
  return rows;
}

/** Decisions that end a gate's wait: it let the stage through, stopped the run, or was closed again for a retrain. */
const GATE_DECIDED: readonly GateStatus[] = ['passed', 'overridden', 'stopped', 'closed'];

interface GateWait extends Interval {
  gateId: number;
  before: string;
  why: string;
}

/** A gate kept its stage waiting on a person from a failed check or an approval request until the decision. */
function gateWaits(changes: readonly GateChange[], end: number): GateWait[] {
  const open = new Map<number, { from: number; before: string; why: string }>();
  const waits: GateWait[] = [];
  for (const c of changes) {
    if (c.status === 'failed' || c.status === 'waiting') {
      if (!open.has(c.gate)) open.set(c.gate, { from: c.at, before: c.before, why: c.status === 'failed' ? 'its check failed' : 'waiting for approval' });
      continue;
    }
    const started = open.get(c.gate);
    if (!started || !GATE_DECIDED.includes(c.status)) continue;
    open.delete(c.gate);
    waits.push({ gateId: c.gate, before: started.before, from: started.from, to: c.at, why: started.why });
  }
  for (const [gateId, started] of open) waits.push({ gateId, before: started.before, from: started.from, to: end, why: started.why });
  return waits;
}

const MARKED: readonly GateStatus[] = ['passed', 'failed', 'overridden', 'stopped'];

function gateMarks(changes: readonly GateChange[]): GateMark[] {
  return changes
    .filter((c) => MARKED.includes(c.status))
    .map((c) => ({ at: c.at, gateId: c.gate, before: c.before, status: c.status, label: `gate before ${c.before} ${c.status}${c.detail ? `: ${cleanLine(c.detail)}` : ''}` }));
}

export function buildTimeline(input: TimelineInput): Timeline {
  const attempts = taskAttempts(input);
  const changes = gateChanges(input.events);
  const gates = gateWaits(changes, input.span.to);
  const rows: TimelineRow[] = input.members.map((m) => {
    const bars = (attempts.get(m.name) ?? []).sort((a, b) => a.from - b.from);
    const waits: TimelineWait[] = input.waits
      .filter((w) => w.askedBy === m.name)
      .map((w) => ({ kind: 'person', question: w.question, gateId: null, label: `waited on a person: q${w.question}`, from: w.from, to: w.to, ms: w.ms }));
    // A gate holds up the members who work its stage: those who took (or may take) its tasks.
    for (const g of gates) {
      const stageTasks = input.tasks.filter((t) => t.stage === g.before);
      const works = stageTasks.some((t) => t.owner === m.name) || bars.some((b) => b.stage === g.before) || stageTasks.some((t) => t.role !== null && t.role === m.role);
      if (!works) continue;
      waits.push({ kind: 'gate', question: null, gateId: g.gateId, label: `waited on the gate before ${g.before} (${g.why})`, from: g.from, to: g.to, ms: input.measure(g.from, g.to) });
    }
    waits.sort((a, b) => a.from - b.from);
    return { member: m.name, role: m.role, bars, waits };
  });
  // Bars of someone who is not (or no longer) a member still belong on the picture.
  const known = new Set(input.members.map((m) => m.name));
  for (const [owner, bars] of attempts) {
    if (!known.has(owner)) rows.push({ member: cleanLine(owner), role: '', bars: bars.sort((a, b) => a.from - b.from), waits: [] });
  }
  return { from: input.span.from, to: input.span.to, rows, off: input.off, gates: gateMarks(changes) };
}
