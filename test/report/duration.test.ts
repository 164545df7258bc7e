import { describe, expect, it } from 'vitest';
import type { BoardEvent, NewEvent } from '../../src/board/events.js';
import { formatDuration, formatOffset, offTimes, runDuration, workMs } from '../../src/report/duration.js';
import { cleanText, escapeHtml, escapeMarkdown } from '../../src/report/safe-text.js';

/** Events as a board stores them, at the given times. */
function events(list: (NewEvent & { ts: number })[]): BoardEvent[] {
  // Spreading a member of the NewEvent union loses its type/payload pairing for the compiler; each one here is a valid pair.
  return list.map((e, i) => ({ runId: 1, seq: i + 1, actor: 'coordinator', ...e }) as BoardEvent);
}

const claimed = (ts: number, taskId: number): NewEvent & { ts: number } => ({ ts, type: 'task.claimed', payload: { taskId, subject: 'T', owner: 'a', attempt: 1 } });
const completed = (ts: number, taskId: number): NewEvent & { ts: number } => ({ ts, type: 'task.completed', payload: { taskId, subject: 'T', owner: 'a' } });

describe('off time and the one duration', () => {
  it('a pause runs from run.paused to run.running', () => {
    const off = offTimes(
      events([
        claimed(1000, 1),
        { ts: 2000, type: 'run.paused', payload: { from: 'running', reason: 'budget reached: $5.00' } },
        { ts: 9000, type: 'run.running', payload: { from: 'paused', reason: 'budget raised' } },
        completed(10_000, 1),
      ]),
      10_000,
    );
    expect(off).toEqual([{ from: 2000, to: 9000, kind: 'paused', reason: 'budget reached: $5.00', ms: 7000 }]);
    expect(workMs(1000, 10_000, off)).toBe(2000);
    expect(workMs(3000, 5000, off)).toBe(0);
  });

  it('a stopped run that was resumed is off from the stop to the resume; a crash from the last event to the takeover', () => {
    const off = offTimes(
      events([
        claimed(1000, 1),
        { ts: 2000, type: 'run.stopped', payload: { from: 'running', reason: 'stopped with `team stop`' } },
        { ts: 60_000, type: 'run.running', payload: { from: 'stopped', reason: 'resumed' } },
        { ts: 60_000, type: 'run.resumed', payload: { members: ['a:active'] } },
        completed(61_000, 1),
        claimed(62_000, 2),
        { ts: 200_000, type: 'run.crashed', payload: { driver: 'pid 1', lastBeat: 63_000 } },
        { ts: 200_000, type: 'run.resumed', payload: { members: ['a:active'] } },
        completed(201_000, 2),
        { ts: 202_000, type: 'run.completed', payload: { from: 'running', reason: '2 tasks completed' } },
      ]),
      202_000,
    );
    expect(off.map((o) => [o.kind, o.from, o.to])).toEqual([
      ['stopped', 2000, 60_000],
      ['crashed', 62_000, 200_000],
    ]);
    expect(workMs(1000, 202_000, off)).toBe(201_000 - 58_000 - 138_000);
  });

  it('an answer a person gives while the run is crashed is not team work: the crash is off from the last work to the resume', () => {
    const answered = (ts: number): NewEvent & { ts: number } => ({
      ts,
      type: 'question.answered',
      payload: { question: 1, kind: 'agent', askedBy: 'a', answeredBy: 'cli', answers: [{ question: 'Q?', picked: ['Yes'], text: null }] },
    });
    const off = offTimes(
      events([
        claimed(1000, 1),
        answered(30_000),
        { ts: 50_000, type: 'run.resumed', payload: { members: ['a:active'] } },
        completed(51_000, 1),
      ]),
      51_000,
    );
    expect(off.map((o) => [o.kind, o.from, o.to])).toEqual([['crashed', 1000, 50_000]]);
    expect(workMs(1000, 51_000, off)).toBe(1000);
  });

  it('an instant run mixes clocks in its rows, not in its events: the duration and the waits follow the events', () => {
    const asked = (ts: number, question: number): NewEvent & { ts: number } => ({ ts, type: 'question.asked', payload: { question, kind: 'agent', askedBy: 'a', taskId: null, headers: ['H'], text: ['Q?'] } });
    const answered = (ts: number, question: number): NewEvent & { ts: number } => ({
      ts,
      type: 'question.answered',
      payload: { question, kind: 'agent', askedBy: 'a', answeredBy: 'cli', answers: [{ question: 'Q?', picked: [], text: 'yes' }] },
    });
    // Virtual time for the run's own events; the person's answer (wall time) lands ahead of it, and
    // the follow-up is stamped after the answer it follows. `team stop` wrote endedAt by its wall clock, behind.
    const list = events([claimed(10_000, 1), asked(11_000, 1), answered(40_000, 1), asked(40_000, 2), answered(45_000, 2), { ts: 90_000, type: 'run.stopped', payload: { from: 'running', reason: 'stopped with `team stop`' } }]);
    const rows = [
      { id: 1, kind: 'agent' as const, askedBy: 'a', createdAt: 11_000, answeredAt: 40_000 },
      { id: 2, kind: 'agent' as const, askedBy: 'a', createdAt: 12_000, answeredAt: 45_000 },
    ];
    const d = runDuration({ startedAt: 0, status: 'stopped', endedAt: 50_000 }, list, rows);
    expect(d.to).toBe(90_000);
    expect(d.ms).toBe(80_000);
    expect(d.waits.map((w) => [w.question, w.from, w.to])).toEqual([
      [1, 11_000, 40_000],
      [2, 40_000, 45_000],
    ]);
  });

  it('formats durations one way and timeline positions as m:ss', () => {
    expect([0, 400, 1000, 59_400, 73_000, 3_600_000 + 125_000].map(formatDuration)).toEqual(['0s', '<1s', '1s', '59s', '1m13s', '1h02m']);
    expect([0, 9000, 73_000, 3_725_000].map(formatOffset)).toEqual(['0:00', '0:09', '1:13', '1:02:05']);
  });
});

describe('agent-written text in a report', () => {
  it('loses escape sequences, control characters and bidi overrides, and keeps tabs and newlines', () => {
    expect(cleanText('a\x1b[31mred\x1b[0m b\x1b]0;title\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ d\x07\x08e\u202eevil\tf\ng\x9b2Jh')).toBe('ared bclink deevil\tf\ngh');
  });

  it('is escaped for HTML and made inert for Markdown', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q'\x1b[2J`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(escapeMarkdown('<img src=x onerror=alert(1)> ![t](http://x/p.png) a|b\nc')).toBe('\\<img src=x onerror=alert(1)> !\\[t\\](http://x/p.png) a\\|b c');
  });
});
