import { readCsv } from './csv.js';
import { readJson, requireFile } from './paths.js';
import { LABEL } from './subscribers.js';

/** Reads a feature CSV written by build-features.js into ids, X and y. */
export function loadFeatureFile(relative, features) {
  const { columns, rows } = readCsv(requireFile(relative, 'build-features.js'));
  const missing = features.filter((f) => !columns.includes(f));
  if (missing.length) {
    throw new Error(`${relative} lacks features ${missing.join(', ')}; re-run \`node scripts/build-features.js\``);
  }
  return {
    ids: rows.map((row) => row.customer_id),
    X: rows.map((row) => features.map((f) => Number(row[f]))),
    y: rows.map((row) => Number(row[LABEL])),
  };
}

export function loadRawById() {
  const { rows } = readCsv(requireFile('data/raw/subscribers.csv', 'generate-data.js'));
  return new Map(rows.map((row) => [row.customer_id, row]));
}

/** Stops a later step from silently using artifacts built under an older decision. */
export function assertFresh(config, steps) {
  const meta = readJson('data/raw/meta.json', 'generate-data.js');
  if (meta.churn_definition !== config.churn_definition) {
    throw new Error(
      `data/raw was generated with churn_definition=${meta.churn_definition} but config says ${config.churn_definition}; run \`node scripts/generate-data.js\` and the later steps again`,
    );
  }
  if (steps.includes('features')) {
    const pre = readJson('artifacts/preprocess.json', 'build-features.js');
    if (pre.feature_set !== config.feature_set || pre.churn_definition !== config.churn_definition) {
      throw new Error(
        `artifacts/preprocess.json was built with feature_set=${pre.feature_set}, churn_definition=${pre.churn_definition} but config says feature_set=${config.feature_set}, churn_definition=${config.churn_definition}; run \`node scripts/build-features.js\` first`,
      );
    }
  }
}
