import type { Command } from 'commander';
import { boardFlag, parseRunId, withBoard } from '../board-access.js';
import { fail, processIO, type CommandIO } from '../io.js';

interface Flags {
  run: string;
  as: string;
  role?: string;
}

/**
 * `team mcp`: a stdio MCP server through which an outside agent (Claude Code, Codex CLI, Cursor,
 * ...) works a run as one of its members. stdout carries the protocol: nothing else is written there.
 * TEAM_MCP_HEARTBEAT_MS and TEAM_MCP_KEEPALIVE_MS shorten its intervals (tests).
 */
export function registerMcpCommand(program: Command, io: CommandIO = processIO): Command {
  return program
    .command('mcp')
    .description('serve a run\'s board to an MCP client over stdio, as one of its members (see docs/mcp.md)')
    .requiredOption('--run <n>', 'the run to join')
    .requiredOption('--as <name>', 'the member to be: an open seat, a member nobody is running, or a new name (with --role)')
    .option('--role <role>', 'the role of a new member: any role, one the run has or a new one (it may claim tasks of that role and tasks with no role); for an existing member, leave it out or give its own role')
    .addHelpText('after', '\nExample (Claude Code):\n  claude mcp add --transport stdio teamboard -- npx team mcp --run 3 --as reviewer --role reviewer')
    .action(async (flags: Flags) => {
      const heartbeatMs = interval(io, 'TEAM_MCP_HEARTBEAT_MS');
      const keepAliveMs = interval(io, 'TEAM_MCP_KEEPALIVE_MS');
      if (heartbeatMs === null || keepAliveMs === null) return;
      const runId = parseRunId(flags.run);
      const { serveMcp } = await import('../../mcp/server.js');
      await withBoard(io, { board: boardFlag(program), mustExist: true }, (board) =>
        serveMcp({
          board,
          runId,
          name: flags.as,
          ...(flags.role !== undefined ? { role: flags.role } : {}),
          ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
          ...(keepAliveMs !== undefined ? { keepAliveMs } : {}),
          log: (line) => io.stderr(`${line}\n`),
        }),
      );
    });
}

/** A positive whole number of milliseconds from the environment; undefined when unset, null (after saying why) when wrong. */
function interval(io: CommandIO, key: string): number | undefined | null {
  const text = io.env[key];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (Number.isInteger(value) && value > 0) return value;
  fail(io, `${key} must be a whole number of milliseconds, got "${text}"`);
  return null;
}
