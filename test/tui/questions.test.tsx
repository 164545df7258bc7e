import { afterEach, describe, expect, it } from 'vitest';
import { coordinator } from '../../src/board/actor.js';
import { answerQuestion, askQuestion, getQuestion, type QuestionPayload } from '../../src/board/questions.js';
import { listEvents } from '../../src/board/events.js';
import { askMetric, KEYS, METRIC_QUESTION, seedBoard, waitFor, type TestBoard } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(() => {
  ui?.unmount();
  ui = undefined;
  tb?.board.close();
});

const METRIC = 'Which metric should the model optimise?';

function answered(id: number) {
  const q = getQuestion(tb.board, tb.runId, id);
  return { status: q?.status, answers: q?.answers, answeredBy: q?.answeredBy };
}

const TWO_PARTS: QuestionPayload = {
  questions: [
    METRIC_QUESTION.questions[0] as QuestionPayload['questions'][number],
    {
      question: 'Which checks must pass before deploy?',
      header: 'Checks',
      multiSelect: true,
      options: [
        { label: 'Smoke test', description: 'One request through the server' },
        { label: 'Drift baseline', description: 'Reference stats written' },
        { label: 'Model card', description: 'Limits and metrics documented' },
      ],
    },
  ],
};

describe('question panel', () => {
  it('takes the keyboard and shows the asker, the header, options with descriptions and Other', () => {
    tb = seedBoard();
    askMetric(tb);
    ui = mountBoard(tb, { columns: 100, rows: 30 });
    const frame = ui.frame();
    expect(frame).toContain(' ? Question q1 from mle · task #5');
    expect(frame).toContain(`[Metric] ${METRIC}`);
    expect(frame).toContain('❯ 1. AUC        Ranking quality over all thresholds');
    expect(frame).toContain('  2. Recall     Catch as many churners as possible');
    expect(frame).toContain('  4. Other: type your own answer');
    expect(frame).toContain('● mle    ml-engineer     waiting on q1');
    expect(frame.split('\n').at(-1)).toBe('Esc board · Ctrl-C detach');
    expect(frame).toMatchSnapshot();
  });

  it('answers a single choice with arrows and Enter, as the human through the TUI', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press(KEYS.down, KEYS.enter);
    expect(answered(id)).toEqual({ status: 'answered', answers: { [METRIC]: 'Recall' }, answeredBy: 'human' });
    const event = listEvents(tb.board, tb.runId).at(-1);
    expect(event?.type).toBe('question.answered');
    expect(event?.actor).toBe('human');
    await waitFor(() => expect(ui?.frame()).not.toContain('Question q1'));
    await ui.see(/^\d\d:\d\d human +answered q1: Recall$/m);
  });

  it('answers with a number key, and j/k move the cursor', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press('j', 'j', 'k');
    await ui.see('❯ 2. Recall');
    await ui.press('3');
    expect(answered(id).answers).toEqual({ [METRIC]: 'Precision' });
  });

  it('takes a burst of keys in one read, and a paste into Other as text', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press('jjj');
    await ui.see('❯ 4. Other:');
    await ui.press('F1 at 0.3', KEYS.enter);
    expect(answered(id).answers).toEqual({ [METRIC]: 'F1 at 0.3' });
  });

  it('takes free text through Other', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press('4');
    await ui.see('❯ 4. Other:');
    await ui.press('Log lossy', KEYS.backspace, ' (calibrated)');
    await ui.see('❯ 4. Other: Log loss (calibrated)');
    await ui.press(KEYS.enter);
    expect(answered(id).answers).toEqual({ [METRIC]: 'Log loss (calibrated)' });
  });

  it('does not accept an empty Other answer', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press(KEYS.up, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    await ui.see('type your answer, then press Enter');
    expect(answered(id).status).toBe('pending');
  });

  it('toggles several options of a multiSelect question with Space and confirms with Enter', async () => {
    tb = seedBoard();
    const multi: QuestionPayload = { questions: [TWO_PARTS.questions[1] as QuestionPayload['questions'][number]] };
    const id = askMetric(tb, multi);
    ui = mountBoard(tb);
    await ui.press(KEYS.space, KEYS.down, KEYS.down, KEYS.space);
    await ui.see('  [x] 1. Smoke test');
    await ui.see('  [ ] 2. Drift baseline');
    await ui.see('❯ [x] 3. Model card');
    await ui.press(KEYS.space, KEYS.space, KEYS.enter);
    expect(answered(id).answers).toEqual({ 'Which checks must pass before deploy?': ['Smoke test', 'Model card'] });
  });

  it('answers the questions of one call in sequence and writes them together', async () => {
    tb = seedBoard();
    const id = askMetric(tb, TWO_PARTS);
    ui = mountBoard(tb);
    expect(ui.frame()).toContain('part 1 of 2');
    await ui.press('1');
    expect(answered(id).status).toBe('pending');
    await ui.see('part 2 of 2');
    await ui.see('answered [Metric] AUC');
    await ui.press('2', '4', 'Latency budget', KEYS.enter);
    expect(answered(id).answers).toEqual({
      [METRIC]: 'AUC',
      'Which checks must pass before deploy?': ['Drift baseline', 'Latency budget'],
    });
  });

  it('goes back to the previous part with Esc', async () => {
    tb = seedBoard();
    const id = askMetric(tb, TWO_PARTS);
    ui = mountBoard(tb);
    await ui.press('1', KEYS.escape);
    await ui.see('part 1 of 2');
    await ui.press('2', KEYS.enter);
    expect(answered(id).answers).toEqual({ [METRIC]: 'Recall', 'Which checks must pass before deploy?': ['Smoke test'] });
  });

  it('uses the same panel for gate decisions', async () => {
    tb = seedBoard();
    const q = askQuestion(
      tb.board,
      tb.runId,
      {
        kind: 'gate',
        askedBy: 'coordinator',
        gateId: 1,
        payload: {
          questions: [
            {
              question: 'Approve deploying the churn model?',
              header: 'Deploy',
              multiSelect: false,
              options: [
                { label: 'Approve', description: 'Start the deploy stage' },
                { label: 'Reject', description: 'Stop the run here' },
              ],
            },
          ],
        },
      },
      coordinator,
    );
    ui = mountBoard(tb);
    expect(ui.frame()).toContain(' ? Gate decision q1');
    await ui.press(KEYS.enter);
    expect(answered(q.id).answers).toEqual({ 'Approve deploying the churn model?': 'Approve' });
  });

  it('lets the person leave the panel with Esc and come back with a', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb);
    await ui.press(KEYS.escape);
    await ui.see(' ?  Question q1 from mle: Which metric should the model optimise? · press a to answer');
    expect(ui.frame().split('\n').at(-1)).toBe('←→↑↓/Tab select · ⏎ details · p pause · a answer · q detach · Q stop');
    await ui.press('a', '2');
    expect(answered(id).answers).toEqual({ [METRIC]: 'Recall' });
  });

  it('reports a question answered elsewhere in the meantime', async () => {
    tb = seedBoard();
    const id = askMetric(tb);
    ui = mountBoard(tb, { columns: 100, rows: 30 });
    await ui.press(KEYS.down);
    answerQuestion(tb.board, tb.runId, id, { [METRIC]: 'AUC' }, 'cli', { kind: 'human', via: 'cli' });
    await ui.press(KEYS.enter);
    expect(answered(id)).toEqual({ status: 'answered', answers: { [METRIC]: 'AUC' }, answeredBy: 'cli' });
    await waitFor(() => expect(ui?.frame()).toContain('question q1 is already answered (by cli)'));
  });
});
