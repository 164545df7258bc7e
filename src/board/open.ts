import path from 'node:path';
import { teamHome } from '../shared/paths.js';
import type { Board } from './board.js';
import { createBoard } from './create-board.js';
import { BoardError } from './errors.js';
import { openSqliteStore } from './sqlite/store.js';
import { createClock } from './clock.js';

export interface OpenOptions {
  /** Refuse to create anything: a missing board file is an error (read-only commands). */
  mustExist?: boolean;
}

/** Is this a PostgreSQL connection string rather than a file? */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The board a command uses: --board, else $TEAM_BOARD_URL, else board.db in the nearest .team/ (or $TEAM_HOME). */
export function boardLocation(env: NodeJS.ProcessEnv, cwd: string, flag?: string): string {
  const given = flag ?? env.TEAM_BOARD_URL;
  if (given) return isPostgresUrl(given) ? given : path.resolve(cwd, given);
  return path.join(teamHome(env, cwd), 'board.db');
}

/** Open a board: a SQLite file path, or a postgres:// URL. */
export async function openBoard(location: string, options: OpenOptions = {}): Promise<Board> {
  if (isPostgresUrl(location)) {
    const { openPostgresStore } = await import('./postgres/store.js').catch((error: unknown) => {
      throw new BoardError('invalid', `PostgreSQL boards are not available in this build (${error instanceof Error ? error.message : String(error)})`);
    });
    const clock = createClock();
    return createBoard(await openPostgresStore(location, options, clock), clock);
  }
  const clock = createClock();
  return createBoard(openSqliteStore(location, options, clock), clock);
}
