import type { BoardSnapshot } from '../src/board/snapshot.js';
import { formatCost, formatElapsed, formatTokens } from './format.js';
import { seg, type Line } from './lines.js';
import { GATE_MARK, RUN_STATE_COLOR } from './theme.js';
import type { LayoutMode } from './layout.js';

export function elapsedMs(run: BoardSnapshot['run'], now: number): number {
  return Math.max(0, (run.endedAt ?? now) - run.startedAt);
}

/** The run line, then (when there is something to say) the status reason and the gates. */
export function headerLines(snapshot: BoardSnapshot, now: number, mode: LayoutMode, maxLines: number): Line[] {
  const { run, totals } = snapshot;
  const sep = seg(' · ', { dim: true });
  const spend: Line = [];
  const overCost = run.budgetUsd !== null && totals.costUsd >= run.budgetUsd * 0.9;
  spend.push(seg(formatCost(totals.costUsd), overCost ? { color: 'red', bold: true } : {}));
  if (run.budgetUsd !== null) spend.push(seg(` / ${formatCost(run.budgetUsd)}`, { dim: true }));
  const tokens: Line = [seg(formatTokens(totals.tokens))];
  if (run.budgetTokens !== null) tokens.push(seg(` / ${formatTokens(run.budgetTokens)}`, { dim: true }));
  tokens.push(seg(' tok', { dim: true }));
  const first: Line = [
    seg(run.team, { bold: true }),
    sep,
    seg(`run ${run.id}`, { bold: true }),
    sep,
    seg(mode === 'narrow' ? run.backend : `${run.backend} seed ${run.seed}`),
    sep,
    seg(`● ${run.state}`, { color: RUN_STATE_COLOR[run.state], bold: true }),
    sep,
    seg(formatElapsed(elapsedMs(run, now))),
    sep,
    ...spend,
    sep,
    ...tokens,
  ];
  const lines: Line[] = [first];
  const second: Line = [];
  if (run.state === 'crashed') second.push(seg(`the process driving it stopped; go on with \`team resume ${run.id}\``, { color: RUN_STATE_COLOR.crashed }));
  else if (run.statusReason && run.status !== 'running') second.push(seg(run.statusReason, { color: RUN_STATE_COLOR[run.state] }));
  for (const gate of snapshot.gates) {
    if (second.length > 0) second.push(sep);
    const { mark, color } = GATE_MARK[gate.status];
    second.push(seg(`${mark} `, { color }), seg(gate.kind === 'approval' ? `approval before ${gate.before}` : gate.description, { dim: true }));
    second.push(seg(` ${gate.status}`, { color }));
  }
  if (second.length > 0 && maxLines > 1) lines.push(second);
  return lines;
}
