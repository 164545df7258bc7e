import { defineConfig } from 'drizzle-kit';

/** SQLite, the embedded default. PostgreSQL has its own config: drizzle.postgres.config.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/sqlite/schema.ts',
  out: './db/sqlite/migrations',
});
