/** What `team sim-server` does; loaded only when it runs (the fake API and the team loader are not needed for --help). */
import type { SimScript } from '../../board/types.js';
import { DefinitionError } from '../../definitions/errors.js';
import { loadTeam } from '../../definitions/team-loader.js';
import { startFakeMessagesApi } from '../../models/fake/messages-api.js';
import type { ScriptLookup } from '../../models/sim.js';
import { fail, type CommandIO } from '../io.js';
import type { SimServerCommandOptions, SimServerFlags } from './sim-server.js';

export async function simServerAction(io: CommandIO, flags: SimServerFlags, opts: SimServerCommandOptions): Promise<void> {
  const port = integer(flags.port, 0, 65535);
  const seed = integer(flags.seed, 0, 2 ** 32 - 1);
  const failRate = decimal(flags.failRate, 0, 1);
  const speed = decimal(flags.speed, 0.001, 1e6);
  const latency = integer(flags.latency, 0, 600_000);
  if (port === undefined) return fail(io, `--port must be a whole number from 0 to 65535, got "${flags.port}"`);
  if (seed === undefined) return fail(io, `--seed must be a whole number from 0 to 4294967295, got "${flags.seed}"`);
  if (failRate === undefined) return fail(io, `--fail-rate must be a number from 0 to 1 (e.g. 0.1), got "${flags.failRate}"`);
  if (speed === undefined) return fail(io, `--speed must be a positive number (e.g. 10), got "${flags.speed}"`);
  if (latency === undefined) return fail(io, `--latency must be a whole number of milliseconds, got "${flags.latency}"`);

  let server;
  try {
    server = await startFakeMessagesApi({ port, responder: 'sim', simOptions: { seed, speed, scripts: teamScripts(io) }, faults: { failRate, seed }, latencyMs: latency });
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE') return fail(io, `port ${port} is already in use: pick another with --port (or --port 0 for any free port)`);
    throw error;
  }
  io.stdout(`listening on ${server.url}\n`);
  io.stdout(`point the anthropic backend at it:\n  ANTHROPIC_API_KEY=x ANTHROPIC_BASE_URL=${server.url} team start churn-project\n`);
  io.stdout(`seed ${seed}, fail rate ${failRate}, speed ${speed}; Ctrl-C to stop\n`);
  await untilStopped(opts.signal);
  await server.close();
  const answered = server.requests.filter((request) => request.path === '/v1/messages').length;
  io.stdout(`stopped after ${answered} message request${answered === 1 ? '' : 's'}\n`);
}

/**
 * The stand-in for Claude plays a task by its team file's `sim:` steps, read here, out of band: a
 * run on the anthropic backend never shows that script to its model (TaskGet leaves it out). Teams
 * are found as `team start` finds them, from this folder; a task is known by its subject, a
 * retrained copy ("Train the model (retrain 2)") by its original's.
 */
export function teamScripts(io: CommandIO): ScriptLookup {
  const teams = new Map<string, Map<string, SimScript>>();
  const scriptsOf = (team: string): Map<string, SimScript> => {
    const known = teams.get(team);
    if (known) return known;
    const found = new Map<string, SimScript>();
    try {
      const loaded = loadTeam(team, { cwd: io.cwd(), home: io.home(), env: io.env });
      for (const task of loaded.team.tasks) if (task.sim) found.set(task.subject, task.sim);
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      io.stderr(`team: no scripts for team "${team}" (${error.message}); its tasks are played without them\n`);
    }
    teams.set(team, found);
    return found;
  };
  return (team, task) => scriptsOf(team).get(task.subject.replace(/( \(retrain \d+\))+$/, '')) ?? null;
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', stop, { once: true });
      return;
    }
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function integer(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

function decimal(text: string, min: number, max: number): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}
