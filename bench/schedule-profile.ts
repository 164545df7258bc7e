/**
 * Where the CPU of a run goes, from an in-process V8 sampling profile: each sample is charged to
 * the innermost function on its stack that names a part of the work. The board is async, so work
 * done for a caller after an await (SQL, the board's rules) has the board's own frames on its
 * stack, not the caller's: the board is a part of its own, and transcript saving is found by the
 * store's saveTranscript as well as the runtime's persist.
 */
import { Session } from 'node:inspector/promises';

export type CpuPart = 'coordinator' | 'model' | 'tools' | 'board' | 'transcripts' | 'member' | 'other';

export const CPU_PARTS: { part: CpuPart; label: string }[] = [
  { part: 'coordinator', label: 'coordinator: event pump, wake-ups, checks, settle' },
  { part: 'model', label: 'simulated model (deciding the next turn)' },
  { part: 'tools', label: 'tool calls (TaskList and its view, TaskGet, TaskUpdate)' },
  { part: 'board', label: 'board reads and writes (rules, SQL), other than transcripts' },
  { part: 'transcripts', label: 'transcript saving (persist, saveTranscript)' },
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

/** Function names (in the file whose URL ends with `file`; every function when `names` is absent) that decide a sample's part. */
const MARKERS: { file: string; names?: string[]; part: CpuPart }[] = [
  { file: 'src/runtime/transcript.ts', names: ['persist', 'readTranscript'], part: 'transcripts' },
  { file: 'src/board/sqlite/store.ts', names: ['saveTranscript', 'loadTranscript'], part: 'transcripts' },
  { file: 'src/models/sim.ts', names: ['send'], part: 'model' },
  { file: 'src/models/sim-program.ts', part: 'model' },
  { file: 'src/tools/task-view.ts', part: 'tools' },
  { file: 'src/tools/task-list.ts', part: 'tools' },
  { file: 'src/tools/task-get.ts', part: 'tools' },
  { file: 'src/tools/task-update.ts', part: 'tools' },
  { file: 'src/tools/run-tool.ts', part: 'tools' },
  { file: 'src/runtime/member.ts', names: ['runCall'], part: 'tools' },
  { file: 'src/runtime/driver.ts', names: ['pump', 'wakeIdle'], part: 'coordinator' },
  { file: 'src/runtime/coordinator.ts', names: ['handle', 'check', 'settle'], part: 'coordinator' },
  { file: 'src/runtime/coordinator/', part: 'coordinator' },
  { file: 'src/runtime/member.ts', names: ['think', 'act', 'runPendingCalls', 'finishTurn', 'setStatus', 'setStep', 'deliverInbox', 'wake'], part: 'member' },
  { file: 'src/runtime/tool-event.ts', part: 'member' },
  { file: 'src/board/', part: 'board' },
];

function partOf(node: ProfileNode): CpuPart | null {
  const { functionName, url } = node.callFrame;
  for (const m of MARKERS) if ((m.file.endsWith('/') ? url.includes(m.file) : url.endsWith(m.file)) && (!m.names || m.names.includes(functionName))) return m.part;
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
  const totals: CpuBreakdown = { coordinator: 0, model: 0, tools: 0, board: 0, transcripts: 0, member: 0, other: 0 };
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
