/**
 * A team a new user writes from docs/team-file.md alone: their own agent files in three shapes
 * (tools listed, a model alias, nothing but a name), roles that are not ours, no ML and no `sim:`
 * steps. It must run to the end without a failure and say plainly that nothing real was done.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, team, tempDir, write } from '../helpers/runtime.js';

const RESEARCHER = `---
name: researcher
description: Lists what changed in the product since the last newsletter, each change with its source.
tools: Read, Grep, Glob, Bash
---
Collect facts from the changelog. One line per change, with where you found it; no guesses.
`;

const WRITER = `---
name: writer
description: Turns a list of changes into a customer newsletter draft.
tools: Read, Write, Edit
model: haiku
---
Write for customers who do not read code.
`;

const EDITOR = `---
name: editor
description: Checks a draft against its sources and for tone.
---
Check every claim against the research list.
`;

const NEWSLETTER = `name: newsletter
description: Write this month's customer newsletter from what shipped.
members:
  - { name: rita, agent: ../agents/researcher.md }
  - { name: will, agent: ../agents/writer.md }
  - { name: eddie, agent: ../agents/editor.md }
pipeline: [research, draft, review]
tasks:
  - id: collect
    subject: Collect what shipped this month
    description: List every change since the last newsletter in changes.md, one line each with its source.
    stage: research
    role: researcher
  - id: pick-lead
    subject: Ask which change leads the newsletter
    description: Ask the person which change should lead this month's issue, offering the three biggest.
    stage: research
    role: researcher
    blockedBy: [collect]
  - id: draft
    subject: Draft the newsletter
    description: Write draft.md from changes.md, leading with the chosen change.
    stage: draft
    role: writer
  - id: review
    subject: Review the draft
    description: Check draft.md against changes.md; fix it or send it back.
    stage: review
    role: editor
`;

let cwd = '';

beforeAll(async () => {
  await ensureBuilt();
  cwd = tempDir('teamboard-new-user-');
  write(cwd, 'agents/researcher.md', RESEARCHER);
  write(cwd, 'agents/writer.md', WRITER);
  write(cwd, 'agents/editor.md', EDITOR);
  write(cwd, 'teams/newsletter.yaml', NEWSLETTER);
});

afterAll(() => {
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

describe("a new user's own team (built CLI)", () => {
  it('validates, runs to the end in order, and says every task was simulated', async () => {
    expect(await team(cwd, ['teams', 'validate', 'newsletter'])).toMatchObject({ exitCode: 0 });
    const run = await team(cwd, ['start', 'newsletter', '--headless', '--instant', '--auto-answer']);
    expect(run.exitCode, run.stderr).toBe(0);
    // Each completion says on its own line that nothing real was done.
    const completions = run.stdout.split('\n').filter((l) => / completed #\d /.test(l));
    expect(completions).toHaveLength(4);
    for (const line of completions) expect(line).toMatch(/\(simulated: nothing real was done\)$/);
    // Work went in the order of the pipeline and the blockers.
    const order = completions.map((l) => Number(/#(\d+)/.exec(l)?.[1]));
    expect(order).toEqual([1, 2, 3, 4]);

    const list: unknown = JSON.parse((await team(cwd, ['tasks', 'list', '--json'])).stdout);
    expect(list).toMatchObject({ run: 1, tasks: [1, 2, 3, 4].map((id) => ({ id, status: 'completed' })) });
    for (const id of [1, 2, 3, 4]) {
      expect(JSON.parse((await team(cwd, ['tasks', 'get', String(id), '--json'])).stdout)).toMatchObject({ status: 'completed', simulated: true });
    }
    const report = await team(cwd, ['export', '1']);
    expect(report.stdout.split('\n')[2]).toBe('**Dry run: 4 of 4 tasks simulated, no work done.**');
  }, 120_000);
});
