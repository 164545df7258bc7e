/**
 * Claude Code's `Bash(...)` permissions: `git:*` allows `git` and `git <anything>`, `npm run build`
 * allows exactly that command. A compound command (`a && b`, `a | b`, `a; b`) is allowed only when
 * every part is.
 */
export function commandAllowed(command: string, patterns: readonly string[]): boolean {
  const parts = command
    .split(/&&|\|\||[;|\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return false;
  return parts.every((part) => patterns.some((pattern) => matches(part, pattern.trim())));
}

function matches(command: string, pattern: string): boolean {
  if (pattern === '*' || pattern === ':*') return true;
  if (pattern.endsWith(':*')) {
    const prefix = pattern.slice(0, -2).trim();
    return command === prefix || command.startsWith(`${prefix} `);
  }
  if (pattern.endsWith('*')) return command.startsWith(pattern.slice(0, -1));
  return command === pattern;
}
