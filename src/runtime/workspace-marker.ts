import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Run } from '../board/types.js';
import { RuntimeError } from './errors.js';

/**
 * A run whose members run on several machines works in one shared folder that every worker mounts
 * at the same path (docs/decisions/0012-files-across-machines.md). `team start --workers-only`
 * leaves this file in it, so a worker can tell the run's folder from an empty mount point or
 * another run's folder before any member writes a file.
 */
export const MARKER_FILE = '.teamboard-run.json';

const markerSchema = z.object({ run: z.number(), team: z.string(), startedAt: z.number() });

/** Write the marker (again) in a run's workspace. */
export function writeWorkspaceMarker(run: Pick<Run, 'id' | 'team' | 'startedAt' | 'workspace'>): void {
  const marker: z.infer<typeof markerSchema> = { run: run.id, team: run.team, startedAt: run.startedAt };
  fs.writeFileSync(path.join(run.workspace, MARKER_FILE), `${JSON.stringify(marker)}\n`);
}

/**
 * Refuse, in one line, to run members of a run whose workspace is not here: the folder is missing
 * (not mounted on this machine), or it holds no marker or another run's (a board's run ids start at
 * 1 again on another board, so the time the run started is compared too).
 */
export function checkWorkspaceMarker(run: Pick<Run, 'id' | 'team' | 'startedAt' | 'workspace'>): void {
  const fix = `mount the run's shared workspace at that same path on this machine (docs/scaling.md, "Files across machines")`;
  if (!fs.existsSync(run.workspace)) throw new RuntimeError(`the workspace of run ${run.id} (${run.workspace}) is not on this machine; ${fix}`);
  const file = path.join(run.workspace, MARKER_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RuntimeError(`${run.workspace} is not the workspace of run ${run.id}: it has no ${MARKER_FILE} (start the run with \`team start --workers-only\`, or ${fix})`);
  }
  let parsed: z.infer<typeof markerSchema> | undefined;
  try {
    const result = markerSchema.safeParse(JSON.parse(text));
    parsed = result.success ? result.data : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) throw new RuntimeError(`${file} is not a teamboard run marker; ${fix}`);
  if (parsed.run !== run.id || parsed.team !== run.team || parsed.startedAt !== run.startedAt) {
    throw new RuntimeError(`${run.workspace} is the workspace of another run (run ${parsed.run} of ${parsed.team}), not run ${run.id} of ${run.team} on this board; ${fix}`);
  }
}
