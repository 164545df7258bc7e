import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { tempDir, testConfig } from '../helpers/board.js';
import { REPO_ROOT } from '../helpers/workers.js';

/**
 * Opening a SQLite board skips drizzle's migrator when the file already has the newest migration:
 * an older file must still be brought up to date, and processes opening one fresh file together
 * must all get a working board.
 */
const MIGRATIONS = path.join(REPO_ROOT, 'db', 'sqlite', 'migrations');

interface JournalEntry {
  when: number;
  tag: string;
}

function journal(): { entries: JournalEntry[] } & Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(MIGRATIONS, 'meta', '_journal.json'), 'utf8'));
}

const dirs: string[] = [];
function dir(): string {
  const d = tempDir('teamboard-sqlite-open-');
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A board file migrated with all but the newest migration, as an older version left it. */
function olderBoard(file: string): { applied: number } {
  const folder = path.join(path.dirname(file), 'older-migrations');
  fs.cpSync(MIGRATIONS, folder, { recursive: true });
  const j = journal();
  j.entries = j.entries.slice(0, -1);
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(j));
  const sqlite = new Database(file);
  try {
    migrate(drizzle(sqlite), { migrationsFolder: folder });
  } finally {
    sqlite.close();
  }
  return { applied: j.entries.length };
}

function appliedMigrations(file: string): number[] {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite
      .prepare<[], { created_at: number }>('SELECT created_at FROM __drizzle_migrations ORDER BY created_at')
      .all()
      .map((r) => Number(r.created_at));
  } finally {
    sqlite.close();
  }
}

describe('opening a SQLite board file', () => {
  it('brings a file from before the newest migration up to date', async () => {
    const file = path.join(dir(), 'board.db');
    const { applied } = olderBoard(file);
    expect(appliedMigrations(file)).toHaveLength(applied);

    const board = await openBoard(file);
    try {
      // The newest migration's change is in place and the board works through it.
      const run = await board.createRun({ team: 't', backend: 'sim', workspace: '/tmp', config: testConfig('t', []) }, human);
      await board.addMember(run.id, { name: 'ds', agent: 'ds', role: 'data-scientist', model: 'sim' }, human);
      expect(await board.getMember(run.id, 'ds')).toMatchObject({ name: 'ds', workerBeatAt: null });
    } finally {
      await board.close();
    }
    expect(appliedMigrations(file)).toEqual(journal().entries.map((e) => e.when));
  });

  it('opens a file at the newest migration again without changing it', async () => {
    const file = path.join(dir(), 'board.db');
    for (let i = 0; i < 2; i++) {
      const board = await openBoard(file);
      expect(await board.listRuns()).toEqual([]);
      await board.close();
    }
    expect(appliedMigrations(file)).toEqual(journal().entries.map((e) => e.when));
  });

  it('gives every one of several processes opening one fresh file a migrated board', async () => {
    const file = path.join(dir(), 'board.db');
    const open = `const { openBoard } = await import(${JSON.stringify(path.join(REPO_ROOT, 'src', 'board', 'open.ts'))});
      const board = await openBoard(process.argv[1]);
      process.stdout.write(JSON.stringify(await board.listRuns()));
      await board.close();`;
    const children = Array.from({ length: 4 }, () =>
      execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', open, file], { cwd: REPO_ROOT, reject: false, timeout: 60_000 }),
    );
    const results = await Promise.all(children);
    expect(results.map((r) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }))).toEqual(
      results.map(() => ({ exitCode: 0, stdout: '[]', stderr: '' })),
    );
    expect(appliedMigrations(file)).toEqual(journal().entries.map((e) => e.when));
  });
});
