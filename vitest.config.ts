import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

const BOARD_TESTS = ['test/board/**/*.test.ts'];
/** Tests of the PostgreSQL store itself (connections, notifications): not part of the shared suite. */
const POSTGRES_ONLY = ['test/board/postgres-*.test.ts'];
/** Tests of the SQLite store itself (opening and migrating a file, its plain-SQL reads): likewise. */
const SQLITE_ONLY = ['test/board/sqlite-*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['node_modules', 'dist', '.team'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest 3 leaves one core free by default: on a 2-core machine that is one file at a time while
    // most files wait on the processes they start. Two forks keep both cores busy.
    maxWorkers: 2,
    // As many forks kept as at most: with at least 1 of at most 3, the pool once ended a fork between
    // projects that was still wanted ("Terminating worker thread") and the run stopped there.
    minWorkers: 2,
    // A fork runs file after file with the modules it already loaded, instead of a new process that
    // loads them again for every file: that was 70 of the suite's 530 CPU-seconds. Tests that change
    // process-wide state (an environment variable, HOME) put it back in their afterAll. (Three forks
    // were no faster than two: the suite is CPU-bound.)
    isolate: false,
    // Longest files first, also in a fresh clone where vitest has no durations cached.
    sequence: { sequencer: LongestFirst },
    // Builds dist/ once; for the board-postgres project, also starts a throwaway PostgreSQL cluster.
    globalSetup: ['test/global-setup.ts'],
    // The terminal board is tested as a person sees it: Ink draws nothing live when it thinks it
    // runs under CI, so tests (and the CLIs they start in tmux) run with CI switched off.
    env: { CI: 'false' },
    // The board's conformance suite (test/board) runs once per backend, with the same files.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'tui/**/*.test.tsx'],
          exclude: BOARD_TESTS,
        },
      },
      {
        extends: true,
        test: { name: 'board-sqlite', include: BOARD_TESTS, exclude: POSTGRES_ONLY, env: { TEAM_TEST_BOARD: 'sqlite' } },
      },
      {
        extends: true,
        test: { name: 'board-postgres', include: BOARD_TESTS, exclude: SQLITE_ONLY, env: { TEAM_TEST_BOARD: 'postgres' }, setupFiles: ['test/helpers/postgres-suite.ts'] },
      },
    ],
  },
});
