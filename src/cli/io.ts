import os from 'node:os';
import { cleanText, safeJson } from './safe-text.js';

export { groupDigits } from '../report/metrics.js';

/** Where commands write, which folders they look in and how they exit; tests pass their own. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  cwd: () => string;
  home: () => string;
  env: NodeJS.ProcessEnv;
}

/**
 * Everything a command prints reaches the terminal cleaned, line by line (an escape sequence left
 * open can hide no more than the rest of its line): agent-written text is shown, never obeyed.
 * The live board draws through Ink, not through here, and cleans its own text.
 */
export function readable(text: string): string {
  return text.split('\n').map(cleanText).join('\n');
}

/**
 * Emitted on `process` by bin/team.js when stdout's reader went away (EPIPE). A command that must
 * end cleanly (a run in progress) listens for it; without a listener the command just exits.
 */
export const OUTPUT_CLOSED = 'team:output-closed';

export const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(readable(text)),
  stderr: (text) => process.stderr.write(readable(text)),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  cwd: () => process.cwd(),
  home: () => os.homedir(),
  env: process.env,
};

export function printJson(io: CommandIO, value: unknown): void {
  io.stdout(`${safeJson(value, 2)}\n`);
}

export function fail(io: CommandIO, message: string, code = 1): void {
  io.stderr(`team: ${message}\n`);
  io.setExitCode(code);
}

/** Pad columns to the widest cell, leaving the last column unpadded. */
export function columns(rows: string[][], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + gap))).join('').trimEnd());
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** The terminal UI library draws nothing live under CI (it prints one frame at exit), so CI means plain output. */
export function isCiEnv(env: NodeJS.ProcessEnv): boolean {
  const set = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}

