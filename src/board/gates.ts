import type { Gate, GateSpec } from './types.js';

/** A gate in words: `evaluate-model auc >= 0.75 and above baseline, before deploy`. */
export function describeGate(gate: Pick<Gate, 'spec' | 'before'>): string {
  return describeSpec(gate.spec, gate.before);
}

export function describeSpec(spec: GateSpec, before: string): string {
  if (spec.kind === 'approval') return `human approval before ${before}`;
  const parts = [`${spec.task} ${spec.metric}`];
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  const base = parts.join(' ');
  return spec.beatBaseline ? `${base} and above baseline, before ${before}` : `${base}, before ${before}`;
}

/** Passed and overridden gates let their stage start; every other status keeps it closed. */
export function gateOpen(gate: Pick<Gate, 'status'>): boolean {
  return gate.status === 'passed' || gate.status === 'overridden';
}
