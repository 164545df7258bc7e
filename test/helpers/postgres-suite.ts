/**
 * Setup file of the `board-postgres` vitest project: hands the test run's server (started by
 * test/global-setup.ts) to the test helpers, or, when PostgreSQL is not installed, says so loudly
 * and skips every test of the file.
 */
import { beforeEach, inject } from 'vitest';
import { POSTGRES_MISSING, POSTGRES_URL_ENV } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test run's PostgreSQL server ('' when PostgreSQL is not installed). */
    postgresUrl: string;
  }
}

const url = inject('postgresUrl');
if (url) {
  process.env[POSTGRES_URL_ENV] = url;
} else {
  console.warn(`\n*** ${POSTGRES_MISSING}\n`);
  beforeEach((context) => {
    context.skip('PostgreSQL is not installed (apt-get install postgresql)');
  });
}
