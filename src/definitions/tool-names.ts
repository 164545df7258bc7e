/** Tools that let a member work the board; every member gets them, whatever its definition says. */
export const BOARD_TOOLS = ['TaskCreate', 'TaskList', 'TaskGet', 'TaskUpdate', 'AskUserQuestion', 'SendMessage'] as const;

/** Tools that work inside the run's workspace. */
export const WORKSPACE_TOOLS = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const;

/** Every tool teamboard provides. */
export const KNOWN_TOOLS: readonly string[] = [...BOARD_TOOLS, ...WORKSPACE_TOOLS];

const knownByLowerCase = new Map(KNOWN_TOOLS.map((name) => [name.toLowerCase(), name]));

export interface ToolEntry {
  /** Tool name as written, e.g. Bash, mcp__github__search. */
  name: string;
  /** The argument inside parentheses, e.g. `git:*` for `Bash(git:*)`. */
  pattern?: string;
}

/** Split a comma (or space) separated tool string, keeping commas and spaces inside parentheses. */
export function splitToolString(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  const flush = (): void => {
    const trimmed = current.trim();
    if (trimmed !== '') parts.push(trimmed);
    current = '';
  };
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ',' || /\s/.test(char))) {
      flush();
      continue;
    }
    current += char;
  }
  flush();
  return parts;
}

/** `Bash(git:*)` -> { name: 'Bash', pattern: 'git:*' }. */
export function parseToolEntry(text: string): ToolEntry {
  const match = /^([^()\s]+)\((.*)\)$/s.exec(text.trim());
  if (!match) return { name: text.trim() };
  const [, name = '', pattern = ''] = match;
  return pattern.trim() === '' ? { name } : { name, pattern: pattern.trim() };
}

/** The canonical spelling of a tool we provide (`bash` -> `Bash`), or undefined when we do not provide it. */
export function canonicalToolName(name: string): string | undefined {
  return knownByLowerCase.get(name.toLowerCase());
}

export function isBoardTool(name: string): boolean {
  return (BOARD_TOOLS as readonly string[]).includes(name);
}
