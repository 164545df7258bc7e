/**
 * What only the PostgreSQL store has: connections to a server, notifications between processes,
 * retries. Runs in the board-postgres project only (vitest.config.ts); the rules themselves are
 * checked by the rest of test/board on both backends.
 */
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';
import { databaseUrl, dropDatabase, POSTGRES_URL_ENV } from '../helpers/postgres.js';

/** How many migrations drizzle-kit generated for PostgreSQL (its journal lists each once). */
function migrationCount(): number {
  const journal: unknown = JSON.parse(fs.readFileSync(new URL('../../db/postgres/migrations/meta/_journal.json', import.meta.url), 'utf8'));
  if (typeof journal !== 'object' || journal === null || !('entries' in journal) || !Array.isArray(journal.entries)) throw new Error('db/postgres/migrations/meta/_journal.json has no entries');
  return journal.entries.length;
}

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: [] });
});

afterEach(async () => {
  await t.cleanup();
});

function server(): string {
  const url = process.env[POSTGRES_URL_ENV];
  if (!url) throw new Error(`${POSTGRES_URL_ENV} is not set`);
  return url;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Close every connection the board processes have to this database, as a server restart would. */
async function dropConnections(url: string): Promise<number> {
  const database = new URL(url).pathname.slice(1);
  return admin(async (client) => {
    const result = await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'teamboard'", [database]);
    return result.rowCount ?? 0;
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

describe('reaching the server', () => {
  it('names the host and port of a server that is not there, in one line, without the password', async () => {
    const port = await closedPort();
    const error = await caught(() => openBoard(`postgres://team:secret@127.0.0.1:${port}/teamboard`));
    expect(error).toEqual({
      name: 'BoardError',
      code: 'storage',
      message:
        `cannot reach the PostgreSQL board at 127.0.0.1:${port} (connection refused); check that the server is running and listening there ` +
        `(\`pg_isready -h 127.0.0.1 -p ${port}\`) and that --board / TEAM_BOARD_URL is right`,
    });
  });

  it('says where the board is without the password', async () => {
    const url = new URL(t.file);
    url.password = 'secret';
    const board = await openBoard(url.toString());
    try {
      expect(board.location).toBe(`postgres://postgres@${url.hostname}:${url.port}${url.pathname}`);
    } finally {
      await board.close();
    }
  });

  it('refuses a database with no board when one must exist, and creates one otherwise', async () => {
    const url = databaseUrl(server(), `board_${process.pid}_fresh`);
    const where = new URL(url);
    expect(await caught(() => openBoard(url, { mustExist: true }))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `no board at postgres ${where.hostname}:${where.port}${where.pathname}; start a run there with \`team start <team> --board <url>\``,
    });
    // Several processes opening a fresh database at once: one creates and migrates it, all get the board.
    const boards = await Promise.all([1, 2, 3, 4].map(() => openBoard(url)));
    try {
      const runs = await Promise.all(boards.map((b) => b.listRuns()));
      expect(runs).toEqual([[], [], [], []]);
      const migrations = await admin(async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const rows = (await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows;
        await client.end();
        return rows;
      });
      // Each migration applied once, however many processes opened the fresh database together.
      expect(migrations).toEqual([{ n: migrationCount() }]);
    } finally {
      await Promise.all(boards.map((b) => b.close()));
      await dropDatabase(server(), url);
    }
  });
});

describe('dropped connections', () => {
  it('goes on after the server closes every connection, and wakes waiters once it listens again', async () => {
    await t.board.createTask(t.runId, { subject: 'Before' }, human);
    const version = await t.board.version(t.runId);
    const waiting = t.board.waitForChange(t.runId, 60_000);
    expect(await dropConnections(t.file)).toBeGreaterThan(1);
    await waiting;
    expect((await t.board.createTask(t.runId, { subject: 'After' }, human)).id).toBe(2);
    expect(await t.board.version(t.runId)).not.toBe(version);
    expect((await t.board.listTaskRows(t.runId)).map((r) => r.subject)).toEqual(['Before', 'After']);
  });
});

describe('notifications', () => {
  it("wakes another process's waiter when a change commits, and changes its version", async () => {
    const other = await openBoard(t.file);
    try {
      const version = await other.version(t.runId);
      const waiting = other.waitForChange(t.runId, 60_000);
      await t.board.createTask(t.runId, { subject: 'Profile' }, human);
      await waiting;
      expect(await other.version(t.runId)).not.toBe(version);
    } finally {
      await other.close();
    }
  });

  it('changes the version but wakes nobody for a commit with no event (the event cursor, a heartbeat), here or in another process', async () => {
    const other = await openBoard(t.file);
    try {
      const versions = { here: await t.board.version(t.runId), there: await other.version(t.runId) };
      const woken = { here: false, there: false };
      const waiting = {
        here: t.board.waitForChange(t.runId, 60_000).then(() => (woken.here = true)),
        there: other.waitForChange(t.runId, 60_000).then(() => (woken.there = true)),
      };
      await t.board.updateRun(t.runId, { eventCursor: 1 });
      expect(await t.board.version(t.runId)).not.toBe(versions.here);
      // The other process hears of it (its version changes) and its waiter sleeps on.
      for (let i = 0; i < 2_000 && (await other.version(t.runId)) === versions.there; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await other.version(t.runId)).not.toBe(versions.there);
      await t.board.heartbeat(t.runId, ['ds']);
      await Promise.resolve();
      expect(woken).toEqual({ here: false, there: false });

      await t.board.createTask(t.runId, { subject: 'Profile' }, human);
      await Promise.all([waiting.here, waiting.there]);
      expect(woken).toEqual({ here: true, there: true });
    } finally {
      await other.close();
    }
  });
});

describe('conflicts', () => {
  it('runs a transaction again when it deadlocks with another, and both land', async () => {
    await t.board.createTasks(t.runId, [{ subject: 'A' }, { subject: 'B' }], human);
    let started = 0;
    let bothStarted: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothStarted = resolve));
    const crossing = (first: number, second: number, mark: string) =>
      t.board.transaction(async (tx) => {
        await tx.updateTask(t.runId, first, { metadata: { [mark]: 1 } }, human);
        if (++started === 2) bothStarted();
        await barrier;
        await tx.updateTask(t.runId, second, { metadata: { [mark]: 2 } }, human);
      });
    await Promise.all([crossing(1, 2, 'x'), crossing(2, 1, 'y')]);
    // Without the retry, one of the two would fail with PostgreSQL's deadlock error.
    expect((await t.board.listTaskRows(t.runId)).map((r) => r.metadata)).toEqual([
      { x: 1, y: 2 },
      { x: 2, y: 1 },
    ]);
  });
});

describe('stored text', () => {
  it('keeps a NUL character out of the database instead of failing the write', async () => {
    await t.board.createTask(t.runId, { subject: 'Read', metadata: { output: 'a\u0000b', escaped: '\\u0000' } }, human);
    await t.board.appendEvent(t.runId, 'ds', { type: 'member.said', payload: { member: 'ds', text: 'x\u0000y' } });
    expect((await t.board.getTask(t.runId, 1))?.metadata).toEqual({ output: 'a\ufffdb', escaped: '\\u0000' });
    expect((await t.events()).at(-1)?.payload).toEqual({ member: 'ds', text: 'x\ufffdy' });
  });

  it('gives a transcript back with its keys in the order written (the prompt cache sees the same bytes)', async () => {
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'go', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: [{ type: 'tool_use', name: 'Bash', input: { command: 'ls', description: 'list' }, id: 'tu_1' }] },
    ];
    await t.board.saveTranscript(t.runId, 'ds', 0, messages, { started: ['tu_1'], question: null });
    const loaded = await t.board.loadTranscript(t.runId, 'ds');
    expect(JSON.stringify(loaded?.messages)).toBe(JSON.stringify(messages));
    await t.board.saveTranscript(t.runId, 'ds', 1, [{ role: 'assistant', content: 'short' }], null);
    expect(await t.board.loadTranscript(t.runId, 'ds')).toEqual({ messages: [messages[0], { role: 'assistant', content: 'short' }], inFlight: null });
  });
});
