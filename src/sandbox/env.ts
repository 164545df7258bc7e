/** Variables every command gets from its parent's environment when they are set. */
export const BASE_ENV_NAMES: readonly string[] = ['PATH', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'USER', 'LOGNAME', 'COLORTERM', 'NO_COLOR'];

/**
 * Variables teamboard itself sets for the team's scripts: which run and member, and which stages a
 * person let through despite a failed metric gate. They name nothing the agent could act on.
 */
export const TEAM_ENV_NAMES: readonly string[] = ['TEAM_RUN_ID', 'TEAM_MEMBER', 'TEAM_GATE_OVERRIDES'];

/**
 * Variables that lead to the run's controls (the board, its database, the model's credentials). A
 * command never gets them, even when the team file names them under `sandbox.env`.
 */
export const CONTROL_ENV_NAMES: readonly string[] = ['TEAM_HOME', 'TEAM_BOARD_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'];

export interface EnvOptions {
  /** Extra names the team file passes (`sandbox.env`). */
  extraNames?: readonly string[];
  /** The command's own home. */
  home: string;
  /** The command's temporary folder. */
  tmpDir: string;
}

/**
 * The environment of a command, by allow-list: the base names, `LC_*`, teamboard's own variables and
 * the names the team file adds; HOME and TMPDIR are the command's own. Nothing else of the parent passes.
 */
export function commandEnv(parent: Readonly<Record<string, string | undefined>>, options: EnvOptions): Record<string, string> {
  const allowed = new Set([...BASE_ENV_NAMES, ...TEAM_ENV_NAMES, ...(options.extraNames ?? [])]);
  for (const name of CONTROL_ENV_NAMES) allowed.delete(name);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (allowed.has(name) || name.startsWith('LC_')) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.HOME = options.home;
  env.TMPDIR = options.tmpDir;
  return env;
}
