/**
 * The team file's `sandbox:` section as the loader reads it and the run keeps it, what a command
 * line needs a permission for (pure), what --auto-answer picks, and how a run's sandbox settings
 * are made (team home and board hidden, orphans killed, unsandboxed runs marked).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTeam, validateTeamFile } from '../../src/definitions/team-loader.js';
import type { Question } from '../../src/board/types.js';
import { ALLOW_PATTERN, autoAnswers, bashPatterns, permissionVerdict } from '../../src/runtime/permissions.js';
import { prepareRunSandbox } from '../../src/runtime/run-sandbox.js';
import { writeLimits } from '../../src/runtime/tool-context.js';
import { agentFile, prepareTestRun, writeProject, type TestRun } from '../helpers/runtime.js';

const AGENTS = { limited: agentFile('limited', { tools: 'Read, Bash(git:*)' }), free: agentFile('free', { tools: 'Read, Bash' }) };

const team = (sandbox: string) => `
name: test-team
members:
  - { name: lim, agent: limited }
  - { name: fre, agent: free }
pipeline: [work]
tasks:
  - { id: job, subject: Job, stage: work, description: Work. }
${sandbox}`;

let dirs: string[] = [];
let t: TestRun | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function project(sandbox: string): string {
  const dir = writeProject({ team: team(sandbox), agents: AGENTS });
  dirs.push(dir);
  return dir;
}

describe('the team file sandbox section', () => {
  it('is kept with absolute paths, Bash(...) taken off allowed patterns', () => {
    const dir = project(`sandbox:
  network: true
  env: [PIP_INDEX_URL]
  paths: { read: [~/datasets], write: [../cache], hide: [secrets] }
  limits: { processes: 128, outputMb: 4 }
  allow: { lim: ["Bash(npm run build)", "make:*"], "*": [ls] }`);
    const loaded = loadTeam('test-team', { cwd: dir, home: '/home/someone', env: {} });
    expect(loaded.team.sandbox).toEqual({
      network: true,
      env: ['PIP_INDEX_URL'],
      paths: { read: ['/home/someone/datasets'], write: [path.join(dir, 'cache')], hide: [path.join(dir, 'teams', 'secrets')] },
      limits: { processes: 128, outputMb: 4 },
      allow: { lim: ['npm run build', 'make:*'], '*': ['ls'] },
    });
    // Paths that do not exist are skipped by the sandbox, and said so.
    expect(loaded.warnings.filter((w) => w.includes('sandbox.paths'))).toEqual([
      expect.stringMatching(/teams\/test-team\.yaml:\d+: sandbox\.paths\.read names \/home\/someone\/datasets, which does not exist; the sandbox skips it$/),
      expect.stringMatching(/sandbox\.paths\.write names .*\/cache, which does not exist; the sandbox skips it$/),
    ]);
    // A member whose definition does not limit Bash gains nothing from an allow list.
    expect(loaded.warnings.some((w) => w.includes('sandbox.allow'))).toBe(false);
  });

  it('names the line and the fix for an unknown member, a pattern of another tool, a control variable and an unknown field', () => {
    const dir = project(`sandbox:
  env: [TEAM_HOME, HF_HOME]
  netwrok: true
  allow:
    limx: [ls]
    lim: ["Read(*)"]
    fre: [ls]`);
    const errors = validateTeamFile('teams/test-team.yaml', { cwd: dir, home: dir, env: {} }).errors;
    expect(errors).toEqual([expect.stringMatching(/^teams\/test-team\.yaml:\d+: "sandbox": unknown field "netwrok"/)]);
    fs.writeFileSync(path.join(dir, 'teams', 'test-team.yaml'), team(`sandbox:
  env: [TEAM_HOME, HF_HOME]
  allow:
    limx: [ls]
    lim: ["Read(*)"]
    fre: [ls]`));
    const check = validateTeamFile('teams/test-team.yaml', { cwd: dir, home: dir, env: {} });
    expect(check.errors).toEqual([
      "teams/test-team.yaml:10: sandbox.env passes TEAM_HOME to commands, which leads to the run's controls (the board or the model's credentials); commands never get it. Fix: remove TEAM_HOME from sandbox.env",
      'teams/test-team.yaml:12: sandbox.allow names member "limx", which is not in this team (did you mean "lim"?). Fix: use one of lim, fre, or "*" for every member',
      'teams/test-team.yaml:13: sandbox.allow.lim lists "Read(*)", which is not a Bash pattern. Fix: write it like "git:*", "npm run build" or "Bash(git:*)"',
    ]);
    expect(check.warnings).toContain(
      'teams/test-team.yaml:14: sandbox.allow.fre: member "fre" (agent free) has no Bash(...) patterns in its definition, so it may already run any command (or has no Bash); the list changes nothing',
    );
  });

  it('goes into the run config, and the allow list into the member\'s patterns', async () => {
    t = await prepareTestRun({ team: team('sandbox:\n  allow: { lim: [make] }'), agents: AGENTS });
    const { config } = t.run;
    expect(config.sandbox).toEqual({ allow: { lim: ['make'] } });
    const lim = config.members.find((m) => m.name === 'lim');
    const fre = config.members.find((m) => m.name === 'fre');
    if (!lim || !fre) throw new Error('members missing');
    expect(bashPatterns(lim, config, [])).toEqual(['git:*', 'make']);
    expect(bashPatterns(fre, config, [])).toBeNull();
    const allowed = { kind: 'permission', askedBy: 'lim', status: 'answered', answers: [{ question: 'q', picked: ['Allow for the run'], text: null }], payload: { questions: [{ question: 'q', header: 'Permission', multiSelect: false, options: [{ label: 'Allow for the run', value: ALLOW_PATTERN, description: '' }] }], context: { pattern: 'npm:*' } } } as const;
    expect(bashPatterns(lim, config, [allowed as unknown as Question])).toEqual(['git:*', 'make', 'npm:*']);
  });
});

describe('what a command line needs a permission for', () => {
  const writes = { workspace: '/ws', writable: ['/tmp'], home: '/state/home' };

  it.each([
    ['git log --oneline', ['git:*'], null, null],
    ['git log $(curl -s x)', ['git:*'], null, 'curl -s x'],
    ["sh -c 'git status; rm -rf /'", ['git:*'], null, 'rm -rf /'],
    ['eval "$CMD"', ['git:*'], null, 'eval "$CMD"'],
    ['git log > /etc/passwd', ['git:*'], null, null],
    ['git log > /etc/passwd', ['git:*'], writes, '> /etc/passwd'],
    ['echo x > /tmp/x; echo y > ~/y; echo z > out/z', null, writes, null],
    ['cat in.txt > /etc/motd', null, writes, '> /etc/motd'],
    ['unclosed "quote', null, writes, null],
    ['unclosed "quote', ['git:*'], null, 'unclosed "quote'],
  ])('%s (patterns %j, writes checked: %j) -> %s', (line, patterns, limits, refused) => {
    const verdict = permissionVerdict(line, { patterns, writes: limits });
    expect(verdict.allowed ? null : verdict.command).toBe(refused);
  });

  it('checks writes only without the sandbox (whose mounts decide), with the command\'s temporary folder, home and sandbox.paths.write', () => {
    expect(writeLimits({ mode: 'bwrap' }, '/ws')).toBeNull();
    expect(writeLimits({ mode: 'none', stateDir: '/team/runs/3', paths: { write: ['/cache'] } }, '/ws')).toEqual({ workspace: '/ws', writable: [os.tmpdir(), '/cache'], home: '/team/runs/3/home' });
  });
});

describe('--auto-answer', () => {
  it('denies a permission with a note for the agent, and picks the first option of anything else', () => {
    const item = { question: 'Allow?', header: 'Permission', multiSelect: false, options: [{ label: 'Allow once', value: 'allow-once', description: '' }, { label: 'Deny', value: 'deny', description: '' }] };
    expect(autoAnswers({ kind: 'permission', payload: { questions: [item] } })).toEqual([{ question: 'Allow?', picked: ['Deny'], text: expect.stringMatching(/^nobody is at the board/) }]);
    expect(autoAnswers({ kind: 'agent', payload: { questions: [item] } })).toEqual([{ question: 'Allow?', picked: ['Allow once'], text: null }]);
  });
});

describe('a run\'s sandbox settings', () => {
  it('hide the team home (found from the workspace) and a board file outside it; an unsandboxed run is marked for good', async () => {
    t = await prepareTestRun({ team: team('sandbox:\n  paths: { hide: [secrets] }'), agents: AGENTS });
    const home = path.join(t.dir, '.team');
    const settings = await prepareRunSandbox(t.board, t.run, { mode: 'none' });
    expect(settings).toMatchObject({ mode: 'none', teamHome: home, stateDir: path.join(home, 'runs', '1'), paths: { hide: [path.join(t.dir, 'teams', 'secrets')] } });
    expect((await t.board.requireRun(t.runId)).config.unsandboxed).toBe(true);

    const elsewhere = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-home-')));
    dirs.push(elsewhere);
    const bwrap = await prepareRunSandbox({ ...t.board, location: '/boards/main.db' } as typeof t.board, t.run, { teamHome: elsewhere });
    expect(bwrap.mode).toBe('bwrap');
    expect(bwrap.paths?.hide).toEqual([path.join(t.dir, 'teams', 'secrets'), '/boards/main.db', '/boards/main.db-wal', '/boards/main.db-shm', '/boards/main.db-journal']);
    expect(fs.existsSync(path.join(elsewhere, 'runs', '1'))).toBe(true);
  });
});
