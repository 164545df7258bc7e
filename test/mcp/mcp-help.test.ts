import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerMcpCommand } from '../../src/cli/commands/mcp.js';
import { buildProgram } from '../../src/cli/program.js';
import { decideJoin } from '../../src/mcp/join.js';
import { NOW, cfg, run } from '../helpers/mcp-fixtures.js';

/** `team mcp --help` says what --role does, as joining does it. */
describe('team mcp --help', () => {
  it('lists the global --board, which the client configurations in docs/mcp.md pass', () => {
    const mcp = buildProgram().commands.find((c) => c.name() === 'mcp');
    expect(mcp?.helpInformation()).toMatch(/Global Options:[\s\S]*--board <path-or-url>/);
  });

  it('says a new member may take any role, and an existing one only its own', () => {
    const help = registerMcpCommand(new Command()).helpInformation().replace(/\s+/g, ' ');
    expect(help).not.toContain("must match an existing member's role");
    expect(help).toContain('--role <role> the role of a new member: any role, one the run has or a new one');
    expect(help).toContain('for an existing member, leave it out or give its own role');

    // What joining does: a new name joins with a role no member has.
    expect(decideJoin(run([cfg('ds', 'data-scientist')]), undefined, 'reviewer', 'reviewer', NOW)).toEqual({ kind: 'add', role: 'reviewer' });
  });
});
