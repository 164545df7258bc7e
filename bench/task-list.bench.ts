/**
 * What one TaskList result costs a model as the board grows: the whole-board listing the tool used
 * to return (the baseline, built in this run from the board's own listing exactly as the old tool
 * did) against the view sized for the reader, counted in tokens by the fake Messages API's
 * count_tokens, and the CPU of a call.
 *
 *   npm run bench -- task-list
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { coordinator, memberActor } from '../src/board/actor.js';
import type { Board } from '../src/board/board.js';
import { openBoard } from '../src/board/open.js';
import { loadTeam } from '../src/definitions/team-loader.js';
import { startFakeMessagesApi, type FakeMessagesApi } from '../src/models/fake/messages-api.js';
import { prepareRun } from '../src/runtime/prepare.js';
import { runTool } from '../src/tools/run-tool.js';
import { taskListTool } from '../src/tools/task-list.js';
import { realClock } from '../src/shared/clock.js';
import { createScheduleRun, planTeam } from './schedule-team.js';
import { markdownTable, median, type BenchSection } from './section.js';

/** The TaskList result before it was sized for the reader: every task of the board. */
export async function wholeBoardListing(board: Board, runId: number): Promise<string> {
  const tasks = (await board.listTasks(runId)).map((t) => ({
    id: String(t.id),
    subject: t.subject,
    status: t.status,
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.role ? { role: t.role } : {}),
    ...(t.stage ? { stage: t.stage } : {}),
    blockedBy: t.blockedBy.map(String),
    ...(t.gate ? { gate: t.gate } : {}),
  }));
  return JSON.stringify({ tasks });
}

interface Member {
  name: string;
  role: string;
}

async function sizedListing(board: Board, runId: number, member: Member, workspace: string, input: Record<string, unknown> = {}): Promise<string> {
  const result = await runTool(taskListTool, input, { board, runId, member: member.name, role: member.role, workspace, clock: realClock });
  if (result.isError) throw new Error(`TaskList failed in the bench: ${result.content}`);
  return result.content;
}

/** Tokens of one tool result, as the API counts them: the conversation with it, less the same conversation with an empty one. */
async function resultTokens(api: FakeMessagesApi, content: string): Promise<number> {
  const count = async (text: string): Promise<number> => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1,
      messages: [
        { role: 'user', content: 'Check the board.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'TaskList', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: text }] },
      ],
    };
    const parsed = await postJson(`${api.url}/v1/messages/count_tokens`, body);
    if (typeof parsed !== 'object' || parsed === null || !('input_tokens' in parsed) || typeof parsed.input_tokens !== 'number') {
      throw new Error(`count_tokens answered without input_tokens: ${JSON.stringify(parsed).slice(0, 200)}`);
    }
    return parsed.input_tokens;
  };
  return (await count(content)) - (await count(''));
}

/** A POST on a fresh connection: a kept-alive one may have been closed by the server while the bench was busy. */
function postJson(url: string, body: unknown): Promise<unknown> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}: ${raw.slice(0, 200)}`));
          else resolve(JSON.parse(raw));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

/** CPU per call (median of rounds), with one claim on the board between calls so each look has news to read. */
async function cpuPerCall(board: Board, runId: number, claimers: Member[], call: () => Promise<string>): Promise<number> {
  await call();
  const pending = (await board.listTasks(runId, { status: 'pending' })).filter((t) => t.blockedBy.length === 0 && !t.gate);
  const samples: number[] = [];
  for (let round = 0; round < 15; round++) {
    const task = pending[round];
    const claimer = claimers.find((m) => task && (task.role === null || task.role === m.role));
    if (task && claimer) await board.updateTask(runId, task.id, { status: 'in_progress' }, memberActor(claimer.name, claimer.role));
    const before = process.cpuUsage();
    await call();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

interface Row {
  board: string;
  moment: string;
  beforeTokens: number;
  afterTokens: number;
  pageTokens: number;
  beforeMs: number;
  afterMs: number;
}

async function measure(api: FakeMessagesApi, label: string, moment: string, board: Board, runId: number, member: Member, members: Member[], workspace: string): Promise<Row> {
  const before = await wholeBoardListing(board, runId);
  const after = await sizedListing(board, runId, member, workspace);
  const page = await sizedListing(board, runId, member, workspace, { status: 'pending' });
  const beforeMs = await cpuPerCall(board, runId, members, () => wholeBoardListing(board, runId));
  const afterMs = await cpuPerCall(board, runId, members, () => sizedListing(board, runId, member, workspace));
  return {
    board: label,
    moment,
    beforeTokens: await resultTokens(api, before),
    afterTokens: await resultTokens(api, after),
    pageTokens: await resultTokens(api, page),
    beforeMs,
    afterMs,
  };
}

/** Complete the first half of the tasks (in id order), as if the team were halfway through. */
async function halfway(board: Board, runId: number): Promise<void> {
  const tasks = await board.listTaskRows(runId);
  const half = tasks.slice(0, Math.floor(tasks.length / 2));
  await board.transaction(async (tx) => {
    for (const t of half) if (t.status !== 'completed') await tx.updateTask(runId, t.id, { status: 'completed' }, coordinator);
  });
}

export async function taskListBench(): Promise<Row[]> {
  const api = await startFakeMessagesApi({ responder: [] });
  const rows: Row[] = [];
  try {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'task-list-bench-')));
    try {
      const env = { ...process.env, TEAM_HOME: dir };
      const loaded = loadTeam('churn-project', { cwd: dir, home: os.homedir(), env });
      const board = await openBoard(path.join(dir, 'churn.db'));
      try {
        const run = await prepareRun({ board, loaded, backend: 'sim', seed: 42, workspace: path.join(dir, 'workspace'), env, cwd: dir });
        const members = run.config.members.map((m) => ({ name: m.name, role: m.role }));
        const ds = members[0] as Member;
        rows.push(await measure(api, 'churn-project, 12 tasks', 'start', board, run.id, ds, members, run.workspace));
      } finally {
        await board.close();
      }
      for (const [count, tasks] of [
        [10, 200],
        [50, 2000],
      ] as const) {
        const team = planTeam({ members: count, tasks, seed: 7 });
        const sub = path.join(dir, `schedule-${tasks}`);
        fs.mkdirSync(sub);
        const board = await openBoard(path.join(sub, 'board.db'));
        try {
          const runId = await createScheduleRun(board, team, sub);
          const member = team.members[0] as Member;
          const label = `scheduling team, ${tasks.toLocaleString('en-US')} tasks`;
          rows.push(await measure(api, label, 'start', board, runId, member, team.members, sub));
          await halfway(board, runId);
          rows.push(await measure(api, label, 'half done', board, runId, member, team.members, sub));
        } finally {
          await board.close();
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await api.close();
  }
  return rows;
}

const k = (n: number) => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<BenchSection> {
  const rows = await taskListBench();
  const table = markdownTable(
    ['board', 'moment', 'whole board (before): tokens', 'sized view (after): tokens', 'after / before', 'one page of `status: "pending"`: tokens', 'CPU per call before', 'CPU per call after'],
    rows.map((r) => [
      r.board,
      r.moment,
      k(r.beforeTokens),
      k(r.afterTokens),
      `${(r.afterTokens / r.beforeTokens).toFixed(3)}x`,
      k(r.pageTokens),
      `${r.beforeMs.toFixed(2)} ms`,
      `${r.afterMs.toFixed(2)} ms`,
    ]),
  );
  const body = `Tokens of one \`TaskList\` result (the tool_result block alone) as the first member of the team sees it, counted by the
fake Messages API's \`/v1/messages/count_tokens\` (the same count its usage reports). **Before** is the whole-board listing
the tool returned until now, rebuilt in this run from the board's own listing field for field; **after** is the default
view: the member's unfinished tasks, up to 20 tasks it may claim now (lowest id first) and counts by status and stage.
A filtered listing goes a page (20 tasks) at a time. "Half done" has the first half of the tasks (by id) completed.
CPU is \`process.cpuUsage()\` per call, the median of 15 calls with one claim on the board before each (the sized view
reads only the events since its last look; the whole-board listing reads every task and dependency each time).

${table}`;
  return { title: 'TaskList size', body };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const section = await run();
  console.log(section.body);
}
