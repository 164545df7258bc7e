import { EventEmitter } from 'node:events';

const ENTER_ALT = '\u001B[?1049h\u001B[H';
const LEAVE_ALT = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

function writable(stdout: NodeJS.WriteStream): boolean {
  return !stdout.destroyed && stdout.writable !== false;
}

export function enterAltScreen(stdout: NodeJS.WriteStream): void {
  if (writable(stdout)) stdout.write(ENTER_ALT);
}

export function leaveAltScreen(stdout: NodeJS.WriteStream): void {
  if (writable(stdout)) stdout.write(LEAVE_ALT);
}

/** Cursor shown and raw mode off: what a shell expects back, whatever way the board ended. */
export function restoreTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): void {
  if (writable(stdout)) stdout.write(SHOW_CURSOR);
  if (stdin.isTTY && typeof stdin.setRawMode === 'function' && stdin.isRaw) {
    try {
      stdin.setRawMode(false);
    } catch {
      // stdin may already be closed; nothing left to restore then
    }
  }
}

/** An in-memory terminal to run the board without a TTY (benchmarks, tests): counts writes, takes keys. */
export class HeadlessTerminal {
  readonly stdout: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  writes = 0;
  bytes = 0;
  /** Everything written, when constructed with `keep` (tests); empty otherwise. */
  output = '';

  constructor(columns: number, rows: number, keep = false) {
    const out = new EventEmitter() as EventEmitter & Record<string, unknown>;
    Object.assign(out, {
      columns,
      rows,
      isTTY: false,
      writable: true,
      write: (chunk: string) => {
        this.writes++;
        this.bytes += chunk.length;
        if (keep) this.output += chunk;
        return true;
      },
    });
    this.stdout = out as unknown as NodeJS.WriteStream;
    let pending: string | null = null;
    const input = new EventEmitter() as EventEmitter & Record<string, unknown>;
    Object.assign(input, {
      isTTY: true,
      isRaw: false,
      setRawMode(mode: boolean) {
        input.isRaw = mode;
        return input;
      },
      setEncoding: () => input,
      resume: () => input,
      pause: () => input,
      ref: () => input,
      unref: () => input,
      read: () => {
        const data = pending;
        pending = null;
        return data;
      },
    });
    this.stdin = input as unknown as NodeJS.ReadStream;
    this.press = (data: string) => {
      pending = data;
      input.emit('readable');
    };
  }

  /** Type keys as a terminal would send them. */
  readonly press: (data: string) => void;

  resize(columns: number, rows: number): void {
    Object.assign(this.stdout, { columns, rows });
    this.stdout.emit('resize');
  }
}
