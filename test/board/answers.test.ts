import { describe, expect, it } from 'vitest';
import { answersForTool, describeAnswers, parseQuestionId, pickedValue, recommendedAnswers, resolveAnswers } from '../../src/board/answers.js';
import type { Question, QuestionPayload } from '../../src/board/types.js';
import { caught } from '../helpers/board.js';

const payload: QuestionPayload = {
  questions: [
    {
      question: 'Which rollout strategy?',
      header: 'Rollout',
      options: [
        { label: 'Canary 10%', description: 'Send a tenth of traffic first', value: 'canary-10' },
        { label: 'Blue/green', description: 'Switch all at once with a fallback' },
        { label: 'Full', description: 'Everything at once' },
      ],
      multiSelect: false,
    },
    {
      question: 'Which metrics to watch?',
      header: 'Metrics',
      options: [
        { label: 'AUC', description: 'Ranking quality' },
        { label: 'Recall', description: 'Churners caught' },
        { label: 'Latency', description: 'p95 of the endpoint' },
      ],
      multiSelect: true,
    },
  ],
};

const single = (text: string, kind: Question['kind'] = 'agent') => resolveAnswers({ questions: [payload.questions[0] ?? never()] }, [text], kind)[0];
function never(): never {
  throw new Error('fixture');
}

describe('answers are checked where they are given', () => {
  it('takes option numbers, labels and values in any case', () => {
    expect(resolveAnswers(payload, ['1', '2, 3'])).toEqual([
      { question: 'Which rollout strategy?', picked: ['Canary 10%'], text: null },
      { question: 'Which metrics to watch?', picked: ['Recall', 'Latency'], text: null },
    ]);
    expect(single('blue/green')).toEqual({ question: 'Which rollout strategy?', picked: ['Blue/green'], text: null });
    expect(single('CANARY-10')?.picked).toEqual(['Canary 10%']);
  });

  it('takes a unique prefix of a label or value', () => {
    expect(single('canary')?.picked).toEqual(['Canary 10%']);
    expect(single('blue')?.picked).toEqual(['Blue/green']);
  });

  it('refuses an option number outside the list, naming the options', async () => {
    expect(await caught(() => single('7'))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: '"7" is not an option of "Rollout"; it has 3: 1 "Canary 10%", 2 "Blue/green", 3 "Full"',
    });
  });

  it('reads answers the way people type them: #2, 2., quoted, odd spacing and case', async () => {
    for (const typed of ['#2', '2.', '2)', '# 2', '"Blue/green"', "'blue/green'", '“Blue/green”', '  BLUE/GREEN  ']) expect(single(typed)?.picked, typed).toEqual(['Blue/green']);
    expect(single('  canary   10%  ')?.picked).toEqual(['Canary 10%']);
    expect(single('  "Full"  -  but keep it calibrated ✓  ')).toEqual({ question: 'Which rollout strategy?', picked: ['Full'], text: 'but keep it calibrated ✓' });
    for (const typed of ['-1', '0', '+7', '#9']) expect((await caught(() => single(typed))).message, typed).toMatch(/is not an option of "Rollout"; it has 3: /);
    // Not a whole number: no option number, so an agent gets it as the person's words, quotes and extra spaces taken off.
    expect(single('1.5')).toEqual({ question: 'Which rollout strategy?', picked: [], text: '1.5' });
    expect(single('"ship   it to EU  first"')).toEqual({ question: 'Which rollout strategy?', picked: [], text: 'ship it to EU first' });
    // A label that is itself a number is taken as that label.
    const numeric: QuestionPayload = {
      questions: [{ question: 'How many folds?', header: 'Folds', options: [{ label: '10', description: 'ten' }, { label: '5', description: 'five' }], multiSelect: false }],
    };
    expect(resolveAnswers(numeric, ['5'])[0]?.picked).toEqual(['5']);
    expect(resolveAnswers(numeric, ['1'])[0]?.picked).toEqual(['10']);
  });

  it('refuses text that matches several options, asking which', async () => {
    const ambiguous: QuestionPayload = {
      questions: [{ question: 'Which?', header: 'Pick', multiSelect: false, options: [{ label: 'Shadow week', description: '' }, { label: 'Shadow day', description: '' }] }],
    };
    expect((await caught(() => resolveAnswers(ambiguous, ['shadow']))).message).toBe('"shadow" matches several choices of "Pick"; did you mean "Shadow week" or "Shadow day"?');
  });

  it("keeps the person's own words when nothing matches, and says so", () => {
    const part = single('recall, but keep it calibrated for the retention team');
    expect(part).toEqual({ question: 'Which rollout strategy?', picked: [], text: 'recall, but keep it calibrated for the retention team' });
    expect(describeAnswers(part ? [part] : [])).toBe('your own words: "recall, but keep it calibrated for the retention team"');
  });

  it('takes an option followed by a note', () => {
    expect(single('canary: watch the EU latency')).toEqual({ question: 'Which rollout strategy?', picked: ['Canary 10%'], text: 'watch the EU latency' });
    expect(single('Full - weekend only')).toEqual({ question: 'Which rollout strategy?', picked: ['Full'], text: 'weekend only' });
  });

  it('reads a plain yes or no as Approve or Reject (or Yes or No), and a no with a reason as Reject with a note', async () => {
    const approval = { question: 'Ship the churn model?', header: 'Approve', multiSelect: false, options: [{ label: 'Approve', value: 'approve', description: 'Deploy may start.' }, { label: 'Reject', value: 'reject', description: 'Stop the run.' }] };
    const answer = (text: string) => resolveAnswers({ questions: [approval] }, [text], 'approval')[0];
    for (const yes of ['yes', 'Yes!', 'y', 'ok', 'OK, go ahead', 'yes ship it', 'approve please', 'lgtm', 'sure', 'yep, looks good']) {
      expect(answer(yes), yes).toEqual({ question: 'Ship the churn model?', picked: ['Approve'], text: null });
    }
    for (const no of ['no', 'No.', 'nope', 'no thanks', 'no way', 'n']) {
      expect(answer(no), no).toEqual({ question: 'Ship the churn model?', picked: ['Reject'], text: null });
    }
    expect(answer('no, retrain first please')).toEqual({ question: 'Ship the churn model?', picked: ['Reject'], text: 'retrain first please' });
    expect(answer('yes: EU customers first')).toEqual({ question: 'Ship the churn model?', picked: ['Approve'], text: 'EU customers first' });
    // Words that say more than yes or no, or take it back, are not read as one: at an approval a
    // misread Reject stops the run, a misread Approve starts the stage.
    for (const unclear of ['no idea', 'not sure', 'yes but only EU', 'maybe', 'not yet', 'not now', 'nope, not yet', 'ok, but not now', 'no, ship it', 'yes, no', "don't ship it"]) {
      expect((await caught(() => answer(unclear))).message, unclear).toContain('is not one of the choices');
    }
    // At a permission question "allow" is two options (once, always): a yes names neither.
    const permission = { question: 'Allow op to run `touch a.txt`?', header: 'Permission', multiSelect: false, options: [{ label: 'Allow once', value: 'once', description: '' }, { label: 'Allow always', value: 'always', description: '' }, { label: 'Deny', value: 'deny', description: '' }] };
    expect((await caught(() => resolveAnswers({ questions: [permission] }, ['yes'], 'permission')))).toMatchObject({ code: 'invalid' });
    expect(resolveAnswers({ questions: [permission] }, ['no'], 'permission')[0]?.picked).toEqual(['Deny']);
    // A question with neither kind of option takes no yes or no for one.
    expect(single('yes')).toEqual({ question: 'Which rollout strategy?', picked: [], text: 'yes' });
    const yesNo = { ...approval, options: [{ label: 'Yes', description: 'Use the holdout.' }, { label: 'No', description: 'Cross-validate.' }] };
    expect(resolveAnswers({ questions: [yesNo] }, ['yeah'])[0]?.picked).toEqual(['Yes']);
    expect(resolveAnswers({ questions: [yesNo] }, ['nope'])[0]?.picked).toEqual(['No']);
  });

  it("refuses own words where the coordinator must act on an option", async () => {
    expect((await caught(() => single('Ship it, but only to EU customers first', 'approval'))).message).toBe(
      '"Ship it, but only to EU customers first" is not one of the choices for "Rollout": 1 "Canary 10%", 2 "Blue/green", 3 "Full"; answer with one of them, optionally followed by a note ("Canary 10%: <note>")',
    );
  });

  it('mixes picks and own words in a multi-select only as own words; refuses bad numbers there too', async () => {
    expect(resolveAnswers(payload, ['1', 'AUC, cost per call'])[1]).toEqual({ question: 'Which metrics to watch?', picked: [], text: 'AUC, cost per call' });
    expect((await caught(() => resolveAnswers(payload, ['1', '1, 9']))).message).toBe('"9" is not an option of "Metrics"; it has 3: 1 "AUC", 2 "Recall", 3 "Latency"');
  });

  it('takes the words of an unquoted answer to a one-part question as one answer, but not option numbers or several picks', async () => {
    const rollout = { questions: [payload.questions[0] ?? never()] };
    expect(resolveAnswers(rollout, ['canary', 'please'])[0]).toEqual({ question: 'Which rollout strategy?', picked: [], text: 'canary please' });
    expect(resolveAnswers(rollout, ['Full', '-', 'weekend', 'only'])[0]).toEqual({ question: 'Which rollout strategy?', picked: ['Full'], text: 'weekend only' });
    expect((await caught(() => resolveAnswers(rollout, ['1', '2']))).message).toBe(
      'this question has 1 part(s) and 2 answer(s) were given; give one answer per part, in order; put an answer of several words in quotes',
    );
    const metrics = { questions: [payload.questions[1] ?? never()] };
    expect((await caught(() => resolveAnswers(metrics, ['AUC', 'Recall']))).code).toBe('invalid');
  });

  it('refuses the wrong number of answers and empty answers', async () => {
    expect(await caught(() => resolveAnswers(payload, ['1']))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: 'this question has 2 part(s) and 1 answer(s) were given; give one answer per part, in order',
    });
    expect((await caught(() => resolveAnswers(payload, ['  ', '1']))).message).toMatch(/^the answer to "Rollout" is empty; pick an option/);
    expect((await caught(() => resolveAnswers(payload, ['1', ' , ']))).message).toMatch(/^the answer to "Metrics" is empty/);
  });

  it('recommends the first option of every part; parses question ids', async () => {
    expect(recommendedAnswers(payload).map((a) => a.picked)).toEqual([['Canary 10%'], ['AUC']]);
    expect([parseQuestionId('q2'), parseQuestionId('Q12'), parseQuestionId('#3'), parseQuestionId(' 4 ')]).toEqual([2, 12, 3, 4]);
    expect((await caught(() => parseQuestionId('two'))).message).toBe('"two" is not a question id; use the id shown on the board, like q2');
  });

  it('gives code the picked value, and agents the Claude Code answer shape', () => {
    const question: Question = {
      runId: 1,
      id: 1,
      kind: 'agent',
      askedBy: 'devops',
      taskId: null,
      gateId: null,
      toolUseId: null,
      payload,
      status: 'answered',
      answers: resolveAnswers(payload, ['canary: slowly', 'my own metric']),
      answeredBy: 'cli',
      createdAt: 0,
      answeredAt: 1,
    };
    expect(pickedValue(question)).toBe('canary-10');
    expect(answersForTool(question)).toEqual({
      answers: { 'Which rollout strategy?': 'Canary 10% (note: slowly)', 'Which metrics to watch?': 'my own metric' },
      note: expect.stringContaining('own words'),
    });
  });
});
