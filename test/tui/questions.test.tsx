import { afterEach, describe, expect, it } from 'vitest';
import { coordinator } from '../../src/board/actor.js';
import type { Answers, QuestionItem, QuestionPayload } from '../../src/board/types.js';
import { APPROVAL_TEXT, askApproval, askMetric, KEYS, METRIC_QUESTION, seedBoard, waitFor, type TestBoard, stable } from './helpers.js';
import { mountBoard, type Harness } from './harness.js';

let tb: TestBoard;
let ui: Harness | undefined;

afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await tb?.close();
});

const METRIC = 'Which metric should the model optimise?';

async function answered(id: number) {
  const q = await tb.board.getQuestion(tb.runId, id);
  return { status: q?.status, answers: q?.answers, answeredBy: q?.answeredBy };
}

/** Wait until the board app has written the answer (it writes after the key, asynchronously). */
async function answersOf(id: number): Promise<Answers | null | undefined> {
  await waitFor(async () => expect((await answered(id)).status).toBe('answered'));
  return (await answered(id)).answers;
}

const pick = (question: string, ...picked: string[]) => ({ question, picked, text: null });
const own = (question: string, text: string) => ({ question, picked: [], text });
const CHECKS = 'Which checks must pass before deploy?';

const TWO_PARTS: QuestionPayload = {
  questions: [
    ...METRIC_QUESTION.questions,
    {
      question: CHECKS,
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
  it('takes the keyboard and shows the asker, the header, options with descriptions and Other', async () => {
    tb = await seedBoard();
    await askMetric(tb);
    ui = await mountBoard(tb, { columns: 100, rows: 30 });
    const frame = ui.frame();
    expect(frame).toContain(' ? Question q1 from mle · task #5');
    expect(frame).toContain(`[Metric] ${METRIC}`);
    expect(frame).toContain('❯ 1. AUC        Ranking quality over all thresholds');
    expect(frame).toContain('  2. Recall     Catch as many churners as possible');
    expect(frame).toContain('  4. Other: type your own answer');
    expect(frame).toContain('● mle    ml-engineer     waits on you: q1');
    expect(frame.split('\n').at(-1)).toBe('type to answer · Esc board · ? keys · Ctrl-C detach');
    expect(stable(frame)).toMatchSnapshot();
  });

  it('answers a single choice with arrows and Enter, as the human through the TUI', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press(KEYS.down, KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(METRIC, 'Recall')]);
    expect((await answered(id)).answeredBy).toBe('human');
    const event = (await tb.board.listEvents(tb.runId)).at(-1);
    expect(event?.type).toBe('question.answered');
    expect(event?.actor).toBe('human');
    await waitFor(() => expect(ui?.frame()).not.toContain('Question q1'));
    await ui.see(/^\d\d:\d\d human +answered q1: Recall$/m);
    await ui.see('q1 answered: Recall');
  });

  it('answers with a number key, and the arrows move the cursor', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press(KEYS.down, KEYS.down, KEYS.up);
    await ui.see('❯ 2. Recall');
    await ui.press('3');
    expect(await answersOf(id)).toEqual([pick(METRIC, 'Precision')]);
  });

  it('takes a burst of keys in one read, and a paste into Other as text', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press(KEYS.down, KEYS.down, KEYS.down);
    await ui.see('❯ 4. Other:');
    await ui.press('F1 at 0.3', KEYS.enter);
    expect(await answersOf(id)).toEqual([own(METRIC, 'F1 at 0.3')]);
    await ui.see('q1 answered: your own words: "F1 at 0.3"');
  });

  it('takes letters typed on an option as the start of an answer, never as board keys (p would pause)', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    // Typed key by key, as a person does, straight onto the first option.
    for (const ch of 'hmm, precision please') await ui.press(ch);
    await ui.see('❯ 4. Other: hmm, precision please');
    expect(ui.frame()).not.toContain('paused');
    await ui.press(KEYS.enter);
    expect(await answersOf(id)).toEqual([own(METRIC, 'hmm, precision please')]);
    expect((await tb.board.getRun(tb.runId))?.status).toBe('running');
  });

  it('takes free text through Other', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press('4');
    await ui.see('❯ 4. Other:');
    await ui.press('Log lossy', KEYS.backspace, ' (calibrated)');
    await ui.see('❯ 4. Other: Log loss (calibrated)');
    await ui.press(KEYS.enter);
    expect(await answersOf(id)).toEqual([own(METRIC, 'Log loss (calibrated)')]);
  });

  it('does not accept an empty Other answer', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press(KEYS.up, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    await ui.see('type your answer, then press Enter');
    expect((await answered(id)).status).toBe('open');
  });

  it('toggles several options of a multiSelect question with Space and confirms with Enter', async () => {
    tb = await seedBoard();
    const multi: QuestionPayload = { questions: TWO_PARTS.questions.slice(1) };
    const id = await askMetric(tb, multi);
    ui = await mountBoard(tb);
    await ui.press(KEYS.space, KEYS.down, KEYS.down, KEYS.space);
    await ui.see('  [x] 1. Smoke test');
    await ui.see('  [ ] 2. Drift baseline');
    await ui.see('❯ [x] 3. Model card');
    await ui.press(KEYS.space, KEYS.space, KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(CHECKS, 'Smoke test', 'Model card')]);
  });

  it('answers the questions of one call in sequence and writes them together', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb, TWO_PARTS);
    ui = await mountBoard(tb);
    expect(ui.frame()).toContain('part 1 of 2');
    await ui.press('1');
    await ui.see('part 2 of 2');
    await ui.see('answered [Metric] AUC');
    expect((await answered(id)).status).toBe('open');
    await ui.press('2', '4', 'Model card', KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(METRIC, 'AUC'), pick(CHECKS, 'Drift baseline', 'Model card')]);
  });

  it('goes back to the previous part with Esc', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb, TWO_PARTS);
    ui = await mountBoard(tb);
    await ui.press('1', KEYS.escape);
    await ui.see('part 1 of 2');
    await ui.press('2', KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(METRIC, 'Recall'), pick(CHECKS, 'Smoke test')]);
  });

  it('uses the same panel for gate decisions', async () => {
    tb = await seedBoard();
    const q = await tb.board.askQuestion(
      tb.runId,
      {
        kind: 'approval',
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
    ui = await mountBoard(tb);
    expect(ui.frame()).toContain(' ? Approval q1');
    await ui.press(KEYS.enter);
    expect(await answersOf(q.id)).toEqual([pick('Approve deploying the churn model?', 'Approve')]);
  });

  it('lets the person leave the panel with Esc and come back with a', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press(KEYS.escape);
    await ui.see(' ?  Question q1 from mle: Which metric should the model optimise? · press a to answer');
    expect(ui.frame().split('\n').at(-1)).toBe('a answer · ←→↑↓ select · ⏎ details · p pause · f files · m member · PgUp/PgDn feed · ? keys · q detach · Ctrl-C detach');
    await ui.press('a', '2');
    expect(await answersOf(id)).toEqual([pick(METRIC, 'Recall')]);
  });

  it('reports a question answered elsewhere in the meantime', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb, { columns: 100, rows: 30 });
    await ui.press(KEYS.down);
    await tb.board.answerQuestion(tb.runId, id, [pick(METRIC, 'AUC')], 'cli', { kind: 'human', via: 'cli' });
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui?.frame()).toContain('question q1 is already answered (by cli)'));
    expect(await answered(id)).toEqual({ status: 'answered', answers: [pick(METRIC, 'AUC')], answeredBy: 'cli' });
  });

  it('takes typed words that name an option as that option', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb);
    ui = await mountBoard(tb);
    await ui.press('4', 'recall', KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(METRIC, 'Recall')]);
  });

  it('keeps own words typed at a decision that needs an option, and asks which option they go with', async () => {
    tb = await seedBoard();
    const q = await tb.board.askQuestion(
      tb.runId,
      {
        kind: 'gate',
        askedBy: 'coordinator',
        gateId: 1,
        payload: { questions: [{ question: 'The AUC gate failed. What now?', header: 'Gate', multiSelect: false, options: [{ label: 'Retrain', description: '' }, { label: 'Override', description: '' }, { label: 'Stop', description: '' }] }] },
      },
      coordinator,
    );
    ui = await mountBoard(tb);
    await ui.press('4', 'maybe later', KEYS.enter);
    await ui.see('Your words name none of the choices. Use them as:');
    await ui.see('1 Retrain with this as a note · 2 Override with this as a note · 3 Stop with this as a note · e edit');
    expect((await answered(q.id)).status).toBe('open');
    // e goes back to the words, as typed.
    await ui.press('e');
    await ui.see(/❯ 4\. Other: maybe later/);
    await ui.press(' please', KEYS.enter);
    await ui.see('Use them as:');
    await ui.press('1');
    expect(await answersOf(q.id)).toEqual([{ question: 'The AUC gate failed. What now?', picked: ['Retrain'], text: 'maybe later please' }]);
  });

  it('shows why a question that is not an agent\'s own is asked', async () => {
    tb = await seedBoard();
    const item: QuestionItem = { question: 'Run this command?', header: 'Permission', multiSelect: false, options: [{ label: 'Allow once', description: '' }, { label: 'Deny', description: '' }] };
    await tb.board.askQuestion(
      tb.runId,
      { kind: 'permission', askedBy: 'ds', payload: { questions: [item], context: { cause: 'ds wants to reach the network', command: 'curl https://example.com' } } },
      coordinator,
    );
    ui = await mountBoard(tb, { columns: 100, rows: 30 });
    expect(ui.frame()).toContain(' ? Permission q1 for ds');
    expect(ui.frame()).toContain('ds wants to reach the network · command: curl https://example.com');
  });
});

/** The frame's lines joined, spaces collapsed: text that wraps reads as one line. */
const flat = (frame: string) => frame.split('\n').map((l) => l.trim()).join(' ').replace(/\s+/g, ' ');

/** The question panel's rows: from its title bar to its key hint. */
function panelOf(frame: string): string {
  const lines = frame.split('\n');
  const start = lines.findIndex((l) => l.startsWith(' ? '));
  const end = lines.findIndex((l, i) => i > start && /^(↑↓ move|type ·|1-\d choose)/.test(l));
  return lines.slice(start, end + 1).join('\n');
}

const LONG: QuestionPayload = {
  questions: [
    {
      question: 'Which feature set should the model train on? The choice decides whether the deploy gate can pass, so read each option before picking.',
      header: 'Features',
      multiSelect: false,
      options: [
        {
          label: 'Full features',
          description:
            'Recommended. Account, contract, billing, support and usage columns: slower to build, but the model it gives clears the AUC gate of 0.75 and beats the baseline by a wide margin on every seed we tried.',
        },
        {
          label: 'Usage-only',
          description:
            'Minutes, logins and days since the last login only: faster to build and easier to explain, but likely to fall short of the AUC gate, which then fails and asks you whether to retrain with the full set, override the gate, or stop the run.',
        },
        { label: 'Billing-only', description: 'Charges and payment history only. An experiment: nobody has tried it on this data, expect a weak model that misses the gate.' },
        { label: 'Support-only', description: 'Tickets and call reasons only. Another experiment, kept here so the list is long enough to scroll on a small terminal.' },
        { label: 'Everything', description: 'Every column including the raw identifiers, which leak the label: never a good idea, listed to show why.' },
      ],
    },
  ],
};

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
])('question panel at $columns×$rows', (size) => {
  it('shows every option description in full, wrapped, and scrolls to keep the cursor in view', async () => {
    tb = await seedBoard();
    const id = await askMetric(tb, LONG);
    ui = await mountBoard(tb, size);
    await ui.see(' ? Question q1 from mle');
    const words = (text: string) => text.replace(/\s+/g, ' ');
    const joined = (frame: string) => words(frame.split('\n').map((l) => l.replace(/^[❯ ] {0,5}/, '').trim()).join(' '));
    // The whole question and the first descriptions, wrapped rather than cut.
    expect(joined(ui.frame())).toContain(words(LONG.questions[0]?.question ?? ''));
    expect(joined(ui.frame())).toContain('beats the baseline by a wide margin on every seed we tried.');
    for (const line of ui.frame().split('\n')) expect([...line].length).toBeLessThanOrEqual(size.columns);
    expect(panelOf(ui.frame())).not.toMatch(/…$/m);
    // Down to the last options: the panel scrolls so the cursor's option shows whole.
    await ui.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    await ui.see('❯ 5. Everything');
    expect(joined(ui.frame())).toContain('which leak the label: never a good idea, listed to show why.');
    if (size.rows < 30) expect(ui.frame()).toMatch(/▲ \d+ more above \(PgUp\)/);
    await ui.press(KEYS.up, KEYS.up, KEYS.up);
    await ui.see('❯ 2. Usage-only');
    expect(joined(ui.frame())).toContain('which then fails and asks you whether to retrain with the full set, override the gate, or stop the run.');
    await ui.press(KEYS.enter);
    expect(await answersOf(id)).toEqual([pick(LONG.questions[0]?.question ?? '', 'Usage-only')]);
  });

  it('approves with a condition: the words become the approval note', async () => {
    tb = await seedBoard();
    const id = await askApproval(tb);
    ui = await mountBoard(tb, size);
    await ui.see(' ? Approval q1');
    await ui.see('3. Other: type a condition (or your own words)');
    await ui.press('3', 'only EU customers first', KEYS.enter);
    await waitFor(() => expect(flat(ui?.frame() ?? '')).toContain('1 approve with this as the condition · 2 reject, with this as the reason · e edit'));
    await ui.press('1');
    expect(await answersOf(id)).toEqual([{ question: APPROVAL_TEXT, picked: ['Approve'], text: 'only EU customers first' }]);
    await ui.see('q1 answered: Approve (note: only EU customers first)');
  });

  it('takes "Approve: <condition>" typed as it is, and rejects with a reason', async () => {
    tb = await seedBoard();
    const id = await askApproval(tb);
    ui = await mountBoard(tb, size);
    await ui.press('3', 'approve: canary only', KEYS.enter);
    expect(await answersOf(id)).toEqual([{ question: APPROVAL_TEXT, picked: ['Approve'], text: 'canary only' }]);

    const again = await askApproval(tb);
    await ui.see(' ? Approval q2');
    await ui.press('3', 'calibration is off', KEYS.enter);
    await ui.see('Use them as:');
    await ui.press('2');
    expect(await answersOf(again)).toEqual([{ question: APPROVAL_TEXT, picked: ['Reject'], text: 'calibration is off' }]);
  });
});
