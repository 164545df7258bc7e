import { BoardError } from '../errors.js';

/** Where a board URL points, for messages: never the password. */
export interface Where {
  host: string;
  port: number;
  database: string;
  user: string;
  /** host:port/database, as people read it */
  label: string;
}

/**
 * A board URL as a URL object. libpq's form for a unix socket, `postgres://user@/db?host=/run/postgresql`,
 * has no host part, which URL does not accept: the socket folder in `host=` stands for it.
 */
export function parseBoardUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    try {
      return new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, '$1localhost'));
    } catch {
      throw new BoardError('invalid', 'the board URL is not a valid postgres:// URL; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE');
    }
  }
}

export function describeUrl(url: string): Where {
  const parsed = parseBoardUrl(url);
  const socketHost = parsed.searchParams.get('host');
  const host = socketHost || decodeURIComponent(parsed.hostname) || process.env.PGHOST || 'localhost';
  const port = Number(parsed.port || parsed.searchParams.get('port') || process.env.PGPORT || 5432);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || process.env.PGDATABASE || decodeURIComponent(parsed.username) || 'postgres';
  const user = decodeURIComponent(parsed.username) || parsed.searchParams.get('user') || process.env.PGUSER || process.env.USER || 'postgres';
  return { host, port, database, user, label: `${host}:${port}/${database}` };
}

/** The error and what caused it: drizzle wraps the driver's error ("Failed query: ...") with it as the cause. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [error];
  for (let e: unknown = error; e instanceof Error && e.cause !== undefined && chain.length < 5; e = e.cause) chain.push(e.cause);
  return chain;
}

function ownCode(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}

/** The SQLSTATE or system error code of the error or of what caused it. */
export function codeOf(error: unknown): string {
  return causes(error).map(ownCode).find((code) => code !== '') ?? '';
}

/** The driver's own message (not drizzle's wrapper with the whole query). */
export function messageOf(error: unknown): string {
  const root = causes(error).at(-1);
  return root instanceof Error ? root.message : String(root);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The connection broke or could not be made (as opposed to a statement the server refused). */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  if (NETWORK_CODES.has(code)) return true;
  // A unix socket that is not there (the server is not running on this machine).
  if (code === 'ENOENT' && causes(error).some((e) => typeof e === 'object' && e !== null && 'syscall' in e && e.syscall === 'connect')) return true;
  // Class 08: connection exception; 57P01-57P03: the server is shutting down or starting up.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout expired/i.test(messageOf(error));
}

/** Serialization failure or deadlock: the transaction did nothing and may simply run again. */
export function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01';
}

/** A unique key was taken by a transaction that committed after our checks: running again lets the rules see it. */
export function isUniqueRace(error: unknown): boolean {
  return codeOf(error) === '23505';
}

/**
 * Failures of the server or the connection, as one line naming where the board is and what to
 * check; null for errors that are not about reaching the database (rule errors, bugs).
 */
export function connectionProblem(error: unknown, where: Where): BoardError | null {
  const code = codeOf(error);
  const at = `the PostgreSQL board at ${where.host}:${where.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new BoardError('storage', `cannot reach ${at} (connection refused); check that the server is running and listening there (\`pg_isready -h ${where.host} -p ${where.port}\`) and that --board / TEAM_BOARD_URL is right`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new BoardError('storage', `cannot reach ${at}: the host name ${where.host} does not resolve; check the host in --board / TEAM_BOARD_URL`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new BoardError('storage', `cannot reach ${at} (${code}); check the network and any firewall between this machine and ${where.host}:${where.port}`);
    case 'ENOENT':
      if (!isConnectionError(error)) return null;
      return new BoardError('storage', `cannot reach ${at}: no server socket there; check that the server is running and the socket folder in the URL is right`);
    case '28P01':
      return new BoardError('storage', `${at} refused user ${where.user}: wrong password; check the user and password in --board / TEAM_BOARD_URL (or PGPASSWORD)`);
    case '28000':
      return new BoardError('storage', `${at} does not let user ${where.user} connect from here (${messageOf(error)}); check the user in the URL and the server's pg_hba.conf`);
    case '3D000':
      return new BoardError('not_found', `${at} has no database ${where.database}; create it (\`createdb -h ${where.host} -p ${where.port} ${where.database}\`) or start a run there with \`team start\``);
    case '53300':
      return new BoardError('storage', `${at} has no free connections (too many clients); raise max_connections on the server or run fewer processes`);
    case '57P01':
    case '57P02':
    case '57P03':
      return new BoardError('storage', `${at} is shutting down or starting up; try again in a moment`);
    case '53100':
      return new BoardError('storage', `the disk of ${at} is full; free some space on the server, then \`team resume\` the run`);
    case '25006':
      return new BoardError('storage', `${at} is read-only (a standby or a read-only transaction); point --board at the primary server`);
  }
  if (isConnectionError(error)) {
    return new BoardError('storage', `lost the connection to ${at} (${messageOf(error)}); check that the server is up, then try again (\`team resume\` goes on with a run)`);
  }
  if (code === '22021' || code === '22P05') {
    return new BoardError('invalid', `${at} cannot store this text: it contains a NUL character or bytes that are not UTF-8; remove them and try again`);
  }
  return null;
}
