import { BoardError } from '../errors.js';
import type { BoardClock } from '../clock.js';
import type { OpenOptions } from '../open.js';
import type { Store } from '../store.js';

/** Placeholder until the PostgreSQL backend lands: a clear error instead of a missing module. */
export async function openPostgresStore(location: string, _options: OpenOptions, _clock: BoardClock): Promise<Store> {
  throw new BoardError('invalid', `PostgreSQL boards (${location.replace(/\/\/[^@/]*@/, '//')}) are not supported by this build yet; use a board file`);
}
