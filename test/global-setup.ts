import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { openBoard } from '../src/board/open.js';
import { POSTGRES_MISSING, POSTGRES_URL_ENV, postgresBinDir, prepareTemplate, startPostgresCluster } from './helpers/postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the files under these folders. */
function newest(dirs: string[]): number {
  let latest = 0;
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else latest = Math.max(latest, fs.statSync(full).mtimeMs);
    }
  };
  dirs.forEach((d) => walk(path.join(root, d)));
  return latest;
}

/**
 * Tests that run the CLI use the compiled `dist/`. Build it once, before any test starts, when it
 * is missing or older than the sources, so no test rebuilds it while others are running it.
 */
function build(): void {
  const built = newest(['dist']);
  if (built > 0 && built >= newest(['src', 'db', 'tui'])) return;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

/** Opening a board applies the migrations. */
async function migratePostgresBoard(url: string): Promise<void> {
  const board = await openBoard(url);
  await board.close();
}

/**
 * The `board-postgres` project runs test/board against PostgreSQL: a throwaway cluster for this run
 * (or the server in TEAM_TEST_POSTGRES_URL), with a migrated template database for fresh test boards.
 * Returns the teardown that stops the cluster.
 */
export async function startPostgres(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env[POSTGRES_URL_ENV];
  if (given) {
    await prepareTemplate(given, migratePostgresBoard);
    project.provide('postgresUrl', given);
    return undefined;
  }
  const bin = postgresBinDir();
  if (!bin) {
    console.warn(`\n*** ${POSTGRES_MISSING}\n`);
    project.provide('postgresUrl', '');
    return undefined;
  }
  const cluster = await startPostgresCluster(bin);
  try {
    await prepareTemplate(cluster.url, migratePostgresBoard);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  project.provide('postgresUrl', cluster.url);
  // Test files of other projects that need a server (test/e2e/workers.test.ts) use this one
  // instead of starting their own: the forks are started after the global setups, with this env.
  process.env[POSTGRES_URL_ENV] = cluster.url;
  return async () => {
    delete process.env[POSTGRES_URL_ENV];
    await cluster.stop();
  };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  build();
  if (project.name !== 'board-postgres') return undefined;
  return startPostgres(project);
}
