import crypto from 'node:crypto';
import fs from 'node:fs';
import { resolve } from './paths.js';
import { predictProba } from './models.js';
import { transformRow } from './preprocess.js';

export const BUNDLE_FILE = 'dist/model-bundle.json';

export function checksumOf(preprocess, model) {
  return crypto.createHash('sha256').update(JSON.stringify({ preprocess, model })).digest('hex');
}

/** Loads the packaged model and refuses it when its checksum does not match its content. */
export function loadBundle(relative = BUNDLE_FILE) {
  const file = resolve(relative);
  if (!fs.existsSync(file)) throw new Error(`${relative} not found; run \`node scripts/package.js\` first`);
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  const actual = checksumOf(bundle.preprocess, bundle.model);
  if (actual !== bundle.checksum?.value) {
    throw new Error(`${relative} is corrupt: checksum ${actual.slice(0, 12)} does not match ${String(bundle.checksum?.value).slice(0, 12)}; run \`node scripts/package.js\` again`);
  }
  return bundle;
}

/** Raw subscriber fields in, churn probability out: the same path for offline and online scoring. */
export function scoreRaw(bundle, raw) {
  return predictProba(bundle.model, transformRow(raw, bundle.preprocess));
}
