import { isTerminal } from '../src/board/liveness.js';
import type { BoardSnapshot, SnapshotGate, StageProgress } from '../src/board/snapshot.js';
import { clockAt } from '../src/board/work-time.js';
import { formatClock, formatCost, formatTokens, stageTag, truncateStart } from './format.js';
import { lineLength, seg, type Line, type Segment } from './lines.js';
import { GATE_LOOK, RUN_STATE_COLOR } from './theme.js';
import { gateShort } from './waits.js';

/**
 * The run's clock at `now`: its one duration (work from the first claim, pauses and stops left
 * out, as `team runs` and the report measure it), counting up only while the run is live and not
 * paused; a crashed run's stops at the last thing that happened.
 */
export function elapsedMs(run: BoardSnapshot['run'], now: number): number {
  return clockAt(run, now);
}

export interface HeaderOptions {
  /** The run's one duration once it has ended, as read for the ending (the snapshot's when absent). */
  durationMs?: number | null;
}

const sep = () => seg(' · ', { dim: true });

/** Join groups of segments with dim dots. */
function joined(groups: Segment[][]): Line {
  const line: Line = [];
  for (const g of groups) {
    if (g.length === 0) continue;
    if (line.length > 0) line.push(sep());
    line.push(...g);
  }
  return line;
}

/** The first line, as much of it as fits: who and what, state and time, progress, spend. */
function runLine(snapshot: BoardSnapshot, now: number, width: number, options: HeaderOptions): Line {
  const { run, totals } = snapshot;
  const ended = isTerminal(run.status);
  const time = ended ? `in ${formatClock(options.durationMs ?? run.workMs)}` : formatClock(elapsedMs(run, now));
  const state = [seg(`● ${run.state}`, { color: RUN_STATE_COLOR[run.state], bold: true }), seg(` ${time}`)];
  const done = [seg(`${snapshot.doneCount}/${snapshot.taskCount}`, { bold: true }), seg(' tasks done', { dim: true })];
  const overCost = run.budgetUsd !== null && totals.costUsd >= run.budgetUsd * 0.9;
  const cost: Segment[] = [seg(formatCost(totals.costUsd), overCost ? { color: 'red', bold: true } : {})];
  if (run.budgetUsd !== null) cost.push(seg(` / ${formatCost(run.budgetUsd)}`, { dim: true }));
  const tokens: Segment[] = [seg(formatTokens(totals.tokens))];
  if (run.budgetTokens !== null) tokens.push(seg(` / ${formatTokens(run.budgetTokens)}`, { dim: true }));
  tokens.push(seg(' tok', { dim: true }));
  // The simulated model's usage is made up from the text it plays: an estimate, not a bill.
  const estimate = run.backend === 'sim' ? [seg('(sim estimate)', { dim: true, italic: true })] : [];
  const unsandboxed = run.unsandboxed ? [seg(' unsandboxed ', { color: 'red', bold: true, inverse: true })] : [];
  const name = [seg(run.team, { bold: true })];
  const id = [seg(`run ${run.id}`, { bold: true })];
  const backend = [seg(`${run.backend} seed ${run.seed}`)];
  const shortBackend = [seg(run.backend)];
  const withEstimate = (spend: Segment[][]) => (estimate.length > 0 ? [...spend.slice(0, -1), [...(spend[spend.length - 1] ?? []), seg(' '), ...estimate]] : spend);
  const shortDone = [seg(`${snapshot.doneCount}/${snapshot.taskCount}`, { bold: true }), seg(' done', { dim: true })];
  const withShortEstimate = (spend: Segment[][]) => (estimate.length > 0 ? [...spend.slice(0, -1), [...(spend[spend.length - 1] ?? []), seg(' (sim est.)', { dim: true, italic: true })]] : spend);
  const candidates: Segment[][][] = [
    [name, id, backend, state, done, ...withEstimate([cost, tokens]), unsandboxed],
    [name, id, shortBackend, state, done, ...withEstimate([cost, tokens]), unsandboxed],
    [name, id, state, done, ...withEstimate([cost, tokens]), unsandboxed],
    [name, id, state, shortDone, ...withShortEstimate([cost, tokens]), unsandboxed],
    [name, id, state, shortDone, cost, tokens, unsandboxed],
    [name, id, state, shortDone, cost, unsandboxed],
    [name, id, state, [seg(`${snapshot.doneCount}/${snapshot.taskCount}`, { bold: true })], cost, unsandboxed],
  ];
  for (const groups of candidates) {
    const line = joined(groups);
    if (lineLength(line) <= width) return line;
  }
  return joined(candidates[candidates.length - 1] ?? []);
}

/**
 * A gate as the strip shows it: each status looks different (and says so in words, not only by
 * colour). `detail` 3 is everything (with a decision's note), 2 without the note, 1 without the
 * status word, 0 the mark and the metric's name alone.
 */
export function gateSegments(gate: SnapshotGate, detail: 0 | 1 | 2 | 3): Segment[] {
  const look = GATE_LOOK[gate.status];
  const full = gate.kind === 'approval' ? 'approval' : gateShort(gate.description);
  const what = detail === 0 ? (full.split(' ')[0] ?? full) : full;
  const style = { color: look.color, bold: gate.status === 'failed' || gate.status === 'waiting' };
  const out: Segment[] = [seg(`${look.mark} `, style), seg(what, gate.status === 'closed' ? { dim: true } : { color: look.color })];
  if (detail >= 2) out.push(seg(` ${look.word(gate)}`, gate.status === 'closed' ? { dim: true } : style));
  if (gate.note && detail >= 3) out.push(seg(`: ${gate.note}`, { color: look.color, italic: true }));
  return out;
}

function stageSegments(progress: StageProgress, compact: boolean, active: boolean): Segment[] {
  const complete = progress.total > 0 && progress.done === progress.total;
  const color = progress.total === 0 ? 'gray' : complete ? 'green' : active ? 'cyan' : 'white';
  const name = compact ? stageTag(progress.stage) : progress.stage;
  const out: Segment[] = [seg(name, { color, bold: active })];
  if (!compact && progress.total > 0) {
    const cells = Math.min(6, progress.total);
    const filled = Math.round((progress.done / progress.total) * cells);
    out.push(seg(' '), seg('█'.repeat(filled), { color: complete ? 'green' : 'cyan' }), seg('░'.repeat(cells - filled), { dim: true }));
  }
  out.push(seg(` ${progress.done}/${progress.total}`, { color, dim: progress.total === 0 }));
  return out;
}

/** The pipeline left to right, each stage with its progress and the gates that guard it in front of it. */
export function stageStrip(snapshot: Pick<BoardSnapshot, 'stages' | 'gates' | 'tasks' | 'run'>, width: number): Line {
  const working = new Set(snapshot.tasks.in_progress.map((t) => t.stage));
  const build = (compact: boolean, gateDetail: 0 | 1 | 2 | 3, skipEmpty: boolean): Line => {
    const line: Line = [];
    for (const progress of snapshot.stages) {
      const gates = snapshot.gates.filter((g) => g.before === progress.stage);
      // A stage with no tasks and no gate says nothing when room is short.
      if (skipEmpty && progress.total === 0 && gates.length === 0) continue;
      if (line.length > 0) line.push(seg(' › ', { dim: true }));
      for (const gate of gates) line.push(seg('['), ...gateSegments(gate, gateDetail), seg('] '));
      line.push(...stageSegments(progress, compact, working.has(progress.stage)));
    }
    return line;
  };
  const tries: [boolean, 0 | 1 | 2 | 3, boolean][] = [
    [false, 3, false],
    [false, 2, false],
    [true, 3, false],
    [true, 2, false],
    [true, 2, true],
    [true, 1, false],
    [true, 1, true],
    [true, 0, true],
  ];
  for (const [compact, gateDetail, skipEmpty] of tries) {
    const line = build(compact, gateDetail, skipEmpty);
    if (lineLength(line) <= width) return line;
  }
  return build(true, 0, true);
}

/** Where the run works, what kind of run it is, and why it is in the state it is in. */
function aboutLine(snapshot: BoardSnapshot, width: number): Line {
  const { run } = snapshot;
  const line: Line = [];
  if (run.state === 'crashed') line.push(seg(`the process driving it stopped; go on with \`team resume ${run.id}\``, { color: RUN_STATE_COLOR.crashed, bold: true }), sep());
  else if (run.statusReason && run.status !== 'running') line.push(seg(run.statusReason, { color: RUN_STATE_COLOR[run.state] }), sep());
  // A decision's note (the condition an approval was given with) stays in view when the strip has no room for it.
  for (const gate of snapshot.gates) {
    if (gate.note && (gate.status === 'passed' || gate.status === 'overridden')) {
      const what = gate.kind === 'approval' ? 'approved with' : `${gateShort(gate.description)} overridden:`;
      line.push(seg(`${what} `, { dim: true }), seg(gate.note, { color: GATE_LOOK[gate.status].color, italic: true }), sep());
    }
  }
  if (snapshot.simulatedCount > 0) {
    line.push(seg(`dry run: ${snapshot.simulatedCount} of ${snapshot.taskCount} tasks simulated`, { color: 'magenta', bold: true }), sep());
  }
  const used = lineLength(line) + 'workspace '.length;
  line.push(seg('workspace ', { dim: true }), seg(truncateStart(run.workspace, Math.max(12, width - used)), { color: 'cyan' }));
  return line;
}

/** The run line, the stage strip, and what the run is about (workspace, dry run, status reason). */
export function headerLines(snapshot: BoardSnapshot, now: number, width: number, maxLines: number, options: HeaderOptions = {}): Line[] {
  const lines: Line[] = [runLine(snapshot, now, width, options)];
  if (maxLines >= 3) lines.push(stageStrip(snapshot, width));
  if (maxLines >= 2) lines.push(aboutLine(snapshot, width));
  return lines;
}
