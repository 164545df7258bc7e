import { describe, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/board/events.js';
import { describeEvent } from '../../tui/format-event.js';
import { formatCost, formatElapsed, formatOffset, formatTokens, idList, stageTag, truncate, wrap } from '../../tui/format.js';
import { allocateRows, fitWindow, layoutMode, splitBody } from '../../tui/layout.js';
import { fitLine, seg } from '../../tui/lines.js';

const event = (type: string, payload: BoardEvent['payload'], actor = 'mle'): BoardEvent => ({ runId: 1, seq: 1, ts: 0, actor, type, payload });

describe('formatting', () => {
  it('formats tokens, cost, elapsed time and offsets', () => {
    expect([formatTokens(950), formatTokens(1500), formatTokens(26_000), formatTokens(2_345_678)]).toEqual(['950', '1.5k', '26k', '2.35M']);
    expect([formatCost(0), formatCost(0.004), formatCost(0.42), formatCost(5)]).toEqual(['$0.00', '<$0.01', '$0.42', '$5.00']);
    expect([formatElapsed(59_999), formatElapsed(60_000), formatElapsed(3_725_000)]).toEqual(['<1m', '1m', '1h02m']);
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

describe('activity lines', () => {
  it('describes tool calls, narration, claims, gates, questions and messages', () => {
    expect(describeEvent(event('tool.called', { member: 'mle', tool: 'Bash', summary: 'python train.py' }))).toEqual({ who: 'mle', text: 'Bash: python train.py', tone: 'normal' });
    expect(describeEvent(event('member.said', { member: 'ds', text: 'Looks skewed.' }))).toEqual({ who: 'ds', text: '“Looks skewed.”', tone: 'say' });
    expect(describeEvent(event('task.claimed', { taskId: 4, subject: 'Train', owner: 'mle', attempt: 2 }))).toEqual({ who: 'mle', text: 'claimed #4 Train (attempt 2)', tone: 'normal' });
    expect(describeEvent(event('gate.failed', { gate: 1, description: 'evaluate auc >= 0.75, before deploy', detail: 'auc 0.71' }, 'coordinator'))).toEqual({
      who: 'coordinator',
      text: 'gate 1 failed: evaluate auc >= 0.75, before deploy (auc 0.71)',
      tone: 'bad',
    });
    expect(describeEvent(event('question.answered', { question: 2, answeredBy: 'cli', answers: { 'Rollout?': 'Canary 10%', 'Checks?': ['a', 'b'] } }))).toEqual({
      who: 'cli',
      text: 'answered q2: Canary 10% / a, b',
      tone: 'good',
    });
    expect(describeEvent(event('message.sent', { from: 'ds', to: '*', summary: 'features ready' }))).toEqual({ who: 'ds', text: '→ everyone: features ready', tone: 'normal' });
    expect(describeEvent(event('run.paused', { from: 'running', reason: 'budget reached' }, 'coordinator')).text).toBe('run paused: budget reached');
    expect(describeEvent(event('something.new', {})).text).toBe('something.new');
  });
});
