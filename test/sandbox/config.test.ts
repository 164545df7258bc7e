import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bwrapArgs, sandboxIds } from '../../src/sandbox/bwrap-args.js';
import { DEFAULT_LIMITS, limitsOf, sandboxSectionSchema, sandboxSettingsFrom } from '../../src/sandbox/config.js';
import { commandEnv } from '../../src/sandbox/env.js';
import { dirOutsideTmp } from '../helpers/outside-tmp.js';

let root: string;

beforeEach(() => {
  // Not under /tmp: the sandbox covers all of /tmp, so it would not list hidden places there.
  const base = dirOutsideTmp('teamboard-sandbox-config');
  root = fs.realpathSync(fs.mkdtempSync(path.join(base, 'case-')));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('team file section', () => {
  it('accepts network, env, paths and limits, and resolves paths from the team file and ~', () => {
    const section = sandboxSectionSchema.parse({
      network: true,
      env: ['PIP_INDEX_URL'],
      paths: { read: ['~/datasets'], write: ['../cache'], hide: ['secrets'] },
      limits: { processes: 256, memoryMb: 2048 },
    });
    const settings = sandboxSettingsFrom(section, { mode: 'bwrap', baseDir: '/proj/teams', home: '/home/ada', teamHome: '/proj/.team' });
    expect(settings).toEqual({
      mode: 'bwrap',
      home: '/home/ada',
      teamHome: '/proj/.team',
      network: true,
      env: ['PIP_INDEX_URL'],
      paths: { read: ['/home/ada/datasets'], write: ['/proj/cache'], hide: ['/proj/teams/secrets'] },
      limits: { processes: 256, memoryMb: 2048 },
    });
    expect(limitsOf(settings)).toEqual({ ...DEFAULT_LIMITS, processes: 256, memoryMb: 2048 });
  });

  it('refuses a host list for the network and unknown fields, with the field named', () => {
    const hosts = sandboxSectionSchema.safeParse({ network: ['pypi.org'] });
    expect(hosts.success).toBe(false);
    expect(hosts.error?.issues[0]?.path).toEqual(['network']);
    const unknown = sandboxSectionSchema.safeParse({ netwrok: true });
    expect(unknown.error?.issues[0]?.message).toMatch(/netwrok/);
    expect(sandboxSectionSchema.safeParse({ env: ['NOT-A-NAME'] }).success).toBe(false);
  });
});

describe('command environment', () => {
  it('passes the allow-list, LC_*, teamboard\'s variables and the named extras; home and tmp are the command\'s own', () => {
    const parent = {
      PATH: '/bin',
      LANG: 'C.UTF-8',
      LC_TIME: 'en_GB',
      TERM: 'xterm',
      HOME: '/root',
      ANTHROPIC_API_KEY: 'sk',
      AWS_ACCESS_KEY_ID: 'a',
      SSH_AUTH_SOCK: '/s',
      TEAM_GATE_OVERRIDES: 'deploy',
      PIP_INDEX_URL: 'https://mirror',
    };
    expect(commandEnv(parent, { extraNames: ['PIP_INDEX_URL'], home: '/tmp/home', tmpDir: '/tmp' })).toEqual({
      PATH: '/bin',
      LANG: 'C.UTF-8',
      LC_TIME: 'en_GB',
      TERM: 'xterm',
      TEAM_GATE_OVERRIDES: 'deploy',
      PIP_INDEX_URL: 'https://mirror',
      HOME: '/tmp/home',
      TMPDIR: '/tmp',
    });
  });
});

describe('bubblewrap arguments', () => {
  function plan(extra: Partial<Parameters<typeof bwrapArgs>[0]> = {}): Parameters<typeof bwrapArgs>[0] {
    return { workspace: path.join(root, 'team', 'runs', '1', 'ws'), home: path.join(root, 'home'), network: false, read: [], write: [], hide: [], tmpSizeMb: 64, disableUserns: false, uid: 1000, gid: 1000, ...extra };
  }

  it('shuts user namespaces off only when asked (bubblewrap 0.8, a root caller)', () => {
    expect(bwrapArgs(plan())).not.toContain('--disable-userns');
    expect(bwrapArgs(plan({ disableUserns: true }))).toContain('--disable-userns');
  });

  it('hides the team home, then binds the workspace inside it back, then makes the cover read-only', () => {
    const p = plan({ teamHome: path.join(root, 'team') });
    fs.mkdirSync(p.workspace, { recursive: true });
    const args = bwrapArgs(p).join(' ');
    expect(args).toContain(`--perms 0700 --tmpfs ${path.join(root, 'team')}`);
    expect(args.indexOf(`--tmpfs ${path.join(root, 'team')}`)).toBeLessThan(args.indexOf(`--bind ${p.workspace} ${p.workspace}`));
    expect(args.indexOf(`--bind ${p.workspace}`)).toBeLessThan(args.indexOf(`--remount-ro ${path.join(root, 'team')}`));
    expect(args).toContain('--unshare-net');
    expect(args).toContain('--die-with-parent');
  });

  it('covers secret folders and files of the home, and shares the network only when allowed', () => {
    const p = plan();
    fs.mkdirSync(path.join(p.home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(p.home, '.netrc'), 'machine x password y');
    const args = bwrapArgs({ ...p, network: true }).join(' ');
    expect(args).toContain(`--tmpfs ${path.join(p.home, '.ssh')}`);
    expect(args).toContain(`--ro-bind /dev/null ${path.join(p.home, '.netrc')}`);
    expect(args).not.toContain('--unshare-net');
  });

  it('under /tmp (a project checked out there): a team home inside the workspace is still hidden, one outside it is covered by the private /tmp', () => {
    const project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-under-tmp-')));
    try {
      const teamHome = path.join(project, '.team');
      fs.mkdirSync(teamHome, { recursive: true });
      const inside = bwrapArgs(plan({ workspace: project, teamHome })).join(' ');
      expect(inside.indexOf(`--bind ${project} ${project}`)).toBeLessThan(inside.indexOf(`--tmpfs ${teamHome}`));
      const workspace = path.join(root, 'ws');
      fs.mkdirSync(workspace);
      const outside = bwrapArgs(plan({ workspace, teamHome })).join(' ');
      expect(outside).not.toContain(`--tmpfs ${teamHome}`);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it('never runs commands as root inside', () => {
    expect(sandboxIds().uid).not.toBe(0);
    expect(sandboxIds().gid).not.toBe(0);
  });
});
