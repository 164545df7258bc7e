/** Moved to tool-names.ts; this re-export keeps the CLI building until it imports the new name. Delete it then. */
export * from './tool-names.js';
