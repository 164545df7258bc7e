/**
 * A throwaway PostgreSQL cluster for the test run, and a fresh database per test board.
 *
 * The global setup starts one cluster (initdb + pg_ctl in a temp folder, a free port, its unix socket
 * in the same folder, trust auth on localhost, no fsync) and migrates a template database once; a
 * test process copies it (`CREATE DATABASE ... TEMPLATE`) and empties it again between its tests.
 * Postgres refuses to run as root, so as root the binaries run as the `postgres` user.
 * TEAM_TEST_POSTGRES_URL (a server of your own, any database on it) skips the cluster.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Where the test run's server is (an admin URL: any database on it), set by the global setup. */
export const POSTGRES_URL_ENV = 'TEAM_TEST_POSTGRES_URL';
/** Which backend test/board runs against: `sqlite` (default) or `postgres` (set by the vitest project). */
export const BOARD_BACKEND_ENV = 'TEAM_TEST_BOARD';
export const TEMPLATE_DB = 'teamboard_template';

export const POSTGRES_MISSING =
  'PostgreSQL is not installed, so the PostgreSQL board tests are SKIPPED. Install it (Debian/Ubuntu: `apt-get install postgresql`; ' +
  'macOS: `brew install postgresql`) or point TEAM_TEST_POSTGRES_URL at a server you may create databases on.';

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: the newest Debian install, else the PATH; undefined when absent. */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => fs.existsSync(path.join(debian, v, 'bin', 'initdb')) && fs.existsSync(path.join(debian, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Run a postgres binary as a user it accepts: `postgres` when we are root, ourselves otherwise. */
function runPg(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Start a cluster in a temp folder; `stop()` shuts it down and removes the folder. */
export async function startPostgresCluster(binDir: string): Promise<PostgresCluster> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'teamboard-pg-')));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const port = await freePort();
  runPg(path.join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // A throwaway cluster: durability buys nothing, and claim races from several processes need connections.
  const settings = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 400',
    'shared_buffers = 64MB',
  ];
  fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
  runPg(path.join(binDir, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        runPg(path.join(binDir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The same server as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'teamboard-tests' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Create the template database and apply the board's migrations to it (through the store's own open). */
export async function prepareTemplate(url: string, migrate: (databaseUrl: string) => Promise<void>): Promise<void> {
  await withAdmin(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await migrate(databaseUrl(url, TEMPLATE_DB));
}

/** Connections the test helpers make: told apart from the boards' own (`teamboard`), which tests may cut. */
const HELPER_APP = 'teamboard-tests';

let admin: { client: pg.Client; copy: string } | undefined;
let created = 0;
/** Emptied databases of this process, ready for the next test board. */
const free: string[] = [];
/** A connection to each test database, for emptying it. */
const cleaners = new Map<string, pg.Client>();
/** The admin connection runs one statement at a time. */
let adminQueue: Promise<unknown> = Promise.resolve();

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: HELPER_APP });
  await client.connect();
  client.on('error', () => undefined);
  return client;
}

/** One admin connection per test process, for creating and dropping test databases. */
async function adminQuery(url: string, text: string): Promise<void> {
  const run = async (): Promise<void> => {
    if (!admin) {
      const client = await connected(url);
      const version = Number((await client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num'])).rows[0]?.v ?? 0);
      // Copying the template's files is faster than logging every page for a database this small (PostgreSQL 15+).
      admin = { client, copy: version >= 150000 ? ' STRATEGY FILE_COPY' : '' };
    }
    await admin.client.query(text.replace('$COPY', admin.copy));
  };
  const next = adminQueue.then(run, run);
  adminQueue = next.catch(() => undefined);
  return next;
}

/**
 * A fresh, migrated, empty database for one test board; returns its URL. The first board of a
 * test process gets a copy of the template; later ones get it back emptied (much faster than
 * another copy on a busy machine).
 */
export async function createTestDatabase(url: string): Promise<string> {
  const reused = free.pop();
  if (reused) return reused;
  const name = `board_${process.pid}_${++created}_${Date.now().toString(36)}`;
  await adminQuery(url, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}$COPY`);
  return databaseUrl(url, name);
}

/**
 * Empty a test database for the next test (its board must be closed): deleting the runs deletes
 * every row (foreign keys cascade), and the run and usage ids start again at 1. A database that
 * cannot be emptied (a test left a connection holding locks) is dropped instead.
 */
export async function releaseTestDatabase(url: string, testUrl: string): Promise<void> {
  try {
    let client = cleaners.get(testUrl);
    if (!client) {
      client = await connected(testUrl);
      cleaners.set(testUrl, client);
    }
    await client.query(`SET lock_timeout = '5s'`);
    await client.query('BEGIN; DELETE FROM runs; ALTER TABLE runs ALTER COLUMN id RESTART WITH 1; ALTER TABLE usage ALTER COLUMN id RESTART WITH 1; COMMIT');
    free.push(testUrl);
  } catch {
    const client = cleaners.get(testUrl);
    cleaners.delete(testUrl);
    await client?.end().catch(() => undefined);
    await dropDatabase(url, testUrl);
  }
}

export async function dropDatabase(url: string, testUrl: string): Promise<void> {
  const name = new URL(testUrl).pathname.slice(1);
  if (!/^board_[0-9a-z_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
