/** The run cannot start or go on; the message says why and what to do. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}
