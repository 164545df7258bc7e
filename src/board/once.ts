/** A value made on first use, then kept: statements each store prepares only when a command needs them. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
