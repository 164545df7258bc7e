/**
 * A real terminal for end-to-end tests: a tmux server on its own socket running a plain bash,
 * driven with send-keys and read with capture-pane. Every wait polls the pane with a timeout.
 */
import { spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Say loudly, when a test file loads, that its tmux tests will not run and how to get them back. */
export function warnWithoutTmux(file: string): void {
  if (hasTmux) return;
  console.warn(
    [
      '',
      `!!! SKIPPED ${file}: the system package "tmux" is not installed, so these terminal tests do not run.`,
      '!!! Install it to run them: sudo apt-get install tmux (Debian/Ubuntu), sudo dnf install tmux (Fedora), brew install tmux (macOS).',
      '!!! CI installs tmux, so CI never skips them.',
      '',
    ].join('\n'),
  );
}

/** Variables the shell in the pane must not inherit: CI turns the live board off, a key picks Claude. */
const UNSET = ['CI', 'CONTINUOUS_INTEGRATION', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'TEAM_HOME', 'NO_COLOR'];

export interface TmuxOptions {
  /** Part of the socket name, so parallel test files never share a server. */
  name: string;
  columns: number;
  rows: number;
  /** Folder the shell starts in. */
  cwd?: string;
  session?: string;
}

export interface Tmux {
  readonly socket: string;
  readonly session: string;
  /** Any tmux command on this server; throws with tmux's message when it fails. */
  tmux(...args: string[]): string;
  /** The visible pane; `join` joins lines the terminal wrapped, so a too-wide line shows as one. */
  capture(join?: boolean): string;
  /** A tmux format for the pane, e.g. `#{alternate_on}`. */
  display(format: string): string;
  /** Keys by tmux name (`Enter`, `Down`, `q`, `2`). */
  keys(...keys: string[]): void;
  /** Text sent as it is (no key names), e.g. an answer to type. */
  type(text: string): void;
  /** Type a shell command and press Enter. */
  run(command: string): void;
  resize(columns: number, rows: number): void;
  /** Poll `probe` until it returns a value (not undefined or false); on timeout the error shows the pane. */
  until<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Wait for a pane line matching `pattern`; returns the whole screen. */
  see(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

export function startTmux(opts: TmuxOptions): Tmux {
  const socket = `teamboard-${opts.name}-${process.pid}`;
  const session = opts.session ?? 'e2e';
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const capture = (join = false) => tmux('capture-pane', '-p', ...(join ? ['-J'] : []), '-t', session);
  const until = async <T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> => {
    const start = Date.now();
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the pane shows:\n${capture()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const unset = UNSET.map((name) => `-u ${name}`).join(' ');
  const shell = `env ${unset} PS1='$ ' TERM=xterm-256color bash --norc --noprofile`;
  tmux('new-session', '-d', '-s', session, '-x', String(opts.columns), '-y', String(opts.rows), ...(opts.cwd ? ['-c', opts.cwd] : []), shell);
  return {
    socket,
    session,
    tmux,
    capture,
    display: (format) => tmux('display-message', '-p', '-t', session, format).trim(),
    keys: (...keys) => void tmux('send-keys', '-t', session, ...keys),
    type: (text) => void tmux('send-keys', '-t', session, '-l', text),
    run: (command) => void tmux('send-keys', '-t', session, command, 'Enter'),
    resize: (columns, rows) => void tmux('resize-window', '-t', session, '-x', String(columns), '-y', String(rows)),
    until,
    see: (pattern, timeoutMs) =>
      until(
        `a line matching ${String(pattern)}`,
        () => {
          const screen = capture();
          const found = screen.split('\n').some((line) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line)));
          return found ? screen : undefined;
        },
        timeoutMs,
      ),
    kill: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
  };
}
