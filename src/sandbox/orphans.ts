import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { signalGroup, signalProcess, startTimeOf } from './process-tree.js';

/** Set on every unsandboxed command (with the value of its record), so a later run can find what it left behind. */
export const MARK_VARIABLE = 'TEAMBOARD_COMMAND_MARK';

const FILE = 'live-processes.json';

const recordSchema = z.object({
  kind: z.enum(['group', 'sandbox']),
  /** The process group id (kind 'group') or the pid of the sandbox's bubblewrap (kind 'sandbox'). */
  id: z.number().int().positive(),
  /** Start time of the leader (field 22 of /proc/<pid>/stat), so a reused id is never mistaken for ours. */
  start: z.string(),
  /** The value of TEAMBOARD_COMMAND_MARK in the group's environment. */
  mark: z.string(),
});

/** A process group of an unsandboxed command, or a sandbox, that may outlive the process that started it. */
export type ProcessRecord = z.infer<typeof recordSchema>;

function recordsPath(stateDir: string): string {
  return path.join(stateDir, FILE);
}

function readRecords(stateDir: string): ProcessRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(recordsPath(stateDir), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = z.array(recordSchema).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function writeRecords(stateDir: string, records: ProcessRecord[]): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = recordsPath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(records));
  fs.renameSync(tmp, file);
}

export function recordProcess(stateDir: string, record: ProcessRecord): void {
  writeRecords(stateDir, [...readRecords(stateDir).filter((r) => r.id !== record.id), record]);
}

export function forgetProcess(stateDir: string, id: number): void {
  const records = readRecords(stateDir);
  const left = records.filter((r) => r.id !== id);
  if (left.length !== records.length) writeRecords(stateDir, left);
}

/**
 * Kills what the commands of an earlier process left running (for a resumed run, before it starts):
 * every process carrying a recorded mark in its environment, and every recorded group or sandbox
 * whose leader is still the process that was recorded. Returns how many were signalled.
 */
export function killOrphans(stateDir: string): number {
  const records = readRecords(stateDir);
  if (records.length === 0) return 0;
  let killed = 0;
  for (const record of records) {
    if (startTimeOf(record.id) !== record.start) continue;
    if (record.kind === 'group' ? signalGroup(record.id, 'SIGKILL') : signalProcess(record.id, 'SIGKILL')) killed++;
  }
  killed += killMarked(records.map((r) => r.mark));
  writeRecords(stateDir, []);
  return killed;
}

/** Kills every process (of this user) whose environment carries one of the marks. */
export function killMarked(marks: readonly string[]): number {
  const wanted = new Set(marks.map((mark) => `${MARK_VARIABLE}=${mark}`));
  let killed = 0;
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    if (environOf(pid).some((entry) => wanted.has(entry)) && signalProcess(pid, 'SIGKILL')) killed++;
  }
  return killed;
}

function listPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function environOf(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
