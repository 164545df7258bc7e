/**
 * Where the CPU of a run goes, from an in-process V8 sampling profile: each sample is charged to
 * the innermost runtime function on its stack that names a part of the work (coordinator pump and
 * wake-ups, the model, tools, transcript saving, other member bookkeeping).
 */
import { Session } from 'node:inspector/promises';

export type CpuPart = 'coordinator' | 'model' | 'tools' | 'transcripts' | 'member' | 'other';

export const CPU_PARTS: { part: CpuPart; label: string }[] = [
  { part: 'coordinator', label: 'coordinator: event pump, wake-ups, checks, settle' },
  { part: 'model', label: 'simulated model (deciding the next turn)' },
  { part: 'tools', label: 'tool calls (TaskList, TaskGet, TaskUpdate)' },
  { part: 'transcripts', label: 'transcript saving (persist)' },
  { part: 'member', label: 'member bookkeeping (usage, events, status)' },
  { part: 'other', label: 'driver loop, GC, idle' },
];

export type CpuBreakdown = Record<CpuPart, number>;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Function names (in the file whose URL ends with the key) that decide a sample's part. */
const MARKERS: { file: string; names: string[]; part: CpuPart }[] = [
  { file: 'src/runtime/transcript.ts', names: ['persist'], part: 'transcripts' },
  { file: 'src/models/sim.ts', names: ['send'], part: 'model' },
  { file: 'src/runtime/member.ts', names: ['runCall'], part: 'tools' },
  { file: 'src/runtime/driver.ts', names: ['pump', 'wakeIdle'], part: 'coordinator' },
  { file: 'src/runtime/coordinator.ts', names: ['handle', 'check', 'settle'], part: 'coordinator' },
  { file: 'src/runtime/member.ts', names: ['think', 'act', 'runPendingCalls', 'finishTurn', 'setStatus', 'setStep', 'deliverInbox'], part: 'member' },
];

function partOf(node: ProfileNode): CpuPart | null {
  const { functionName, url } = node.callFrame;
  for (const m of MARKERS) if (url.endsWith(m.file) && m.names.includes(functionName)) return m.part;
  return null;
}

export function breakdown(profile: Profile): CpuBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, CpuPart>();
  const classify = (id: number): CpuPart => {
    const known = memo.get(id);
    if (known) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const part = (node && partOf(node)) ?? (up === undefined ? 'other' : classify(up));
    memo.set(id, part);
    return part;
  };
  const totals: CpuBreakdown = { coordinator: 0, model: 0, tools: 0, transcripts: 0, member: 0, other: 0 };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    if (node?.callFrame.functionName === '(idle)') continue;
    totals[classify(samples[i] as number)] += (deltas[i] ?? 0) / 1000;
  }
  return totals;
}

export async function startProfile(): Promise<{ stop(): Promise<CpuBreakdown> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      return breakdown(profile);
    },
  };
}
