import { describe, expect, it } from 'vitest';
import type { Message, ToolUseBlock } from '../../src/models/model.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { KICKOFF } from '../../src/runtime/prompt.js';
import { breakdownNote, optionsNamed } from '../../src/models/sim-program.js';
import { T0, callsOf, playSim, saidOf, simTurn, type ToolAnswer } from '../helpers/runtime.js';

type Listed = { id: string; subject?: string; status: string; owner?: string; role?: string; blockedBy?: string[]; gate?: string };

/** A conversation where the member listed the board and saw these tasks. */
function afterList(tasks: Listed[]): Message[] {
  return [
    { role: 'user', content: KICKOFF },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'TaskList', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u1', content: JSON.stringify({ tasks: tasks.map(listed) }) }] },
  ];
}

function listed(t: Listed) {
  return { subject: `Task ${t.id}`, blockedBy: [], ...t };
}

/** Plays the board for one task with the given sim steps; records what the model asked for. */
function fakeBoard(steps: unknown[], answers: Record<string, ToolAnswer | ToolAnswer[]> = {}) {
  const task = { id: '1', subject: 'Do the thing', status: 'pending' as string, owner: undefined as string | undefined, metadata: {} as Record<string, unknown> };
  const seen = new Map<string, number>();
  return (call: ToolUseBlock): ToolAnswer => {
    const input = call.input as Record<string, unknown>;
    const n = seen.get(call.name) ?? 0;
    seen.set(call.name, n + 1);
    const scripted = answers[call.name];
    if (scripted !== undefined) {
      const given = Array.isArray(scripted) ? scripted[Math.min(n, scripted.length - 1)] : scripted;
      if (given !== undefined) return given;
    }
    switch (call.name) {
      case 'TaskList':
        return { tasks: [listed({ id: task.id, subject: task.subject, status: task.status, ...(task.owner ? { owner: task.owner } : {}) })] };
      case 'TaskUpdate':
        if (input.status === 'in_progress') {
          task.status = 'in_progress';
          task.owner = 'ds';
        }
        if (input.status === 'completed') task.status = 'completed';
        return { success: true, taskId: '1', updatedFields: Object.keys(input).filter((k) => k !== 'taskId') };
      case 'TaskGet':
        return { task: { ...task, description: 'Do it.', owner: task.owner ?? '', blocks: [], blockedBy: [], sim: { steps } } };
      case 'Bash':
        return { exitCode: 0, stdout: 'ok\n', stderr: '' };
      case 'Read':
        return '     1\tline one';
      case 'Write':
        return { written: input.file_path };
      case 'SendMessage':
        return { sent: [input.to] };
      default:
        return { error: `no fake for ${call.name}` };
    }
  };
}

const shortCalls = (calls: ToolUseBlock[]) => calls.map((c) => [c.name, c.input]);

describe('simulated model: finding work', () => {
  it('starts with TaskList, narrating, with stable tool_use ids', async () => {
    const response = await simTurn([{ role: 'user', content: KICKOFF }]);
    expect(callsOf(response)).toEqual([{ name: 'TaskList', input: {} }]);
    expect(response.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(response.content[1]).toMatchObject({ id: 'toolu_ds_0_0' });
    expect(['Checking the board for work.', 'Looking at the task board.', 'Let me see what is open.']).toContain(saidOf(response));
    expect(response.stopReason).toBe('tool_use');
  });

  it('claims the first task listed that it may take (TaskList lists them in claim order), skipping completed, owned, blocked, gated and other-role tasks', async () => {
    const response = await simTurn(
      afterList([
        { id: '1', status: 'completed' },
        { id: '2', status: 'in_progress', owner: 'mle' },
        { id: '3', status: 'pending', role: 'ml-engineer' },
        { id: '4', status: 'pending', blockedBy: ['1'] },
        { id: '5', status: 'pending', gate: 'evaluate auc >= 0.75, before deploy (pending)' },
        { id: '6', status: 'pending', owner: 'mlops' },
        { id: '10', status: 'pending', role: 'data-scientist', subject: 'Planned before #9' },
        { id: '9', status: 'pending', subject: 'Anyone may do this' },
      ]),
    );
    expect(callsOf(response)).toEqual([{ name: 'TaskUpdate', input: { taskId: '10', status: 'in_progress' } }]);
    expect(saidOf(response)).toBe('Claiming #10 "Planned before #9".');
  });

  it('takes a task of its own role, and a pending task already assigned to it', async () => {
    const ownRole = await simTurn(afterList([{ id: '3', status: 'pending', role: 'ml-engineer' }, { id: '4', status: 'pending', role: 'data-scientist' }]));
    expect(callsOf(ownRole)).toEqual([{ name: 'TaskUpdate', input: { taskId: '4', status: 'in_progress' } }]);
    const assigned = await simTurn(afterList([{ id: '2', status: 'pending', owner: 'ds' }, { id: '4', status: 'pending' }]));
    expect(callsOf(assigned)).toEqual([{ name: 'TaskUpdate', input: { taskId: '2', status: 'in_progress' } }]);
  });

  it('lists the board again when a listing was interrupted, instead of standing by', async () => {
    const response = await simTurn([
      { role: 'user', content: KICKOFF },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'TaskList', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u1', is_error: true, content: JSON.stringify({ error: 'interrupted: this tool call was running when the run stopped' }) }] },
    ]);
    expect(callsOf(response)).toEqual([{ name: 'TaskList', input: {} }]);
  });

  it('picks its own in-progress task up again after a restart', async () => {
    const response = await simTurn(afterList([{ id: '2', status: 'pending' }, { id: '5', status: 'in_progress', owner: 'ds' }]));
    expect(callsOf(response)).toEqual([{ name: 'TaskGet', input: { taskId: '5' } }]);
    expect(saidOf(response)).toBe('Picking up #5 again where I left it.');
  });

  it('reads the task after a successful claim, and lists the board again after a refused one', async () => {
    const claim: Message[] = [
      ...afterList([{ id: '4', status: 'pending' }]),
      { role: 'assistant', content: [{ type: 'tool_use', id: 'u2', name: 'TaskUpdate', input: { taskId: '4', status: 'in_progress' } }] },
    ];
    const ok = await simTurn([...claim, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u2', content: JSON.stringify({ success: true, taskId: '4', updatedFields: ['status', 'owner'] }) }] }]);
    expect(callsOf(ok)).toEqual([{ name: 'TaskGet', input: { taskId: '4' } }]);
    expect(saidOf(ok)).toBe('Reading task #4.');

    const refused = await simTurn([
      ...claim,
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'u2', is_error: true, content: JSON.stringify({ success: false, taskId: '4', updatedFields: [], error: 'task #4 is owned by mle; pick another task from TaskList' }) }],
      },
    ]);
    expect(callsOf(refused)).toEqual([{ name: 'TaskList', input: {} }]);
  });

  it('ends its turn when nothing is claimable, and lists again when woken', async () => {
    const conversation = afterList([
      { id: '1', status: 'completed' },
      { id: '2', status: 'pending', role: 'ml-engineer' },
      { id: '3', status: 'pending', blockedBy: ['2'] },
    ]);
    const idle = await simTurn(conversation);
    expect(idle.content).toEqual([{ type: 'text', text: 'Nothing I can take right now (2 open tasks, none free for a data-scientist). Standing by.' }]);
    expect(idle.stopReason).toBe('end_turn');

    const woken = await simTurn([...conversation, { role: 'assistant', content: idle.content }, { role: 'user', content: 'The board changed: task #3 "Task 3" is ready and you may take it.' }]);
    expect(callsOf(woken)).toEqual([{ name: 'TaskList', input: {} }]);

    const allDone = await simTurn(afterList([{ id: '1', status: 'completed' }]));
    expect(saidOf(allDone)).toBe('Every task is done.');
    expect(callsOf(allDone)).toEqual([]);
  });
});

describe('simulated model: carrying out a task', () => {
  const steps = [
    { say: 'Starting with a decision.' },
    {
      ask: {
        key: 'flavour',
        header: 'Flavour',
        question: 'Which flavour?',
        options: [
          { label: 'Vanilla', value: 'vanilla', description: 'The classic.' },
          { label: 'Chocolate', value: 'choc' },
        ],
      },
    },
    { bash: 'echo {{flavour}}' },
    { write: { path: 'out/{{flavour}}.txt', content: 'flavour={{flavour}}' } },
    { read: 'out/{{flavour}}.txt' },
    { metrics: 'reports/m.json' },
    { record: { flavour: '{{flavour}}', nested: { file: 'out/{{flavour}}.txt' } } },
    { message: { to: 'mle', text: 'Flavour is {{flavour}}.' } },
  ];
  const metricsFile = ['     1\t{', '     2\t  "auc": 0.81,', '     3\t  "rows": 100,', '     4\t  "name": "x",', '     5\t  "passed": true', '     6\t}'].join('\n');

  it('runs the steps in order, substitutes the answer (option value) and completes the task', async () => {
    const { calls, texts, last } = await playSim(
      fakeBoard(steps, { AskUserQuestion: { answers: { 'Which flavour?': 'Vanilla' } }, Read: ['     1\tflavour=vanilla', metricsFile] }),
    );
    expect(shortCalls(calls)).toEqual([
      ['TaskList', {}],
      ['TaskUpdate', { taskId: '1', status: 'in_progress' }],
      ['TaskGet', { taskId: '1' }],
      [
        'AskUserQuestion',
        {
          questions: [
            {
              question: 'Which flavour?',
              header: 'Flavour',
              options: [
                { label: 'Vanilla', description: 'The classic.' },
                { label: 'Chocolate', description: '' },
              ],
              multiSelect: false,
            },
          ],
        },
      ],
      ['Bash', { command: 'echo vanilla', description: 'run echo vanilla' }],
      ['Write', { file_path: 'out/vanilla.txt', content: 'flavour=vanilla' }],
      ['Read', { file_path: 'out/vanilla.txt' }],
      ['Read', { file_path: 'reports/m.json' }],
      ['TaskUpdate', { taskId: '1', metadata: { metrics: { auc: 0.81, rows: 100, passed: 1 } } }],
      ['TaskUpdate', { taskId: '1', metadata: { flavour: 'vanilla', nested: { file: 'out/vanilla.txt' } } }],
      ['SendMessage', { to: 'mle', message: 'Flavour is vanilla.' }],
      ['TaskUpdate', { taskId: '1', status: 'completed', metadata: { answers: { flavour: 'vanilla' }, completed_steps: 8 } }],
      ['TaskList', {}],
    ]);
    // The `say` step is spoken with the call that follows it.
    expect(texts[3]).toBe('Starting with a decision. This is a decision for the person, so I am asking.');
    expect(texts[8]).toBe('Recording auc=0.810, rows=100, passed=1.');
    expect(texts[11]).toBe('Finished #1 "Do the thing"; marking it completed.');
    expect(saidOf(last)).toBe('Every task is done.');
  });

  it('plays only the script TaskGet gives it as task.sim, never one left in the metadata', async () => {
    const board = fakeBoard([]);
    const { calls } = await playSim((call) => {
      if (call.name !== 'TaskGet') return board(call);
      return { task: { id: '1', subject: 'Do the thing', description: 'Do it.', status: 'in_progress', owner: 'ds', blocks: [], blockedBy: [], metadata: { sim: { steps: [{ bash: 'echo leaked' }] } } } };
    });
    expect(calls.map((c) => c.name)).toEqual(['TaskList', 'TaskUpdate', 'TaskGet', 'TaskUpdate', 'TaskList']);
    // No script given: nothing is run, and the task is marked simulated rather than passed off as done.
    expect(calls[3]?.input).toEqual({ taskId: '1', status: 'completed', metadata: { simulated: true } });
  });

  it('marks a task without a script simulated, saying nothing was run, written or asked', async () => {
    const board = fakeBoard([]);
    const { calls, texts } = await playSim((call) => {
      if (call.name !== 'TaskGet') return board(call);
      return { task: { id: '1', subject: 'Choose the tone', description: 'Ask the person (AskUserQuestion) which tone to use.', status: 'in_progress', owner: 'ds', blocks: [], blockedBy: [], metadata: {} } };
    });
    expect(calls[3]?.input).toEqual({ taskId: '1', status: 'completed', metadata: { simulated: true } });
    expect(texts[3]).toBe(
      'Task #1 "Choose the tone" has no script for the simulated model, so I ran nothing, wrote nothing and did not ask the person what it wants decided. Marking it done as simulated: this is a dry run, no work was done.',
    );
    expect(calls.some((c) => c.name === 'AskUserQuestion')).toBe(false);
  });

  it('finds a script out of band by the subject TaskGet shows, the retrain steps for a retrained copy', async () => {
    const script = { steps: [{ bash: 'echo first' }], retrain_steps: [{ bash: 'echo again' }] };
    const asked: unknown[] = [];
    const scripts = (team: string, task: { subject: string; attempt: number }) => {
      asked.push([team, task]);
      return task.subject === 'Do the thing' ? script : null;
    };
    for (const [subject, attempt, command] of [
      ['Do the thing', 1, 'echo first'],
      ['Do the thing (retrain 2)', 2, 'echo again'],
    ] as const) {
      const board = fakeBoard([]);
      const { calls } = await playSim(
        (call) => (call.name === 'TaskGet' ? { task: { id: '1', subject, attempt, description: 'Do it.', status: 'in_progress', owner: 'ds', blocks: [], blockedBy: [], metadata: {} } } : board(call)),
        { sim: { scripts } },
      );
      expect(calls.find((c) => c.name === 'Bash')?.input).toMatchObject({ command });
    }
    // Asked again each turn (the model rebuilds what it does from the conversation): the team, and the subject without "(retrain N)".
    expect([...new Set(asked.map((a) => JSON.stringify(a)))].map((a) => JSON.parse(a))).toEqual([
      ['test-team', { subject: 'Do the thing', attempt: 1 }],
      ['test-team', { subject: 'Do the thing', attempt: 2 }],
    ]);
  });

  const OWN_WORDS_NOTE = 'The person answered in their own words instead of picking an option.';

  it('maps own words that name exactly one option to it, says so, and keeps the words as a note', async () => {
    const small = [steps[1], { bash: 'echo {{flavour}}' }];
    const words = 'chocolate, but the dark kind please';
    const { calls, texts } = await playSim(fakeBoard(small, { AskUserQuestion: { answers: { 'Which flavour?': words }, note: OWN_WORDS_NOTE } }));
    expect(calls.find((c) => c.name === 'Bash')?.input).toEqual({ command: 'echo choc', description: 'run echo choc' });
    expect(texts[4]).toBe(`You answered in your own words ("${words}"); I take that as "Chocolate" and use choc. Running \`echo choc\`.`);
    expect(calls.at(-2)?.input).toEqual({ taskId: '1', status: 'completed', metadata: { answers: { flavour: 'choc' }, answer_notes: { flavour: words }, completed_steps: 2 } });
  });

  it('asks a short follow-up with the same options when own words name no option, or several, and never runs them', async () => {
    const small = [steps[1], { bash: 'echo {{flavour}}' }];
    for (const words of ['Pistachio, please', 'vanilla or chocolate', 'not vanilla']) {
      const { calls, texts } = await playSim(
        fakeBoard(small, { AskUserQuestion: [{ answers: { 'Which flavour?': words }, note: OWN_WORDS_NOTE }, { answers: { [`You said "${words}"; which of these do you mean?`]: 'Vanilla' } }] }),
      );
      const asks = calls.filter((c) => c.name === 'AskUserQuestion').map((c) => (c.input as { questions: { question: string; header: string; options: unknown[] }[] }).questions[0]);
      expect(asks.map((q) => q?.question)).toEqual(['Which flavour?', `You said "${words}"; which of these do you mean?`]);
      expect(asks[1]?.header).toBe('Flavour');
      expect(asks[1]?.options).toEqual(asks[0]?.options);
      expect(texts[4]).toBe(`Your answer "${words}" does not name exactly one of the options, so I am asking which one you mean rather than guessing.`);
      expect(calls.filter((c) => c.name === 'Bash').map((c) => c.input)).toEqual([{ command: 'echo vanilla', description: 'run echo vanilla' }]);
    }
  });

  it('uses the option of a pick that came with a note, and several labels as their values', async () => {
    const small = [steps[1], { bash: 'echo {{flavour}}' }];
    const noted = await playSim(fakeBoard(small, { AskUserQuestion: { answers: { 'Which flavour?': 'Chocolate (note: no nuts)' } } }));
    expect(noted.calls.find((c) => c.name === 'Bash')?.input).toMatchObject({ command: 'echo choc' });
    expect(noted.calls.at(-2)?.input).toMatchObject({ metadata: { answers: { flavour: 'choc' }, answer_notes: { flavour: 'no nuts' } } });

    const several = await playSim(fakeBoard(small, { AskUserQuestion: { answers: { 'Which flavour?': ['Vanilla', 'chocolate'] } } }));
    expect(several.calls.find((c) => c.name === 'Bash')?.input).toMatchObject({ command: 'echo vanilla,choc' });
  });

  it('runs an interrupted step again instead of skipping it', async () => {
    const interrupted = { content: JSON.stringify({ error: 'interrupted: this tool call was running when the run stopped' }), isError: true };
    const { calls, texts } = await playSim(
      fakeBoard([{ bash: 'node train.js' }, { bash: 'node evaluate.js' }], { Bash: [interrupted, { exitCode: 0, stdout: '', stderr: '' }] }),
    );
    expect(calls.filter((c) => c.name === 'Bash').map((c) => (c.input as { command: string }).command)).toEqual(['node train.js', 'node train.js', 'node evaluate.js']);
    expect(texts[4]).toBe('That step was interrupted before it finished; running it again (the scripts are safe to re-run). Running `node train.js`.');
    expect(calls.at(-2)?.input).toEqual({ taskId: '1', status: 'completed', metadata: { completed_steps: 2 } });
  });

  it('retries a failed step once, then records the error and stops without completing', async () => {
    const failed = { exitCode: 1, stdout: '', stderr: 'Error: no data\nhint: run generate first' };
    const { calls, texts, last } = await playSim(fakeBoard([{ bash: 'node train.js' }, { bash: 'node evaluate.js' }], { Bash: failed }));
    expect(shortCalls(calls.slice(3))).toEqual([
      ['Bash', { command: 'node train.js', description: 'run node train.js' }],
      ['Bash', { command: 'node train.js', description: 'run node train.js' }],
      ['TaskUpdate', { taskId: '1', metadata: { error: 'exit code 1: hint: run generate first', needs_help: true } }],
    ]);
    expect(texts[4]).toBe('That failed (exit code 1: hint: run generate first); trying once more. Running `node train.js`.');
    expect(texts[5]).toBe('I could not get past a step of #1: exit code 1: hint: run generate first. Recording the error and asking for help.');
    expect(last.content).toEqual([{ type: 'text', text: 'I could not finish task #1; it needs a person to look at the error recorded on it.' }]);
    expect(calls.some((c) => (c.input as { status?: string }).status === 'completed')).toBe(false);
  });

  it('stuck, it waits while the person has not decided, goes on from the failed step after a retry, and leaves a task taken from it', async () => {
    const failed = { exitCode: 1, stdout: '', stderr: 'config: optimise must be one of auc | recall | precision' };
    const script = [{ bash: 'node setup.js' }, { bash: 'node train.js' }, { bash: 'node evaluate.js' }];
    const stuck = await playSim(fakeBoard(script, { Bash: [{ exitCode: 0, stdout: '', stderr: '' }, failed, failed] }));
    const woken = (note: string): Message[] => [...stuck.messages, { role: 'user', content: note }];
    const taskGet = (metadata: Record<string, unknown>, over: Record<string, unknown> = {}) =>
      JSON.stringify({ task: { id: '1', subject: 'Do the thing', description: 'Do it.', status: 'in_progress', owner: 'ds', blocks: [], blockedBy: [], metadata, sim: { steps: script }, ...over } });
    /** The conversation after the woken member read its task, and the model's next turn. */
    const afterRead = async (content: string) => {
      const read = await simTurn(woken('The board changed.'));
      expect(callsOf(read)).toEqual([{ name: 'TaskGet', input: { taskId: '1' } }]);
      const use = read.content.find((b): b is ToolUseBlock => b.type === 'tool_use');
      return simTurn([...woken('The board changed.'), { role: 'assistant', content: read.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use?.id ?? '', content }] }]);
    };

    const waiting = await afterRead(taskGet({ needs_help: true, error: 'exit code 1' }));
    expect(waiting.content).toEqual([{ type: 'text', text: "Task #1 still waits for the person's decision on the error recorded on it; standing by." }]);

    const retried = await afterRead(taskGet({ retried: 'retry by cli' }));
    expect(callsOf(retried)).toEqual([{ name: 'Bash', input: { command: 'node train.js', description: 'run node train.js' } }]);
    expect(saidOf(retried)).toBe('Running `node train.js`.');

    for (const over of [{ status: 'completed' }, { status: 'pending', owner: '' }, { owner: 'ds2' }]) {
      const gone = await afterRead(taskGet({}, over));
      expect(callsOf(gone)).toEqual([{ name: 'TaskList', input: {} }]);
    }
  });

  it('goes on after one failure followed by a success, and counts error results as failures', async () => {
    const error = { content: JSON.stringify({ error: 'file "x" does not exist; use Glob to find the right path' }), isError: true };
    const { calls } = await playSim(fakeBoard([{ read: 'x' }, { bash: 'true' }], { Read: [error, '     1\tfine'] }));
    expect(calls.slice(3).map((c) => c.name)).toEqual(['Read', 'Read', 'Bash', 'TaskUpdate', 'TaskList']);
  });
});

describe('simulated model: determinism and timing', () => {
  const conversation = afterList([{ id: '4', status: 'pending' }]);

  it('gives the same response for the same seed and conversation', async () => {
    const a = await simTurn(conversation, { seed: 11 });
    const b = await simTurn(conversation, { seed: 11 });
    expect(a).toEqual(b);
    const latencies = await Promise.all([1, 2, 3, 4, 5].map(async (seed) => (await simTurn(conversation, { seed })).latencyMs));
    expect(new Set(latencies).size).toBeGreaterThan(1);
  });

  it('reports its latency without waiting when instant, waits on the clock otherwise, scaled by speed', async () => {
    const clock = createVirtualClock(T0);
    const instant = await simTurn(conversation, { seed: 3, sim: { clock, instant: true } });
    expect(instant.latencyMs).toBeGreaterThanOrEqual(300);
    expect(instant.latencyMs).toBeLessThanOrEqual(800);
    expect(clock.now()).toBe(T0);

    const waited = await simTurn(conversation, { seed: 3, sim: { clock, instant: false } });
    expect(waited.latencyMs).toBe(instant.latencyMs);
    expect(clock.now()).toBe(T0 + (instant.latencyMs ?? 0));

    const fast = await simTurn(conversation, { seed: 3, sim: { clock: createVirtualClock(T0), instant: true, speed: 2 } });
    expect(fast.latencyMs).toBe(Math.round((instant.latencyMs ?? 0) / 2));
  });

  it('counts usage from the request and its reply', async () => {
    const response = await simTurn(conversation);
    expect(response.usage.input_tokens).toBeGreaterThan(JSON.stringify(conversation).length / 4);
    expect(response.usage.output_tokens).toBe(Math.ceil(JSON.stringify(response.content).length / 4));
    expect(response.costUsd).toBe(0);
  });

  it('with a failure rate, sends a malformed call first and ignores its result afterwards', async () => {
    const noisy = await simTurn(conversation, { sim: { failureRate: 1 } });
    expect(noisy.content.filter((b) => b.type === 'tool_use').map((b) => [b.id, b.name, b.input])).toEqual([
      ['toolu_ds_1_noise', 'TaskGet', { taskId: 'not-a-task' }],
      ['toolu_ds_1_0', 'TaskUpdate', { taskId: '4', status: 'in_progress' }],
    ]);
    const { calls } = await playSim(fakeBoard([{ bash: 'true' }]), { sim: { failureRate: 0.5 }, seed: 5 });
    expect(calls.filter((c) => !c.id.endsWith('_noise')).map((c) => c.name)).toEqual(['TaskList', 'TaskUpdate', 'TaskGet', 'Bash', 'TaskUpdate', 'TaskList']);
  });
});

describe('simulated model: what it makes of what it read', () => {
  const options = [
    { label: 'AUC', value: 'auc' },
    { label: 'Recall', value: 'recall' },
    { label: 'Precision', value: 'precision' },
  ];
  const rollout = [
    { label: 'Canary 10%', value: 'canary-10' },
    { label: 'Shadow', value: 'shadow' },
    { label: 'Full', value: 'full' },
  ];
  const labels = (found: Record<string, unknown>[]) => found.map((o) => o.label);

  it('finds the options named in own words: whole labels or values, else a word only one option has; negations name none', () => {
    expect(labels(optionsNamed('recall, but keep it calibrated for the retention team', options))).toEqual(['Recall']);
    expect(labels(optionsNamed('AUC please', options))).toEqual(['AUC']);
    expect(labels(optionsNamed('recall or precision, you choose', options))).toEqual(['Recall', 'Precision']);
    expect(labels(optionsNamed('canary, and watch the latency', rollout))).toEqual(['Canary 10%']);
    expect(labels(optionsNamed('canary-10', rollout))).toEqual(['Canary 10%']);
    expect(labels(optionsNamed('whatever is safest', rollout))).toEqual([]);
    expect(labels(optionsNamed('not recall', options))).toEqual([]);
    expect(labels(optionsNamed("don't ship it in full", rollout))).toEqual([]);
  });

  it('makes its note from the breakdowns in the file it read, largest first', () => {
    const profile = {
      rows: 1500,
      churn_rate: 0.2,
      far_outliers: 40,
      missing_rate: { customer_id: 0, region: 0.011, monthly_charge: 0.019, last_login_days: 0.029 },
      numeric: { monthly_charge: { mean: 45, far_outliers: 30 }, minutes_m1: { mean: 240, far_outliers: 10 }, tenure: { mean: 19, far_outliers: 0 } },
    };
    expect(breakdownNote('reports/profile.json', profile)).toBe(
      'From reports/profile.json: missing_rate above zero in last_login_days (0.029), monthly_charge (0.019), region (0.011); far_outliers in monthly_charge (30), minutes_m1 (10).',
    );
    expect(breakdownNote('data/raw/meta.json', { rows: 1500, churn_rate: 0.2 })).toBeNull();
  });

  it('records that note with the metrics of a metrics step', async () => {
    const file = JSON.stringify({ rows: 10, missing_rate: { region: 0.5, plan: 0 } }, null, 2)
      .split('\n')
      .map((line, i) => `${String(i + 1).padStart(6)}\t${line}`)
      .join('\n');
    const { calls, texts } = await playSim(fakeBoard([{ metrics: 'reports/profile.json' }], { Read: file }));
    const note = 'From reports/profile.json: missing_rate above zero in region (0.500).';
    expect(calls[4]?.input).toEqual({ taskId: '1', metadata: { metrics: { rows: 10 }, note } });
    expect(texts[4]).toBe(`Recording rows=10. ${note}`);
  });
});
