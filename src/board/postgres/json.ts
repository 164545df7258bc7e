/**
 * PostgreSQL text cannot hold U+0000, which command output can contain; SQLite stores it. JSON
 * going to the database has each NUL replaced by U+FFFD instead of failing the write.
 */

// An escaped NUL (\u0000) preceded by an even number of backslashes, i.e. not itself escaped text.
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** JSON text with every NUL character replaced. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.includes('\\u0000') ? text.replace(ESCAPED_NUL, '$1\\ufffd') : text;
}

/** The value itself when it holds no NUL character, else a copy with each replaced. */
export function withoutNul<T>(value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes('\\u0000')) return value;
  return JSON.parse(text.replace(ESCAPED_NUL, '$1\\ufffd'));
}
