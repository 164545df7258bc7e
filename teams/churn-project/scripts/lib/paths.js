import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root: the folder holding scripts/, so every script works from any cwd. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function resolve(relative) {
  return path.resolve(ROOT, relative);
}

export class MissingInputError extends Error {
  constructor(relative, producer) {
    super(`${relative} not found; run \`node scripts/${producer}\` first`);
    this.name = 'MissingInputError';
  }
}

export function requireFile(relative, producer) {
  const file = resolve(relative);
  if (!fs.existsSync(file)) throw new MissingInputError(relative, producer);
  return file;
}

export function readJson(relative, producer) {
  const file = requireFile(relative, producer);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${relative} is not valid JSON (${error.message}); re-run \`node scripts/${producer}\``);
  }
}

export function writeText(relative, text) {
  const file = resolve(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

export function writeJson(relative, value) {
  return writeText(relative, `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a script body and turns thrown errors into one clear line on stderr and exit code 1. */
export function runMain(name, body) {
  Promise.resolve()
    .then(body)
    .then(
      (code) => {
        if (typeof code === 'number') process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
}
