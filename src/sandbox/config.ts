import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Bounds on what one run's commands may use. Each can be changed in the team file (`sandbox.limits`). */
export interface SandboxLimits {
  /** Processes alive in the run's sandbox at once (all commands and their background processes). */
  processes: number;
  /** Resident memory of all processes in the run's sandbox together, in MiB. */
  memoryMb: number;
  /** Largest file a command may write, in MiB (RLIMIT_FSIZE). */
  fileSizeMb: number;
  /** Size of the sandbox's private /tmp (a tmpfs, so it is memory), in MiB. */
  tmpSizeMb: number;
  /** Output (stdout and stderr) one command may print before it is killed, in MiB. */
  outputMb: number;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = {
  processes: 512,
  memoryMb: 4096,
  fileSizeMb: 1024,
  tmpSizeMb: 512,
  outputMb: 32,
};

/**
 * How Bash runs a run's commands. The runtime builds this from the team file's `sandbox` section
 * (see `sandboxSettingsFrom`) and the command line (`--no-sandbox` gives mode 'none').
 */
export interface SandboxSettings {
  /** 'bwrap': every command in bubblewrap (the default); 'none': plain child processes. */
  mode: 'bwrap' | 'none';
  /** The team home (`.team/`): board database, other runs. Hidden inside the sandbox except the run's workspace. */
  teamHome?: string;
  /** Share the host's network (all or nothing). Default: no network, only the sandbox's own loopback. */
  network?: boolean;
  /** Names of extra environment variables passed from the parent to commands. */
  env?: readonly string[];
  /** Absolute paths: made visible read-only, made writable, or hidden (in addition to the built-in list). */
  paths?: { read?: readonly string[]; write?: readonly string[]; hide?: readonly string[] };
  /** Where the sandbox keeps what a resumed run needs to clean up (process groups of unsandboxed commands). */
  stateDir?: string;
  /** The home whose secrets are hidden; default $HOME. */
  home?: string;
  limits?: Partial<SandboxLimits>;
}

const pathList = z.array(z.string().min(1)).optional();

/**
 * The team file's `sandbox:` section. Relative paths are relative to the team file's folder and `~/`
 * is the user's home; `sandboxSettingsFrom` resolves them.
 */
export const sandboxSectionSchema = z.strictObject({
  network: z.boolean().optional().describe('true shares the host network with every command of the run (all or nothing)'),
  env: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)'))
    .optional()
    .describe('extra environment variables passed to commands'),
  paths: z
    .strictObject({
      read: pathList.describe('made visible read-only, also inside a hidden folder such as ~/.config'),
      write: pathList.describe('made writable besides the workspace'),
      hide: pathList.describe('hidden, in addition to the built-in list'),
    })
    .optional(),
  limits: z
    .strictObject({
      processes: z.number().int().min(16).max(32_768).optional(),
      memoryMb: z.number().int().min(64).optional(),
      fileSizeMb: z.number().int().min(1).optional(),
      tmpSizeMb: z.number().int().min(1).optional(),
      outputMb: z.number().int().min(1).optional(),
    })
    .optional(),
});

export type SandboxSection = z.infer<typeof sandboxSectionSchema>;

export interface SectionContext {
  mode: SandboxSettings['mode'];
  /** The folder of the team file: relative paths start there. */
  baseDir: string;
  teamHome?: string;
  stateDir?: string;
  home?: string;
}

/** The runtime settings for a team file's `sandbox` section (absent section: the defaults). */
export function sandboxSettingsFrom(section: SandboxSection | undefined, ctx: SectionContext): SandboxSettings {
  const home = ctx.home ?? os.homedir();
  const resolve = (list: readonly string[] | undefined): string[] => (list ?? []).map((p) => expandPath(p, ctx.baseDir, home));
  const settings: SandboxSettings = { mode: ctx.mode, home };
  if (ctx.teamHome !== undefined) settings.teamHome = ctx.teamHome;
  if (ctx.stateDir !== undefined) settings.stateDir = ctx.stateDir;
  if (section?.network !== undefined) settings.network = section.network;
  if (section?.env) settings.env = section.env;
  if (section?.paths) {
    settings.paths = { read: resolve(section.paths.read), write: resolve(section.paths.write), hide: resolve(section.paths.hide) };
  }
  if (section?.limits) settings.limits = section.limits;
  return settings;
}

export function limitsOf(settings: SandboxSettings | undefined): SandboxLimits {
  return { ...DEFAULT_LIMITS, ...settings?.limits };
}

function expandPath(p: string, baseDir: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return path.resolve(baseDir, p);
}
