// Cleans, encodes and scales the raw data into model-ready features, fitted on the TRAIN split only.
//   node scripts/build-features.js
// Writes data/features.csv (train split), data/test.csv (held-out test split),
// artifacts/preprocess.json (fitted parameters) and artifacts/reference.json (train distributions for drift).
import fs from 'node:fs';
import { parseArgs } from './lib/args.js';
import { loadConfig } from './lib/config-store.js';
import { readCsv, writeCsv } from './lib/csv.js';
import { assertFresh } from './lib/dataset.js';
import { referenceDistributions } from './lib/drift.js';
import { resolve, requireFile, readJson, runMain, writeJson } from './lib/paths.js';
import { fitPreprocess, transformRow } from './lib/preprocess.js';
import { splitIds } from './lib/split.js';
import { LABEL } from './lib/subscribers.js';

runMain('build-features', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/build-features.js');
  const config = loadConfig();
  assertFresh(config, []);
  const meta = readJson('data/raw/meta.json', 'generate-data.js');
  const { rows } = readCsv(requireFile('data/raw/subscribers.csv', 'generate-data.js'));

  const testIds = splitIds(rows, { seed: config.seed, testFraction: config.test_fraction, label: LABEL });
  const train = rows.filter((row) => !testIds.has(row.customer_id));
  const test = rows.filter((row) => testIds.has(row.customer_id));

  const params = fitPreprocess(train, config.feature_set);
  const columns = ['customer_id', LABEL, ...params.features];
  const encode = (row) => {
    const vector = transformRow(row, params);
    const out = { customer_id: row.customer_id, [LABEL]: Number(row[LABEL]) };
    params.features.forEach((name, i) => {
      out[name] = Number(vector[i].toFixed(6));
    });
    return out;
  };
  fs.mkdirSync(resolve('data'), { recursive: true });
  writeCsv(resolve('data/features.csv'), columns, train.map(encode));
  writeCsv(resolve('data/test.csv'), columns, test.map(encode));
  writeJson('artifacts/preprocess.json', {
    fitted_on: 'train',
    seed: config.seed,
    churn_definition: meta.churn_definition,
    train_rows: train.length,
    test_rows: test.length,
    ...params,
  });
  writeJson('artifacts/reference.json', referenceDistributions(train));
  process.stdout.write(
    `feature set "${config.feature_set}": ${params.features.length} features; train ${train.length} rows -> data/features.csv, test ${test.length} rows -> data/test.csv; preprocessing fitted on train -> artifacts/preprocess.json\n`,
  );
});
