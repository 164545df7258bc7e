import { afterEach, describe, expect, it } from 'vitest';
import { renderBoard } from '../../tui/render-board.js';
import { HeadlessTerminal } from '../../tui/terminal.js';
import { seedBoard, waitFor, type TestBoard } from './helpers.js';

let tb: TestBoard;
afterEach(async () => {
  await tb?.close();
});

const ENTER_ALT = '\u001B[?1049h';
const LEAVE_ALT = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

describe('renderBoard', () => {
  it('draws on the alternate screen, detaches on q and gives the terminal back', async () => {
    tb = await seedBoard();
    const terminal = new HeadlessTerminal(100, 30, true);
    const detached: string[] = [];
    const handle = renderBoard({ board: tb.board, runId: tb.runId, mode: 'owner', stdout: terminal.stdout, stdin: terminal.stdin, altScreen: true, onDetach: () => detached.push('detach') });
    expect(terminal.output.startsWith(ENTER_ALT)).toBe(true);
    await waitFor(() => expect(terminal.output).toContain('churn-project · run 1'));
    expect(terminal.stdin.isRaw).toBe(true);
    terminal.press('q');
    await handle.waitUntilExit();
    expect(detached).toEqual(['detach']);
    expect(terminal.stdin.isRaw).toBe(false);
    const tail = terminal.output.slice(terminal.output.lastIndexOf(LEAVE_ALT));
    expect(tail).toContain(SHOW_CURSOR);
    expect((await tb.board.requireRun(tb.runId)).status).toBe('running');
  });

  it('calls onStop after a confirmed stop, and nothing on unmount', async () => {
    tb = await seedBoard();
    const terminal = new HeadlessTerminal(100, 30, true);
    const calls: string[] = [];
    const handle = renderBoard({
      board: tb.board,
      runId: tb.runId,
      mode: 'owner',
      stdout: terminal.stdout,
      stdin: terminal.stdin,
      onDetach: () => calls.push('detach'),
      onStop: () => calls.push('stop'),
    });
    await waitFor(() => expect(terminal.output).toContain('churn-project · run 1'));
    terminal.press('\u0003');
    await waitFor(() => expect(terminal.output).toContain('Stop run 1?'));
    terminal.press('y');
    await handle.waitUntilExit();
    expect(calls).toEqual(['stop']);
    expect((await tb.board.requireRun(tb.runId)).status).toBe('stopped');
    expect(terminal.output).not.toContain(ENTER_ALT);

    const again = new HeadlessTerminal(100, 30, true);
    const second = renderBoard({ board: tb.board, runId: tb.runId, mode: 'attach', stdout: again.stdout, stdin: again.stdin, onDetach: () => calls.push('detach') });
    second.unmount();
    await second.waitUntilExit();
    expect(calls).toEqual(['stop']);
  });
});
