import { describe, expect, it } from 'vitest';
import { decideJoin } from '../../src/mcp/join.js';
import { parseOpenSeats, parseSeatsFor, withOpenSeats } from '../../src/mcp/open-seats.js';
import { NOW, cfg, member, run } from '../helpers/mcp-fixtures.js';

describe('--open-seats', () => {
  it('parses NAME:ROLE pairs and says what is wrong with one that is not', () => {
    expect(parseOpenSeats('rev:reviewer, mle:ml-engineer')).toEqual([
      { name: 'rev', role: 'reviewer' },
      { name: 'mle', role: 'ml-engineer' },
    ]);
    expect(() => parseOpenSeats('rev')).toThrow('--open-seats takes NAME:ROLE pairs separated by commas (like reviewer:reviewer,mle:ml-engineer); "rev" is not one');
    expect(() => parseOpenSeats('a:b:c')).toThrow('"a:b:c" is not one');
    expect(() => parseOpenSeats('rev:x,rev:y')).toThrow('--open-seats names rev twice');
    expect(() => parseOpenSeats('-x:y')).toThrow('"-x" is not a member name');
    expect(() => parseOpenSeats(' , ')).toThrow('needs at least one NAME:ROLE');
  });

  it('keeps a team member\'s role: the team\'s tasks were written for it', () => {
    const team = [{ name: 'mle', role: 'ml-engineer' }];
    expect(parseSeatsFor('mle:ml-engineer,rev:reviewer', team)).toHaveLength(2);
    expect(() => parseSeatsFor('mle:reviewer', team)).toThrow("--open-seats mle:reviewer: mle is the team's ml-engineer; use mle:ml-engineer, or another name for a new member");
  });

  it('marks team members external and adds new names as external members', () => {
    const members = withOpenSeats([cfg('ds', 'data-scientist'), cfg('mle', 'ml-engineer')], [
      { name: 'mle', role: 'ml-engineer' },
      { name: 'rev', role: 'reviewer' },
    ]);
    expect(members.map((m) => [m.name, m.role, m.external === true])).toEqual([
      ['ds', 'data-scientist', false],
      ['mle', 'ml-engineer', true],
      ['rev', 'reviewer', true],
    ]);
    expect(members[2]).toMatchObject({ agent: 'mcp', model: 'external', tools: [], instructions: '' });
  });
});

describe('who may join a run over MCP', () => {
  it('adds a new name with its role, and asks for a role when none is given', () => {
    expect(decideJoin(run([cfg('ds', 'data-scientist')]), undefined, 'rev', 'reviewer', NOW)).toEqual({ kind: 'add', role: 'reviewer' });
    expect(() => decideJoin(run([cfg('ds', 'data-scientist')]), undefined, 'rev', undefined, NOW)).toThrow(
      'rev is not a member of run 3; give --role ROLE to join as a new member (roles in this run: data-scientist)',
    );
  });

  it('takes an open seat, or the seat of a client that has gone; refuses one whose client is still there', () => {
    const r = run([cfg('rev', 'reviewer', true)]);
    expect(decideJoin(r, member('rev', 'reviewer', { status: 'starting' }), 'rev', undefined, NOW)).toEqual({ kind: 'take', role: 'reviewer', from: 'seat' });
    expect(decideJoin(r, member('rev', 'reviewer', { status: 'stopped' }), 'rev', 'reviewer', NOW)).toMatchObject({ kind: 'take' });
    expect(decideJoin(r, member('rev', 'reviewer', { status: 'working', heartbeatAt: NOW - 60_000 }), 'rev', undefined, NOW)).toMatchObject({ kind: 'take' });
    expect(() => decideJoin(r, member('rev', 'reviewer', { status: 'working', heartbeatAt: NOW - 2000 }), 'rev', undefined, NOW)).toThrow(
      'rev is already connected to run 3 over MCP (last heartbeat 2s ago); join under another name with --as, or close that client first',
    );
    expect(() => decideJoin(r, member('rev', 'reviewer'), 'rev', 'writer', NOW)).toThrow("rev is the run's reviewer; join with --role reviewer");
  });

  it('takes a member teamboard runs only when it is out of the run or nobody drives the run', () => {
    const r = run([cfg('ds', 'data-scientist')]);
    expect(() => decideJoin(r, member('ds', 'data-scientist', { status: 'working' }), 'ds', undefined, NOW)).toThrow(
      'ds is run by teamboard in run 3 (pid 1); join as a new member with another --as name and --role, or start the run with --open-seats ds:data-scientist',
    );
    expect(decideJoin(r, member('ds', 'data-scientist', { status: 'dead' }), 'ds', undefined, NOW)).toEqual({ kind: 'take', role: 'data-scientist', from: 'teamboard' });
    const crashed = run([cfg('ds', 'data-scientist')], { heartbeatAt: NOW - 60_000 });
    expect(decideJoin(crashed, member('ds', 'data-scientist', { status: 'working' }), 'ds', undefined, NOW)).toMatchObject({ kind: 'take', from: 'teamboard' });
  });

  it('refuses a run that is over', () => {
    expect(() => decideJoin(run([], { status: 'completed' }), undefined, 'rev', 'reviewer', NOW)).toThrow('run 3 is completed; there is no work to join (see `team export 3`)');
    expect(() => decideJoin(run([], { status: 'stopped' }), undefined, 'rev', 'reviewer', NOW)).toThrow('resume it with `team resume 3` first');
  });
});
