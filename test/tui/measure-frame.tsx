/**
 * What a frame of the terminal board costs, drawn several ways from the same snapshot (500 tasks,
 * 20 members, 200 events), for docs/decisions/0010-terminal-board-lines.md. Not a test; run by hand:
 *
 *   NODE_ENV=production npx tsx test/tui/measure-frame.tsx
 *
 * - lines only: the pure functions that lay the frame out (frameLines), no React or Ink;
 * - rows written by the Screen: what the live board does since issue 13 (every row, as on a
 *   first frame or after a resize; later frames write only the rows that changed);
 * - one Text a row through Ink: the rows as SGR strings in one Ink Text each (the tests' path);
 * - the same with the root Box's overflow="hidden" (as before issue 13);
 * - Ink components: the same content as nested Text per styled segment, the four task columns
 *   laid out by Ink's flexbox (Box per column) instead of padded by the line functions.
 *
 * Times are CPU time of this process (median of 60 frames), so other work on the machine counts less.
 */
import { Box, renderToString, Text } from 'ink';
import type { BoardEvent } from '../../src/board/events.js';
import type { BoardSnapshot, SnapshotMember, TaskColumns } from '../../src/board/snapshot.js';
import type { TaskSummary } from '../../src/board/types.js';
import { feedLines } from '../../tui/activity-feed.js';
import { toAnsi } from '../../tui/ansi.js';
import { frameLines, plainFrameState, type FrameState } from '../../tui/board-frame.js';
import { footerLine } from '../../tui/footer.js';
import { headerLines } from '../../tui/header.js';
import { allocateRows, cellsPerRow, frameHeight, layoutMode, splitBody, type Size } from '../../tui/layout.js';
import type { Line } from '../../tui/lines.js';
import { membersLines } from '../../tui/members-panel.js';
import { BoardView } from '../../tui/BoardView.js';
import { drawFrame } from '../../tui/render-frame.js';
import { COLUMN_ORDER, columnLines, gridRowNeeds } from '../../tui/task-columns.js';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const PIPELINE = ['data', 'features', 'training'];

function bigSnapshot(): BoardSnapshot {
  const members: SnapshotMember[] = Array.from({ length: 20 }, (_, i) => ({
    name: `member-${String(i + 1).padStart(2, '0')}`,
    agent: 'ml-engineer',
    role: 'ml-engineer',
    model: 'sim',
    status: 'working',
    currentTask: 151 + i,
    currentTaskSubject: `Task number ${151 + i} with a subject long enough to be cut`,
    lastAction: `Bash: python step.py --task ${151 + i}`,
    step: null,
    stepAt: null,
    turns: 12,
    tokens: 24_000,
    costUsd: 0.1,
    waitingOn: null,
    external: false,
  }));
  const task = (id: number, status: TaskSummary['status'], blockedBy: number[] = []): TaskSummary => ({
    id,
    subject: `Task number ${id} with a subject long enough to be cut`,
    status,
    owner: status === 'pending' ? null : `member-${String((id % 20) + 1).padStart(2, '0')}`,
    role: null,
    stage: PIPELINE[id <= 200 ? 0 : id <= 350 ? 1 : 2] ?? null,
    activeForm: status === 'in_progress' ? `Working on ${id}` : null,
    attempt: 1,
    blockedBy,
    stageWaits: blockedBy.length,
  });
  const tasks: TaskColumns = { ready: [], blocked: [], in_progress: [], done: [] };
  for (let id = 1; id <= 500; id++) {
    if (id <= 150) tasks.done.unshift(task(id, 'completed'));
    else if (id <= 170) tasks.in_progress.push(task(id, 'in_progress'));
    else if (id <= 200) tasks.ready.push(task(id, 'pending'));
    else tasks.blocked.push(task(id, 'pending', [id - 1, 170, 169, 168]));
  }
  const events: BoardEvent[] = Array.from({ length: 200 }, (_, i) => ({
    runId: 1,
    seq: i + 1,
    ts: T0 + i * 1000,
    actor: `member-${String((i % 20) + 1).padStart(2, '0')}`,
    type: 'tool.called',
    payload: { member: `member-${String((i % 20) + 1).padStart(2, '0')}`, tool: 'Bash', summary: `python step.py --task ${i}`, ok: true },
  }));
  return {
    run: {
      id: 1,
      team: 'bench',
      status: 'running',
      state: 'running',
      statusReason: null,
      backend: 'sim',
      seed: 1,
      workspace: '/tmp/bench',
      budgetUsd: 50,
      budgetTokens: null,
      pipeline: PIPELINE,
      startedAt: T0,
      endedAt: null,
      elapsedMs: 200_000,
      workMs: 200_000,
      ticking: true,
      unsandboxed: false,
    },
    members,
    tasks,
    taskCount: 500,
    doneCount: 150,
    stages: [],
    simulatedCount: 0,
    gates: [],
    questions: [],
    events,
    lastSeq: 200,
    totals: { inputTokens: 400_000, outputTokens: 80_000, cacheReadTokens: 0, cacheWriteTokens: 0, tokens: 480_000, costUsd: 2, calls: 200 },
  };
}

function state(snapshot: BoardSnapshot, size: Size): FrameState {
  return plainFrameState(snapshot, size, T0 + 200_000);
}

/** The board's rows in a root box that clips (as the board drew them before issue 13). */
function Clipped(props: FrameState) {
  const width = props.size.columns;
  const rows = frameLines(props).map((line) => toAnsi(line, width, true));
  return (
    <Box flexDirection="column" width={width} height={rows.length} overflow="hidden">
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate-end">
          {row === '' ? ' ' : row}
        </Text>
      ))}
    </Box>
  );
}

/** A line as nested Ink Texts, one per styled segment. */
function Segments({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((s, i) => (
            <Text key={i} bold={s.bold ?? false} dimColor={s.dim ?? false} italic={s.italic ?? false} inverse={s.inverse ?? false} {...(s.color ? { color: s.color } : {})}>
              {s.text}
            </Text>
          ))}
    </Text>
  );
}

/** The same board drawn with Ink components: flexbox boxes for the columns, Text per segment. */
function ComponentBoard({ snapshot, size }: { snapshot: BoardSnapshot; size: Size }) {
  const width = size.columns;
  const layout = layoutMode(width);
  const height = frameHeight(size);
  const header = headerLines(snapshot, T0 + 200_000, width, 3);
  const rest = height - header.length - 1;
  const split = splitBody(rest, snapshot.members.length, layout);
  const rowHeights = allocateRows(split.tasks, gridRowNeeds(snapshot.tasks, layout));
  const perRow = cellsPerRow(layout);
  const cellWidth = Math.floor((width - (perRow - 1)) / perRow);
  const rows: (typeof COLUMN_ORDER)[] = [];
  for (let i = 0; i < COLUMN_ORDER.length; i += perRow) rows.push(COLUMN_ORDER.slice(i, i + perRow));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {header.map((line, i) => (
        <Segments key={`h${i}`} line={line} />
      ))}
      {rows.map((keys, r) => (
        <Box key={`r${r}`} flexDirection="row" columnGap={1} height={rowHeights[r] ?? 0}>
          {keys.map((key) => (
            <Box key={key} flexDirection="column" width={cellWidth} overflow="hidden">
              {columnLines(key, snapshot.tasks[key], snapshot, cellWidth, rowHeights[r] ?? 0, null).map((line, i) => (
                <Segments key={i} line={line} />
              ))}
            </Box>
          ))}
        </Box>
      ))}
      <Box flexDirection="column" height={split.members}>
        {membersLines(snapshot.members, width, split.members, layout, { snapshot, now: T0 + 200_000, spin: 0 }).map((line, i) => (
          <Segments key={i} line={line} />
        ))}
      </Box>
      <Box flexDirection="column" height={split.feed}>
        {feedLines(snapshot.events, snapshot.run.startedAt, width, split.feed).map((line, i) => (
          <Segments key={i} line={line} />
        ))}
      </Box>
      <Segments line={footerLine({ focus: 'board', mode: 'attach', runId: 1, runState: 'running', hasQuestion: false, typing: false, files: false, confirmStop: false, notice: null, error: null }, width)} />
    </Box>
  );
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeMs(fn: () => void, repeats = 60): number {
  for (let i = 0; i < 5; i++) fn();
  // CPU time of this process rather than wall time: other processes on the machine do not count.
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

const snapshot = bigSnapshot();
const sizes: Size[] = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
  { columns: 240, rows: 80 },
];
console.log(`NODE_ENV=${process.env.NODE_ENV ?? 'unset'}, Node ${process.version}; median of 60 frames, ms`);
console.log('| size | lines only | rows written by the Screen (the live board) | one Text a row through Ink, root not clipped (tests) | the same, root clipped | Ink components (Text per segment, flexbox columns) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const size of sizes) {
  const lines = timeMs(() => frameLines(state(snapshot, size)).map((line) => toAnsi(line, size.columns, true)));
  const screen = timeMs(() => drawFrame(snapshot, size, true, T0 + 200_000));
  const board = timeMs(() => renderToString(<BoardView color {...state(snapshot, size)} />, { columns: size.columns }));
  const clipped = timeMs(() => renderToString(<Clipped {...state(snapshot, size)} />, { columns: size.columns }));
  const components = timeMs(() => renderToString(<ComponentBoard snapshot={snapshot} size={size} />, { columns: size.columns }));
  console.log(`| ${size.columns}×${size.rows} | ${lines.toFixed(2)} | ${screen.toFixed(2)} | ${board.toFixed(2)} | ${clipped.toFixed(2)} | ${components.toFixed(2)} |`);
}
