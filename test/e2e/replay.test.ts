/**
 * Record and replay through the built CLI: a run answered by a person from a second process is
 * recorded to a tape, then replayed in a fresh folder without a model or a person. An edited
 * tape and a corrupt one fail loudly, naming where.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/board/events.js';
import type { Answers } from '../../src/board/types.js';
import type { ResponseEntry, TapeEntry } from '../../src/models/tape.js';
import { ensureBuilt, eventTuple, questionsAsked, spawnTeam, team, tempDir } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

interface Decision {
  id: string;
  answers: Answers;
  answeredBy: string;
}

interface Recorded {
  dir: string;
  tape: string;
  events: BoardEvent[];
  decisions: Decision[];
  /** Model calls of the recorded run (`team status --json` totals). */
  calls: number;
}

const dirs: string[] = [];
let recorded: Recorded;

function fresh(prefix: string): string {
  const dir = smallChurnProject(tempDir(prefix));
  dirs.push(dir);
  return dir;
}

/** NDJSON from `--json`: the events, then the summary. */
function parseJsonRun(stdout: string): { events: BoardEvent[]; summary: Record<string, unknown> } {
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const summary = lines.at(-1) ?? {};
  expect(summary.type).toBe('summary');
  return { events: lines.slice(0, -1) as unknown as BoardEvent[], summary };
}

async function decisionsOf(dir: string): Promise<Decision[]> {
  const report = await team(dir, ['export', '1', '--format', 'json']);
  expect(report.exitCode).toBe(0);
  return (JSON.parse(report.stdout) as { decisions: Decision[] }).decisions;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const manifestOf = (dir: string) => readJson(path.join(dir, '.team', 'runs', '1', 'workspace', 'deploy', 'manifest.json'));
const tapeLines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');

const tuple = (event: BoardEvent): string => JSON.stringify(eventTuple(event));

beforeAll(async () => {
  await ensureBuilt();
  const dir = fresh('teamboard-record-');
  const run = spawnTeam(dir, ['start', 'churn-project', '--headless', '--instant', '--record', 'tape.jsonl', '--json']);
  // Not the recommended options for the churn definition and the rollout, so the tape holds a person's choices.
  const choose = (header: string) => (header === 'Churn def' ? 'Inactive 30 days' : header === 'Rollout' ? '3' : '1');
  const given: string[] = [];
  // The run's own NDJSON says when it asks and what: answer each question as it comes.
  for await (const next of questionsAsked(run)) given.push((await team(dir, ['answer', '1', next.id, choose(next.header)])).stdout);
  const result = await run;
  expect(result.exitCode).toBe(0);
  expect(given).toEqual(['Answered q1: Inactive 30 days', 'Answered q2: Full features', 'Answered q3: AUC', 'Answered q4: Approve', 'Answered q5: Full']);
  const { events, summary } = parseJsonRun(String(result.stdout));
  expect(summary).toMatchObject({ status: 'completed', backend: 'sim', tasks: { total: 12, completed: 12 }, questions: 5 });
  const status = await team(dir, ['status', '1', '--json']);
  const calls = (JSON.parse(status.stdout) as { totals: { calls: number } }).totals.calls;
  recorded = { dir, tape: path.join(dir, 'tape.jsonl'), events, decisions: await decisionsOf(dir), calls };
}, 120_000);

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('team start --record, then --backend replay (built CLI)', () => {
  it('records every response and the person’s answers on the tape', () => {
    const entries = tapeLines(recorded.tape).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({ type: 'header', version: 1, team: 'churn-project', seed: 42, backend: 'sim' });
    const answers = entries.filter((e) => e.type === 'answer');
    expect(answers.map((a) => [a.key, (a.answers as Answers).map((part) => part.picked)])).toEqual([
      ['ds:Churn def', [['Inactive 30 days']]],
      ['ds:Features', [['Full features']]],
      ['mle:Optimise', [['AUC']]],
      ['coordinator:Approve', [['Approve']]],
      ['devops:Rollout', [['Full']]],
    ]);
    const responses = entries.filter((e) => e.type === 'response');
    expect(new Set(responses.map((r) => r.member))).toEqual(new Set(['ds', 'mle', 'mlops', 'devops']));
    // One response per model call of the run, and each member's turns numbered from 0.
    expect(responses).toHaveLength(recorded.calls);
    for (const member of ['ds', 'mle', 'mlops', 'devops']) {
      const turns = responses.filter((r) => r.member === member).map((r) => r.turn);
      expect(turns).toEqual(turns.map((_, i) => i));
    }
  });

  it('replays in a fresh folder with no person: it completes with the same events and the same answers', async () => {
    const dir = fresh('teamboard-replay-');
    fs.copyFileSync(recorded.tape, path.join(dir, 'tape.jsonl'));
    const result = await team(dir, ['start', 'churn-project', '--backend', 'replay', '--tape', 'tape.jsonl', '--headless', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const { events, summary } = parseJsonRun(result.stdout);
    expect(summary).toMatchObject({ status: 'completed', reason: '12 tasks completed', backend: 'replay', tasks: { total: 12, completed: 12 }, questions: 5, costUsd: 0 });

    // The same events in the same order: the tape gives each person's answer back at the point of the
    // run where it was given, stamped as the person's.
    expect(events.map(tuple)).toEqual(recorded.events.map(tuple));
    expect(recorded.events.filter((e) => e.type === 'question.answered').map((e) => [e.actor, e.payload.answeredBy])).toEqual(Array(5).fill(['human', 'cli']));
    expect(events.filter((e) => e.type === 'question.answered').map((e) => [e.actor, e.payload.answeredBy])).toEqual(Array(5).fill(['human', 'cli']));

    const decisions = await decisionsOf(dir);
    expect(decisions.map((d) => [d.id, d.answers, d.answeredBy])).toEqual(recorded.decisions.map((d) => [d.id, d.answers, d.answeredBy]));
    // The answers reached the scripts, as in the recorded run.
    expect(manifestOf(dir)).toMatchObject({ churn_definition: 'inactive30', strategy: 'full' });
    expect(manifestOf(recorded.dir)).toMatchObject({ churn_definition: 'inactive30', strategy: 'full' });
  });

  it('an edited tape (a tool name changed) fails the replay with one line naming the member and the turn', async () => {
    const dir = fresh('teamboard-replay-edited-');
    const lines = tapeLines(recorded.tape);
    const at = lines.findIndex((line) => {
      const entry = JSON.parse(line) as TapeEntry;
      return entry.type === 'response' && entry.member === 'mle' && entry.response.content.some((b) => b.type === 'tool_use' && b.name === 'Bash');
    });
    expect(at).toBeGreaterThan(0);
    const entry = JSON.parse(lines[at] as string) as ResponseEntry;
    const use = entry.response.content.find((b) => b.type === 'tool_use' && b.name === 'Bash');
    if (use?.type !== 'tool_use') throw new Error('no Bash call to edit');
    use.name = 'Read';
    lines[at] = JSON.stringify(entry);
    fs.writeFileSync(path.join(dir, 'tape.jsonl'), `${lines.join('\n')}\n`);

    const result = await team(dir, ['start', 'churn-project', '--backend', 'replay', '--tape', 'tape.jsonl', '--headless']);
    expect(result.exitCode).toBe(1);
    // The edited response is replayed as it stands; the next request of that member no longer matches the tape.
    const divergence = new RegExp(`^run diverged from tape at mle turn ${entry.turn + 1}: expected tool_use ${use.id} \\(Bash\\), got tool_use ${use.id} \\(Read\\) in message \\d+$`);
    const out = result.stdout.split('\n');
    const stopped = out.filter((line) => line.startsWith('mle stopped: '));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.slice('mle stopped: '.length)).toMatch(divergence);
    const summary = out.find((line) => line.startsWith('Run 1 (churn-project) '));
    expect(summary?.replace('Run 1 (churn-project) failed: ', '')).toMatch(divergence);

    const status = await team(dir, ['status', '1', '--json']);
    const parsed = JSON.parse(status.stdout) as { run: { status: string; reason: string }; members: { name: string; status: string }[] };
    expect(parsed.run.status).toBe('failed');
    expect(parsed.run.reason).toMatch(divergence);
    expect(parsed.members.find((m) => m.name === 'mle')?.status).toBe('stopped');
  });

  it('a corrupt tape line is refused before any run starts, naming the line', async () => {
    const dir = fresh('teamboard-replay-corrupt-');
    const lines = tapeLines(recorded.tape);
    lines[4] = (lines[4] as string).slice(0, 40);
    fs.writeFileSync(path.join(dir, 'tape.jsonl'), `${lines.join('\n')}\n`);
    const result = await team(dir, ['start', 'churn-project', '--backend', 'replay', '--tape', 'tape.jsonl', '--headless']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^team: tape \/.*\/tape\.jsonl:5: bad JSON line 5 \(.+\): the file is corrupt or was edited; record it again with --record$/);
    // Nothing was created by the refused start.
    expect(fs.existsSync(path.join(dir, '.team'))).toBe(false);

    // A line that is JSON but not a tape entry, and a turn out of order, are named the same way.
    const shape = tapeLines(recorded.tape);
    shape[2] = JSON.stringify({ type: 'response', member: 'ds' });
    fs.writeFileSync(path.join(dir, 'tape.jsonl'), `${shape.join('\n')}\n`);
    const bad = await team(dir, ['start', 'churn-project', '--backend', 'replay', '--tape', 'tape.jsonl', '--headless']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^team: tape \/.*\/tape\.jsonl:3: not a valid tape entry \(turn: .+\)$/);
  });
});
