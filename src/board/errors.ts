export type BoardErrorCode =
  | 'not_found'
  | 'blocked'
  | 'gated'
  | 'role'
  | 'owned'
  | 'not_owner'
  | 'cycle'
  | 'invalid'
  | 'state'
  /** The database itself failed (read-only, damaged, full, unreachable): the message names it and the fix. */
  | 'storage';

/** A board rule was broken or the input names something that does not exist. The message is for the caller to read and act on. */
export class BoardError extends Error {
  override name = 'BoardError';
  constructor(
    readonly code: BoardErrorCode,
    message: string,
  ) {
    super(message);
  }
}
