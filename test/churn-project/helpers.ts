import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SMALL_ROWS, copyChurnTemplate } from '../helpers/small-churn.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TEAM_FILE = path.resolve(here, '../../teams/churn-project.yaml');
export const TEMPLATE = path.resolve(here, '../../teams/churn-project');

/** The row count users get: the template's own config.json. */
export const DEFAULT_ROWS = Number((JSON.parse(fs.readFileSync(path.join(TEMPLATE, 'config.json'), 'utf8')) as { rows: unknown }).rows);

/** A fresh copy of the workspace template, as the runtime makes for each run, on small data unless told. */
export function makeWorkspace(rows: number = SMALL_ROWS): string {
  return copyChurnTemplate(fs.mkdtempSync(path.join(os.tmpdir(), 'churn-project-')), rows);
}

export function removeWorkspace(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface ScriptResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runScript(dir: string, script: string, args: string[] = []): Promise<ScriptResult> {
  const result = await execa(process.execPath, [`scripts/${script}`, ...args], { cwd: dir, reject: false, timeout: 60_000 });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs scripts in order and fails loudly with the script's stderr when one of them fails. */
export async function runAll(dir: string, scripts: string[]): Promise<void> {
  for (const script of scripts) {
    const [name = '', ...args] = script.split(' ');
    const result = await runScript(dir, name, args);
    if (result.exitCode !== 0) {
      throw new Error(`${script} exited ${result.exitCode}: ${result.stderr || result.stdout}`);
    }
  }
}

export function readJson(dir: string, relative: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, relative), 'utf8')) as Record<string, unknown>;
}

export function num(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number') throw new Error(`expected a number at "${key}", got ${JSON.stringify(value)}`);
  return value;
}

export const TRAINING_STEPS = ['generate-data.js', 'profile.js', 'build-features.js', 'train.js', 'evaluate.js'];
