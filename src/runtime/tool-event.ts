/** What the board keeps of a tool call beyond its summary: a command's exit code and last lines, the files a call wrote. */
export interface ToolCallDetails {
  exitCode?: number | null;
  /** The last lines of a command's stdout, then its stderr. */
  output?: string[];
  /** Workspace files the call wrote (as the tool reported them, relative to the workspace). */
  files?: string[];
}

/** How many lines of a command's output the event keeps; the transcript holds the rest while it is kept. */
export const OUTPUT_TAIL_LINES = 12;
/** Longer lines are cut: the board shows one terminal row per line. */
export const OUTPUT_LINE_CHARS = 200;

const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * The details of one tool call for its `tool.called` event, from the call's input and the result
 * the model got. Pure: the result is the JSON text the tool returned (Bash: {exitCode, stdout,
 * stderr}; Write and Edit: {ok, path}); anything else gives no details.
 */
export function toolCallDetails(toolName: string, input: unknown, resultContent: string, isError: boolean): ToolCallDetails {
  const result = parseObject(resultContent);
  if (toolName === 'Bash') {
    if (result === null || !('exitCode' in result)) return {};
    const exitCode = typeof result.exitCode === 'number' && Number.isInteger(result.exitCode) ? result.exitCode : null;
    const output = outputTail(text(result.stdout), text(result.stderr));
    return output.length > 0 ? { exitCode, output } : { exitCode };
  }
  if (toolName === 'Write' || toolName === 'Edit') {
    if (isError) return {};
    const reported = result !== null && typeof result.path === 'string' ? result.path : null;
    const given = isRecord(input) && typeof input.file_path === 'string' ? input.file_path : null;
    const file = reported ?? given;
    return file ? { files: [file] } : {};
  }
  return {};
}

/** The last lines of stdout followed by stderr, without colours or control characters, each cut to one row. */
export function outputTail(stdout: string, stderr: string, lines = OUTPUT_TAIL_LINES): string[] {
  const all = [...outputLines(stdout), ...outputLines(stderr)];
  return all.slice(-lines).map((line) => (line.length > OUTPUT_LINE_CHARS ? `${line.slice(0, OUTPUT_LINE_CHARS - 1)}…` : line));
}

/** A command's output as lines a terminal can show: escapes and control characters removed, trailing blank lines dropped. */
export function outputLines(output: string): string[] {
  if (output === '') return [];
  const lines = output
    .replace(/\r\n/g, '\n')
    .split('\n')
    // A carriage return redraws the line (progress bars): what stays on screen is the last part.
    .map((line) => (line.split('\r').at(-1) ?? '').replace(ANSI, '').replace(/\t/g, '    ').replace(CONTROL, ''));
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseObject(content: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(content);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
