// Evaluates the model and the baseline on the held-out TEST split (never seen in training).
//   node scripts/evaluate.js
// Writes reports/metrics.json (top-level numbers: auc, baseline_auc, precision_at_10, ...).
import { parseArgs } from './lib/args.js';
import { loadConfig } from './lib/config-store.js';
import { assertFresh, loadFeatureFile, loadRawById } from './lib/dataset.js';
import { atThreshold, atTopFraction, auc, brier, calibration, logLoss } from './lib/metrics.js';
import { predictBaseline, predictProba } from './lib/models.js';
import { readJson, runMain, writeJson } from './lib/paths.js';

const r4 = (v) => Number(v.toFixed(4));

runMain('evaluate', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/evaluate.js');
  const config = loadConfig();
  assertFresh(config, ['features']);
  const model = readJson('artifacts/model.json', 'train.js');
  const baseline = readJson('artifacts/baseline.json', 'train.js');
  const pre = readJson('artifacts/preprocess.json', 'build-features.js');
  if (model.feature_set !== pre.feature_set || model.features.join(',') !== pre.features.join(',')) {
    throw new Error('artifacts/model.json was trained on other features than artifacts/preprocess.json; run `node scripts/train.js` again');
  }
  const { ids, X, y } = loadFeatureFile('data/test.csv', model.features);
  const raw = loadRawById();
  const probs = X.map((x) => predictProba(model, x));
  const baselineScores = ids.map((id) => predictBaseline(baseline, raw.get(id)));

  const modelAuc = auc(y, probs);
  const baselineAuc = auc(y, baselineScores);
  const top = atTopFraction(y, probs, 0.1);
  const baselineTop = atTopFraction(y, baselineScores, 0.1);
  const cal = calibration(y, probs);
  const decision = atThreshold(y, probs, model.threshold);
  const positives = y.reduce((s, v) => s + v, 0);

  const metrics = {
    auc: r4(modelAuc),
    baseline_auc: r4(baselineAuc),
    auc_lift: r4(modelAuc - baselineAuc),
    precision_at_10: r4(top.precision),
    recall_at_10: r4(top.recall),
    baseline_precision_at_10: r4(baselineTop.precision),
    brier: r4(brier(y, probs)),
    ece: r4(cal.ece),
    log_loss: r4(logLoss(y, probs)),
    threshold: r4(model.threshold),
    precision_at_threshold: r4(decision.precision),
    recall_at_threshold: r4(decision.recall),
    f1_at_threshold: r4(decision.f1),
    flagged_at_threshold: decision.flagged,
    rows: y.length,
    positives,
    churn_rate: r4(positives / y.length),
    min_auc: config.min_auc,
    passes_gate: modelAuc >= config.min_auc && modelAuc > baselineAuc,
    split: 'test',
    model_family: model.type,
    feature_set: model.feature_set,
    churn_definition: model.churn_definition,
    optimise: model.optimise,
    calibration: cal.table.map((b) => ({
      bin: b.bin,
      count: b.count,
      mean_predicted: b.mean_predicted === null ? null : r4(b.mean_predicted),
      observed_rate: b.observed_rate === null ? null : r4(b.observed_rate),
    })),
  };
  writeJson('reports/metrics.json', metrics);
  const verdict = metrics.passes_gate ? 'passes' : 'FAILS';
  process.stdout.write(
    `test split (${y.length} rows): AUC ${metrics.auc} vs baseline ${metrics.baseline_auc}; precision@10% ${metrics.precision_at_10}, recall@10% ${metrics.recall_at_10}; Brier ${metrics.brier}, ECE ${metrics.ece} -> reports/metrics.json (${verdict} the gate: AUC >= ${config.min_auc} and above baseline)\n`,
  );
});
