import { describe, expect, it } from 'vitest';
import type { BoardEvent, NewEvent } from '../../src/board/events.js';
import { progressLine } from '../../src/cli/progress.js';
import { describeEvent } from '../../tui/describe-event.js';
import { formatBytes, formatClock, formatCost, formatOffset, formatTokens, idList, stageTag, truncate, truncateStart, wrap } from '../../tui/format.js';
import { allocateRows, fitWindow, layoutMode, splitBody } from '../../tui/layout.js';
import { fitLine, seg } from '../../tui/lines.js';

const event = (e: NewEvent, actor = 'mle', ts = 0): BoardEvent => ({ runId: 3, seq: 1, ts, actor, ...e });

describe('formatting', () => {
  it('formats tokens, cost, elapsed time and offsets', () => {
    expect([formatTokens(950), formatTokens(1500), formatTokens(26_000), formatTokens(2_345_678)]).toEqual(['950', '1.5k', '26k', '2.35M']);
    expect([formatCost(0), formatCost(0.004), formatCost(0.42), formatCost(5)]).toEqual(['$0.00', '<$0.01', '$0.42', '$5.00']);
    expect([formatClock(59_999), formatClock(60_000), formatClock(3_725_000)]).toEqual(['0:59', '1:00', '1:02:05']);
    expect([formatBytes(812), formatBytes(4300), formatBytes(3_250_000)]).toEqual(['812 B', '4.2 KB', '3.1 MB']);
    expect(truncateStart('/tmp/runs/1/workspace', 12)).toBe('…1/workspace');
    expect([formatOffset(65_000), formatOffset(3_725_000)]).toEqual(['01:05', '1:02:05']);
  });

  it('shortens stages to a tag', () => {
    expect(['data', 'features', 'training', 'validation', 'deploy', 'monitoring'].map(stageTag)).toEqual(['data', 'feat', 'train', 'valid', 'deploy', 'monit']);
    expect(stageTag(null)).toBe('');
  });

  it('cuts and wraps text to a width', () => {
    expect(truncate('Train the churn model', 10)).toBe('Train the…');
    expect(truncate('two\nlines', 20)).toBe('two lines');
    expect(wrap('one two three four five', 9)).toEqual(['one two', 'three', 'four five']);
    expect(wrap('one two three four five', 9, 2)).toEqual(['one two', 'three…']);
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(idList([1, 2, 3, 4, 5])).toBe('#1,#2,#3+2');
  });

  it('fits styled segments to a width', () => {
    expect(fitLine([seg('#12 ', { bold: true }), seg('Train the model')], 10)).toEqual([seg('#12 ', { bold: true }), seg('Train'), seg('…')]);
    expect(fitLine([seg('short')], 10)).toEqual([seg('short')]);
  });
});

describe('layout', () => {
  it('picks the layout from the width', () => {
    expect([layoutMode(120), layoutMode(100), layoutMode(80), layoutMode(59)]).toEqual(['wide', 'wide', 'compact', 'narrow']);
  });

  it('shares body rows between tasks, members and the feed', () => {
    expect(splitBody(36, 4, 'wide')).toEqual({ tasks: 21, members: 5, feed: 10 });
    expect(splitBody(5, 4, 'wide')).toEqual({ tasks: 5, members: 0, feed: 0 });
  });

  it('gives rows round-robin up to what each part needs', () => {
    expect(allocateRows(10, [3, 8])).toEqual([3, 7]);
    expect(allocateRows(10, [2, 2])).toEqual([2, 2]);
  });

  it('keeps the selected item inside the window and leaves a row for "+N more"', () => {
    expect(fitWindow(10, () => 1, 5, null)).toEqual({ start: 0, count: 4, hidden: 6 });
    expect(fitWindow(10, () => 1, 5, 8)).toEqual({ start: 5, count: 4, hidden: 6 });
    expect(fitWindow(3, () => 2, 6, 2)).toEqual({ start: 0, count: 3, hidden: 0 });
  });
});

describe('event lines', () => {
  const line = (e: NewEvent, actor = 'mle') => {
    const { who, text, tone } = describeEvent(event(e, actor));
    return { who, text, tone };
  };

  it('describes tool calls, narration, claims, gates, questions and messages for the feed', () => {
    expect(line({ type: 'tool.called', payload: { member: 'mle', tool: 'Bash', summary: 'python train.py', ok: true } })).toEqual({ who: 'mle', text: 'Bash: python train.py', tone: 'normal' });
    expect(line({ type: 'member.said', payload: { member: 'ds', text: 'Looks skewed.' } })).toEqual({ who: 'ds', text: '“Looks skewed.”', tone: 'say' });
    expect(line({ type: 'task.claimed', payload: { taskId: 4, subject: 'Train', owner: 'mle', attempt: 2 } })).toEqual({ who: 'mle', text: 'claimed #4 Train (attempt 2)', tone: 'normal' });
    expect(line({ type: 'gate.failed', payload: { gate: 1, before: 'deploy', description: 'evaluate auc >= 0.75, before deploy', detail: 'evaluate auc = 0.71 (needs >= 0.75)' } }, 'coordinator')).toEqual({
      who: 'coordinator',
      text: 'gate before deploy failed: evaluate auc = 0.71 (needs >= 0.75)',
      tone: 'bad',
    });
    expect(
      line({
        type: 'question.answered',
        payload: { question: 2, kind: 'agent', askedBy: 'mlops', answeredBy: 'cli', answers: [{ question: 'Rollout?', picked: ['Canary 10%'], text: null }, { question: 'Checks?', picked: ['a', 'b'], text: null }] },
      }),
    ).toEqual({ who: 'cli', text: 'answered q2: Canary 10% / a, b', tone: 'good' });
    expect(line({ type: 'message.sent', payload: { from: 'ds', to: '*', recipients: ['mle', 'mlops'], summary: 'features ready' } })).toEqual({ who: 'ds', text: '→ everyone: features ready', tone: 'normal' });
    expect(line({ type: 'run.paused', payload: { from: 'running', reason: 'budget reached' } }, 'coordinator').text).toBe('run 3 paused: budget reached');
  });

  it('describes the newer events: a crash, a model retry, a command with its exit code and files, gate notes, question kinds', () => {
    expect(describeEvent(event({ type: 'run.crashed', payload: { driver: 'host:123', lastBeat: 1_000 } }, 'coordinator', 16_000))).toMatchObject({
      text: 'run 3 crashed: the process driving it stopped (silent for 15s)',
      tone: 'bad',
      important: true,
      hint: 'team resume 3',
    });
    expect(line({ type: 'model.retrying', payload: { member: 'mle', status: 529, attempt: 2, of: 5, waitMs: 4000, reason: 'overloaded' } })).toEqual({
      who: 'mle',
      text: 'model call failed: 529 (overloaded); retrying in 4s, 2 of 5',
      tone: 'ask',
    });
    expect(line({ type: 'tool.called', payload: { member: 'mle', tool: 'Bash', summary: 'python train.py', ok: true, exitCode: 2, output: ['Traceback', 'KeyError'], files: [] } })).toEqual({
      who: 'mle',
      text: 'Bash: python train.py · exit 2',
      tone: 'bad',
    });
    expect(line({ type: 'tool.called', payload: { member: 'ds', tool: 'Write', summary: 'reports/a.md', ok: true, files: ['reports/a.md', 'b.csv', 'c.csv', 'd.csv'] } }).text).toBe('Write: reports/a.md · wrote reports/a.md, b.csv, c.csv +1');
    expect(line({ type: 'tool.called', payload: { member: 'ds', tool: 'Read', summary: 'x.py', ok: false, error: 'no such file' } })).toMatchObject({ text: 'Read: x.py · error: no such file', tone: 'bad' });
    expect(line({ type: 'gate.overridden', payload: { gate: 1, before: 'deploy', description: 'auc >= 0.75', detail: 'auc = 0.71', note: 'ship it to EU first' } }, 'human')).toEqual({
      who: 'human',
      text: 'gate before deploy overridden: auc = 0.71 (note: ship it to EU first)',
      tone: 'good',
    });
    expect(line({ type: 'gate.waiting', payload: { gate: 2, before: 'deploy', description: 'human approval before deploy', detail: null } }, 'coordinator').tone).toBe('ask');
    const asked = (kind: 'approval' | 'stuck' | 'permission') => line({ type: 'question.asked', payload: { question: 4, kind, askedBy: 'mle', taskId: null, headers: ['Go'], text: ['Go on?'] } }).text;
    expect([asked('approval'), asked('stuck'), asked('permission')]).toEqual(['asks for approval, q4 [Go]: Go on?', 'is stuck and asks q4 [Go]: Go on?', 'asks permission, q4 [Go]: Go on?']);
    expect(line({ type: 'question.answered', payload: { question: 2, kind: 'agent', askedBy: 'mle', answeredBy: 'human', answers: [{ question: 'Metric?', picked: [], text: 'F1' }] } }).text).toBe('answered q2: your own words: "F1"');
  });

  it('prints the important ones as headless progress lines, with what to do about a question', () => {
    expect(progressLine(event({ type: 'run.started', payload: { team: 'churn-project', backend: 'sim', seed: 42, workspace: '/w' } }, 'human'))).toBe('run 3 started: team churn-project, backend sim (seed 42)');
    expect(progressLine(event({ type: 'task.claimed', payload: { taskId: 1, subject: 'Decide what counts as churn', owner: 'ds', attempt: 1 } }, 'ds'))).toBe('ds claimed #1 Decide what counts as churn');
    expect(progressLine(event({ type: 'gate.passed', payload: { gate: 1, before: 'deploy', description: 'd', detail: 'evaluate-model auc = 0.833 passes' } }, 'coordinator'))).toBe(
      'gate before deploy passed: evaluate-model auc = 0.833 passes',
    );
    expect(progressLine(event({ type: 'question.asked', payload: { question: 1, kind: 'agent', askedBy: 'mle', taskId: 5, headers: ['Metric'], text: ['Which metric?'] } }))).toBe(
      'mle asks q1 [Metric]: Which metric?  (options: team status 3; answer: team answer 3 q1 <choice>)',
    );
    expect(progressLine(event({ type: 'member.status', payload: { member: 'ds', from: 'idle', to: 'working' } }))).toBeNull();
    expect(progressLine(event({ type: 'task.updated', payload: { taskId: 1, subject: 'x', fields: ['metadata'], metadata: { rows: 5 } } }))).toBeNull();
  });
});
