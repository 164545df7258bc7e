/** Moved to src/models/fake/messages-api.ts; this re-export keeps `team sim-server` building until the CLI imports the new path. Delete it then. */
export * from './fake/messages-api.js';
