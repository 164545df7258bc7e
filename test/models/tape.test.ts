import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ModelError, zeroUsage, type Message, type Model, type ModelResponse, type ToolUseBlock } from '../../src/models/model.js';
import { wrapWithRecorder } from '../../src/models/recording.js';
import { createReplayModel } from '../../src/models/replay.js';
import { createTape, loadTape, questionKey, TapeError, type Tape } from '../../src/models/tape.js';
import { request } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tape-'));
  file = path.join(dir, 'run.tape.jsonl');
});

const reply = (content: ModelResponse['content'], extra: Partial<ModelResponse> = {}): ModelResponse => ({
  content,
  stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
  usage: { ...zeroUsage(), input_tokens: 100 + content.length, output_tokens: 7 },
  model: 'claude-sonnet-5-5',
  costUsd: 0.0012,
  ...extra,
});

/** A scripted model: each member's turn n gets script[member][n]. */
function scripted(script: Record<string, ModelResponse[]>): Model {
  const turns = new Map<string, number>();
  return {
    backend: 'anthropic',
    async send(req) {
      const n = turns.get(req.member) ?? 0;
      turns.set(req.member, n + 1);
      const response = script[req.member]?.[n];
      if (!response) throw new Error(`script has no turn ${n} for ${req.member}`);
      return structuredClone(response);
    },
  };
}

const SCRIPT: Record<string, ModelResponse[]> = {
  mle: [
    reply([{ type: 'text', text: 'Checking the board.' }, { type: 'tool_use', id: 'toolu_m0', name: 'TaskList', input: {} }]),
    reply([{ type: 'tool_use', id: 'toolu_m1', name: 'TaskUpdate', input: { taskId: '2', status: 'in_progress' } }]),
    reply([{ type: 'text', text: 'Claimed #2.' }], { latencyMs: 640 }),
  ],
  ds: [
    reply([{ type: 'tool_use', id: 'toolu_d0', name: 'TaskList', input: {} }]),
    reply([{ type: 'text', text: 'Nothing for me.' }]),
  ],
};

/** Drive one member to the end of its turn; tool outputs carry timings that must not matter. */
async function drive(model: Model, member: string, stamp: string): Promise<ModelResponse[]> {
  const messages: Message[] = [{ role: 'user', content: `Start. (woken at ${stamp})` }];
  const responses: ModelResponse[] = [];
  for (;;) {
    const response = await model.send(request(member, structuredClone(messages)));
    responses.push(response);
    messages.push({ role: 'assistant', content: response.content });
    const calls = response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (calls.length === 0) return responses;
    messages.push({ role: 'user', content: calls.map((call) => ({ type: 'tool_result', tool_use_id: call.id, content: `{"ok":true,"tookMs":${stamp}}` })) });
  }
}

const CHURN_ANSWERS = [
  { question: 'How is churn defined?', picked: [], text: '30 days' },
  { question: 'Which metric?', picked: ['AUC', 'Recall'], text: null },
];

async function record(): Promise<{ tape: Tape; recorded: Record<string, ModelResponse[]> }> {
  const tape = createTape({ team: 'churn-project', seed: 7, backend: 'anthropic', created: '2026-05-01T10:00:00.000Z' }, { file });
  const model = wrapWithRecorder(scripted(SCRIPT), tape);
  const [mle, ds] = await Promise.all([drive(model, 'mle', '12'), drive(model, 'ds', '15')]);
  tape.recordAnswer(questionKey('mle', { questions: [{ header: 'Churn def' }, { header: 'Metric' }] }), CHURN_ANSWERS);
  tape.recordAnswer('mle:Rollout', [{ question: 'How do we roll out?', picked: ['Canary 10%'], text: null }]);
  tape.recordAnswer('mle:Rollout', [{ question: 'How do we roll out?', picked: ['Full'], text: 'after the review' }]);
  return { tape, recorded: { mle, ds } };
}

function lines(): string[] {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n');
}

describe('tape record and replay', () => {
  it('writes a header and one line per response and answer as they happen', async () => {
    const { tape } = await record();
    const all = lines();
    expect(JSON.parse(all[0] ?? '')).toEqual({ type: 'header', version: 1, team: 'churn-project', seed: 7, created: '2026-05-01T10:00:00.000Z', backend: 'anthropic' });
    expect(all).toHaveLength(1 + 5 + 3);
    expect(tape.responses('mle').map((e) => e.turn)).toEqual([0, 1, 2]);
    expect(tape.responses('mle')[2]?.fingerprint).toEqual({
      tools: ['TaskList', 'TaskUpdate', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'],
      messages: [
        'user: text',
        'assistant: text, tool_use toolu_m0 (TaskList)',
        'user: tool_result for toolu_m0 (TaskList)',
        'assistant: tool_use toolu_m1 (TaskUpdate)',
        'user: tool_result for toolu_m1 (TaskUpdate)',
      ],
    });
  });

  it('replays the recorded responses identically, whatever order the members run in and whatever the timings', async () => {
    const { recorded } = await record();
    const replay = createReplayModel(loadTape(file));
    expect(replay.backend).toBe('replay');
    const ds = await drive(replay, 'ds', '999');
    const mle = await drive(replay, 'mle', '1');
    expect({ mle, ds }).toEqual(recorded);
    expect(mle[2]?.latencyMs).toBe(640);
  });

  it('streams the text of replayed responses', async () => {
    await record();
    const replay = createReplayModel(loadTape(file));
    const texts: string[] = [];
    await replay.send(request('mle', [{ role: 'user', content: 'Start.' }]), (event) => {
      if (event.type === 'text_delta') texts.push(event.text);
    });
    expect(texts).toEqual(['Checking the board.']);
  });

  it('gives back human answers per question key, in order', async () => {
    await record();
    const tape = loadTape(file);
    expect(tape.nextAnswer('mle:Churn def|Metric')).toEqual(CHURN_ANSWERS);
    expect(tape.nextAnswer('mle:Churn def|Metric')).toBeUndefined();
    expect(tape.nextAnswer('mle:Rollout')).toEqual([{ question: 'How do we roll out?', picked: ['Canary 10%'], text: null }]);
    expect(tape.nextAnswer('mle:Rollout')).toEqual([{ question: 'How do we roll out?', picked: ['Full'], text: 'after the review' }]);
    expect(tape.nextAnswer('ds:Rollout')).toBeUndefined();
  });

  it('reads answers recorded before they had parts (question -> label, labels or own words)', () => {
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ type: 'header', version: 1, team: 'churn-project', seed: 7, created: '2026-05-01T10:00:00.000Z' }),
        JSON.stringify({ type: 'answer', key: 'mle:Churn def|Metric', answers: { 'How is churn defined?': '30 days', 'Which metric?': ['AUC', 'Recall'] }, atSeq: 40, by: 'human' }),
      ].join('\n'),
    );
    expect(loadTape(file).nextAnswerEntry('mle:Churn def|Metric')).toEqual({
      type: 'answer',
      key: 'mle:Churn def|Metric',
      answers: [
        { question: 'How is churn defined?', picked: ['30 days'], text: null },
        { question: 'Which metric?', picked: ['AUC', 'Recall'], text: null },
      ],
      atSeq: 40,
      by: 'human',
    });
  });

  it('fails loudly when an edited tape makes the run diverge (tool name changed)', async () => {
    await record();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"name":"TaskList","input":{}}],"stopReason":"tool_use"', '"name":"TaskGet","input":{}}],"stopReason":"tool_use"'));
    const replay = createReplayModel(loadTape(file));
    const error = await drive(replay, 'mle', '1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).retryable).toBe(false);
    expect((error as ModelError).message).toBe(
      'run diverged from tape at mle turn 1: expected tool_use toolu_m0 (TaskList), got tool_use toolu_m0 (TaskGet) in message 2',
    );
  });

  it('names the tool result that differs', async () => {
    await record();
    const replay = createReplayModel(loadTape(file));
    await replay.send(request('mle', [{ role: 'user', content: 'Start.' }]));
    const wrong: Message[] = [
      { role: 'user', content: 'Start.' },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking the board.' }, { type: 'tool_use', id: 'toolu_m0', name: 'TaskList', input: {} }] },
      { role: 'user', content: [{ type: 'text', text: 'a message arrived' }] },
    ];
    await expect(replay.send(request('mle', wrong))).rejects.toThrow(
      'run diverged from tape at mle turn 1: expected tool_result for toolu_m0 (TaskList), got text in message 3',
    );
  });

  it('fails loudly when the tape has no more turns for a member', async () => {
    await record();
    const replay = createReplayModel(loadTape(file));
    await drive(replay, 'ds', '1');
    await expect(replay.send(request('ds', [{ role: 'user', content: 'Wake up.' }]))).rejects.toThrow(
      'run diverged from tape at ds turn 2: the tape has no more responses for ds (it recorded 2 turns (0-1))',
    );
    await expect(replay.send(request('devops', [{ role: 'user', content: 'Start.' }]))).rejects.toThrow(
      'run diverged from tape at devops turn 0: the tape has no more responses for devops (it has no turns for devops)',
    );
  });
});

describe('loadTape', () => {
  it('names the corrupt line', async () => {
    await record();
    const all = lines();
    all[2] = `${all[2]?.slice(0, 40)}`;
    fs.writeFileSync(file, `${all.join('\n')}\n`);
    expect(() => loadTape(file)).toThrow(TapeError);
    expect(() => loadTape(file)).toThrow(/^tape .*run\.tape\.jsonl:3: bad JSON line 3 \(.+\): the file is corrupt or was edited; record it again with --record$/);
  });

  it('rejects another format version', async () => {
    await record();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"version":1', '"version":2'));
    expect(() => loadTape(file)).toThrow(`tape ${file}:1: tape format version 2, but this teamboard reads version 1: record it again with --record`);
  });

  it('rejects entries that are not tape entries, missing turns and files that are not tapes', async () => {
    await record();
    const all = lines();
    fs.writeFileSync(file, `${all.filter((_, i) => i !== 1).join('\n')}\n`);
    expect(() => loadTape(file)).toThrow(/:\d+: mle turn 1 where turn 0 was expected: entries are missing or out of order$/);
    fs.writeFileSync(file, `${all[0]}\n{"type":"response","member":"mle","turn":0}\n`);
    expect(() => loadTape(file)).toThrow(`tape ${file}:2: not a valid tape entry (fingerprint: Invalid input: expected object, received undefined)`);
    fs.writeFileSync(file, '{"hello":"world"}\n');
    expect(() => loadTape(file)).toThrow(/^tape .*:1: the first line is not a tape header/);
    fs.writeFileSync(file, '');
    expect(() => loadTape(file)).toThrow(`tape ${file} is empty: expected a header line; record it again with --record`);
    expect(() => loadTape(path.join(dir, 'nope.jsonl'))).toThrow(`tape ${path.join(dir, 'nope.jsonl')} does not exist: record one with team start --record ${path.join(dir, 'nope.jsonl')}`);
  });
});
