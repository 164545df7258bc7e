import type { Command } from 'commander';
import { processIO, type CommandIO } from '../io.js';

export interface SimServerCommandOptions {
  /** Stops the server when aborted (tests); by default it runs until SIGINT or SIGTERM. */
  signal?: AbortSignal;
}

export interface SimServerFlags {
  port: string;
  seed: string;
  failRate: string;
  speed: string;
  latency: string;
}

/** `team sim-server`: the fake Messages API answering with the simulated model, for the real SDK path offline. */
export function registerSimServerCommand(program: Command, io: CommandIO = processIO, opts: SimServerCommandOptions = {}): Command {
  return program
    .command('sim-server')
    .description('serve a local Anthropic Messages API backed by the simulated model (run the anthropic backend offline)')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8787')
    .option('--seed <n>', 'seed of the simulated model', '1')
    .option('--fail-rate <x>', 'chance (0-1) that a request fails with 529, 429 or 500, to exercise retries', '0')
    .option('--speed <x>', 'time scale of the simulated think time (2 = twice as fast)', '1')
    .option('--latency <ms>', 'extra wait before every answer', '0')
    .action(async (flags: SimServerFlags) => (await import('./sim-server-action.js')).simServerAction(io, flags, opts));
}
