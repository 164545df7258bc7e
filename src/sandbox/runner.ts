import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canDisableUserns, SANDBOX_HOME, SANDBOX_TMP, type SandboxPlan, sandboxIds } from './bwrap-args.js';
import { limitsOf, type SandboxSettings } from './config.js';
import { commandEnv } from './env.js';
import { forgetProcess, killMarked, MARK_VARIABLE, recordProcess } from './orphans.js';
import { OutputCapture } from './output-capture.js';
import type { PidsReading } from './pids-cgroup.js';
import { signalGroup, startTimeOf } from './process-tree.js';
import { limitArgs, SandboxSession } from './session.js';
import { type SpawnOutcome, spawnCaptured } from './spawn-captured.js';

export interface CommandRequest {
  command: string;
  /** Realpath of the run's workspace: the command's working directory. */
  workspace: string;
  /** The environment the allowed variables are taken from. */
  parentEnv: Readonly<Record<string, string | undefined>>;
  settings: SandboxSettings;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of the start and of the end of stdout and stderr to keep. */
  keepBytes: number;
}

export interface CommandOutcome extends SpawnOutcome {
  /** Why the run's sandbox ended while the command ran (a limit was passed), when it did. */
  sandboxEnded?: string;
  /** When the kernel's pids limit ended it: what the sandbox's cgroup said then. */
  sandboxPids?: PidsReading;
  /** Why the run's previous sandbox ended, when this command is the first in a new one. */
  sandboxRestarted?: string;
}

/** Marks the environment of this process's unsandboxed commands (see killOrphans). */
const PROCESS_MARK = randomUUID();

const sessions = new Map<string, Promise<SandboxSession>>();
/** Why a run's sandbox ended, until the next command (in a new sandbox) has reported it. */
const endings = new Map<string, string>();
/** Process groups of unsandboxed commands that are running or left background processes, with their state folder. */
const groups = new Map<number, string | undefined>();
let ranUnsandboxed = false;

/** Runs one command line of a run: in the run's sandbox (mode 'bwrap') or as a plain child process (mode 'none'). */
export async function runCommand(request: CommandRequest): Promise<CommandOutcome> {
  if (!isDirectory(request.workspace)) return notStarted(`the workspace ${request.workspace} does not exist`);
  return request.settings.mode === 'none' ? runUnsandboxed(request) : runSandboxed(request);
}

async function runSandboxed(request: CommandRequest): Promise<CommandOutcome> {
  let session: SandboxSession;
  const key = sessionKey(request.workspace, request.settings);
  try {
    session = await sessionFor(key, request.workspace, request.settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return notStarted(`the sandbox could not start: ${message}; install bubblewrap (apt-get install bubblewrap), or run the team with --no-sandbox`);
  }
  const limits = limitsOf(request.settings);
  const env = commandEnv(request.parentEnv, { extraNames: request.settings.env ?? [], home: SANDBOX_HOME, tmpDir: SANDBOX_TMP });
  const outcome = await spawnCaptured(session.enterArgs(request.command, request.workspace), {
    cwd: request.workspace,
    env,
    timeoutMs: request.timeoutMs,
    keepBytes: request.keepBytes,
    outputLimitBytes: limits.outputMb * 1024 * 1024,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const restarted = endings.get(key);
  endings.delete(key);
  const result: CommandOutcome = restarted !== undefined ? { ...outcome, sandboxRestarted: restarted } : outcome;
  if (session.ended !== null && !outcome.stopped) {
    endings.delete(key);
    return { ...result, sandboxEnded: session.ended, ...(session.endedPids !== null ? { sandboxPids: session.endedPids } : {}) };
  }
  return result;
}

async function runUnsandboxed(request: CommandRequest): Promise<CommandOutcome> {
  const { settings } = request;
  const limits = limitsOf(settings);
  const stateDir = settings.stateDir;
  const home = unsandboxedHome(stateDir);
  const env = { ...commandEnv(request.parentEnv, { extraNames: settings.env ?? [], home, tmpDir: os.tmpdir() }), [MARK_VARIABLE]: PROCESS_MARK };
  ranUnsandboxed = true;
  const outcome = await spawnCaptured([...limitArgs(limits, false), 'bash', '-c', request.command], {
    cwd: request.workspace,
    env,
    timeoutMs: request.timeoutMs,
    keepBytes: request.keepBytes,
    outputLimitBytes: limits.outputMb * 1024 * 1024,
    ...(request.signal ? { signal: request.signal } : {}),
    onStart: (pgid) => {
      groups.set(pgid, stateDir);
      if (stateDir !== undefined) recordProcess(stateDir, { kind: 'group', id: pgid, start: startTimeOf(pgid) ?? '', mark: PROCESS_MARK });
    },
  });
  for (const [pgid, dir] of groups) {
    if (signalGroup(pgid, 0)) continue;
    groups.delete(pgid);
    if (dir !== undefined) forgetProcess(dir, pgid);
  }
  return outcome;
}

/**
 * Ends every process the commands of this process started: each run's sandbox with everything in it,
 * and the process groups (and marked processes) of unsandboxed commands. For the end of a run.
 * Returns how many sandboxes and groups were signalled.
 */
export function killAll(): number {
  let killed = 0;
  endings.clear();
  for (const [key, pending] of sessions) {
    sessions.delete(key);
    killed++;
    void pending.then((session) => session.kill()).catch(() => undefined);
  }
  for (const [pgid, stateDir] of groups) {
    if (signalGroup(pgid, 'SIGKILL')) killed++;
    groups.delete(pgid);
    if (stateDir !== undefined) forgetProcess(stateDir, pgid);
  }
  if (ranUnsandboxed) killed += killMarked([PROCESS_MARK]);
  return killed;
}

/** The run's sandbox, started on its first command and again after it ended (a limit was passed). */
function sessionFor(key: string, workspace: string, settings: SandboxSettings): Promise<SandboxSession> {
  const existing = sessions.get(key);
  if (existing) {
    return existing.then((session) => {
      if (session.alive) return session;
      if (sessions.get(key) === existing) {
        sessions.delete(key);
        if (session.ended !== null) endings.set(key, session.ended);
      }
      return sessionFor(key, workspace, settings);
    });
  }
  const started = SandboxSession.start(planFor(workspace, settings), limitsOf(settings), settings.stateDir);
  sessions.set(key, started);
  started.catch(() => {
    if (sessions.get(key) === started) sessions.delete(key);
  });
  return started;
}

function sessionKey(workspace: string, settings: SandboxSettings): string {
  return `${workspace}\0${JSON.stringify(settings)}`;
}

export function planFor(workspace: string, settings: SandboxSettings): SandboxPlan {
  const limits = limitsOf(settings);
  return {
    workspace,
    home: settings.home ?? os.homedir(),
    ...(settings.teamHome !== undefined ? { teamHome: settings.teamHome } : {}),
    network: settings.network ?? false,
    read: settings.paths?.read ?? [],
    write: settings.paths?.write ?? [],
    hide: settings.paths?.hide ?? [],
    tmpSizeMb: limits.tmpSizeMb,
    disableUserns: canDisableUserns(),
    ...sandboxIds(),
  };
}

/** The home of unsandboxed commands: in the run's state folder, else one per user in the temporary folder. */
function unsandboxedHome(stateDir: string | undefined): string {
  const home = stateDir !== undefined ? path.join(stateDir, 'home') : path.join(os.tmpdir(), `teamboard-home-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function notStarted(message: string): CommandOutcome {
  return { startError: message, exitCode: null, signal: null, stdout: emptyCapture(), stderr: emptyCapture(), stopped: null, leftGroup: null };
}

function emptyCapture(): OutputCapture {
  return new OutputCapture(0);
}
