import type { Command } from 'commander';
import { processIO, type CommandIO } from '../io.js';

// The definitions loaders (YAML, zod) load only when an agents command runs, so `team --help` starts fast.
export function registerAgentsCommand(program: Command, io: CommandIO = processIO): Command {
  const agents = program.command('agents').description('list, show and validate agent definitions (Markdown files with YAML frontmatter)');

  agents
    .command('list')
    .description('every agent on the search path (./agents, ./.claude/agents, ~/.claude/agents, built-in); the nearest of a name wins')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => (await import('./agents-actions.js')).listAgentsAction(io, opts));

  agents
    .command('show')
    .description('show one agent: where it comes from, model, tools, warnings and prompt')
    .argument('<name>', 'agent name or path to an agent file')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => (await import('./agents-actions.js')).showAgentAction(io, name, opts));

  agents
    .command('validate')
    .description('check agent files (default: every agent file on the search path); exits 1 on any error')
    .argument('[paths...]', 'agent files or names')
    .option('--json', 'print JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => (await import('./agents-actions.js')).validateAgentsAction(io, paths, opts));

  return agents;
}
