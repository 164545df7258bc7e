import type { Command } from 'commander';
import { processIO, type CommandIO } from '../io.js';

// The team loader (YAML, zod) loads only when a teams command runs, so `team --help` starts fast.
export function registerTeamsCommand(program: Command, io: CommandIO = processIO): Command {
  const teams = program.command('teams').description('list, show and validate team files (teams/<name>.yaml)');

  teams
    .command('list')
    .description('every team on the search path (./teams, then the built-in teams)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => (await import('./teams-actions.js')).listTeamsAction(io, opts));

  teams
    .command('show')
    .description('show a team: members and their models, pipeline, gates and the task graph')
    .argument('<name>', 'team name or path to a team file')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => (await import('./teams-actions.js')).showTeamAction(io, name, opts));

  teams
    .command('validate')
    .description('check team files (default: every team on the search path); exits 1 on any error')
    .argument('[teams...]', 'team names or paths')
    .option('--json', 'print JSON')
    .action(async (targets: string[], opts: { json?: boolean }) => (await import('./teams-actions.js')).validateTeamsAction(io, targets, opts));

  return teams;
}
