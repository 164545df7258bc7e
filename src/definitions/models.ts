/** Moved to model-aliases.ts; this re-export keeps the CLI building until it imports the new name. Delete it then. */
export * from './model-aliases.js';
