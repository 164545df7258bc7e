// Packages the trained model with its preprocessing into dist/model-bundle.json, with a version and a checksum.
//   node scripts/package.js
import { parseArgs } from './lib/args.js';
import { BUNDLE_FILE, checksumOf } from './lib/bundle.js';
import { loadConfig } from './lib/config-store.js';
import { readJson, runMain, writeJson } from './lib/paths.js';

runMain('package', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/package.js');
  const config = loadConfig();
  const model = readJson('artifacts/model.json', 'train.js');
  const pre = readJson('artifacts/preprocess.json', 'build-features.js');
  const metrics = readJson('reports/metrics.json', 'evaluate.js');
  if (model.features.join(',') !== pre.features.join(',')) {
    throw new Error('artifacts/model.json and artifacts/preprocess.json disagree on the features; run `node scripts/train.js` and `node scripts/evaluate.js` again');
  }
  if (metrics.feature_set !== model.feature_set || metrics.optimise !== model.optimise || metrics.threshold !== Number(model.threshold.toFixed(4))) {
    throw new Error('reports/metrics.json is from another model than artifacts/model.json; run `node scripts/evaluate.js` first');
  }
  const { mean, std, numeric, categorical, features, feature_set } = pre;
  const preprocess = { feature_set, features, numeric, categorical, mean, std };
  const checksum = checksumOf(preprocess, model);
  const bundle = {
    name: 'churn-model',
    version: `1.0.0+${checksum.slice(0, 8)}`,
    checksum: { algorithm: 'sha256', value: checksum },
    created_from: {
      seed: config.seed,
      churn_definition: model.churn_definition,
      feature_set: model.feature_set,
      model_family: model.type,
      optimise: model.optimise,
    },
    threshold: model.threshold,
    metrics: { auc: metrics.auc, baseline_auc: metrics.baseline_auc, brier: metrics.brier, ece: metrics.ece, rows: metrics.rows },
    input_fields: [...Object.keys(numeric), ...Object.keys(categorical)],
    preprocess,
    model,
  };
  writeJson(BUNDLE_FILE, bundle);
  process.stdout.write(`packaged ${bundle.name} ${bundle.version} (sha256 ${checksum.slice(0, 12)}...) -> ${BUNDLE_FILE}\n`);
});
