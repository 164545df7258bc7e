import { render } from 'ink-testing-library';
import { BoardApp, type BoardMode, type ExitReason } from '../../tui/BoardApp.js';
import type { Size } from '../../tui/layout.js';
import { expect } from 'vitest';
import { plain, waitFor, type TestBoard } from './helpers.js';

export interface Harness {
  frame(): string;
  frames(): number;
  press(...keys: string[]): Promise<void>;
  /** Wait until the frame contains the text (renders trail key presses and board reads by a tick or two). */
  see(text: string | RegExp): Promise<void>;
  exits: ExitReason[];
  rerender(size: Size): void;
  stdout: ReturnType<typeof render>['stdout'];
  unmount(): void;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/**
 * Mount the board app on an in-memory terminal, polling fast so tests see changes quickly, and
 * wait for its first read of the board (the run's header, or why it cannot be shown).
 * `size` null follows the (fake) terminal's own size and resize events.
 */
export async function mountBoard(tb: TestBoard, size: Size | null = { columns: 120, rows: 40 }, mode: BoardMode = 'attach'): Promise<Harness> {
  const exits: ExitReason[] = [];
  const element = (s: Size | null) => <BoardApp board={tb.board} runId={tb.runId} mode={mode} size={s ?? undefined} pollMs={20} onExit={(r) => exits.push(r)} />;
  const instance = render(element(size));
  const see = async (text: string | RegExp) => {
    await waitFor(() => {
      const frame = plain(instance.lastFrame());
      if (typeof text === 'string') expect(frame).toContain(text);
      else expect(frame).toMatch(text);
    });
  };
  await waitFor(() => expect(plain(instance.lastFrame())).not.toMatch(/^reading run \d+…$/m));
  return {
    frame: () => plain(instance.lastFrame()),
    frames: () => instance.frames.length,
    async press(...keys: string[]) {
      for (const key of keys) {
        instance.stdin.write(key);
        await tick();
      }
    },
    see,
    exits,
    rerender: (s) => instance.rerender(element(s)),
    stdout: instance.stdout,
    unmount: () => instance.unmount(),
  };
}
