// Trains the churn model and the baseline on the TRAIN split only.
//   node scripts/train.js
// Reads config.model_family, config.optimise and config.l2. Writes artifacts/model.json,
// artifacts/baseline.json and reports/training.json.
import { parseArgs } from './lib/args.js';
import { loadConfig } from './lib/config-store.js';
import { assertFresh, loadFeatureFile, loadRawById } from './lib/dataset.js';
import { atThreshold, atTopFraction, auc } from './lib/metrics.js';
import { fitBaseline, predictBaseline, predictProba, trainLogistic, trainStumps } from './lib/models.js';
import { readJson, runMain, writeJson } from './lib/paths.js';
import { LABEL } from './lib/subscribers.js';

const round = (v, digits = 6) => Number(v.toFixed(digits));

runMain('train', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/train.js');
  const config = loadConfig();
  assertFresh(config, ['features']);
  const pre = readJson('artifacts/preprocess.json', 'build-features.js');
  const { ids, X, y } = loadFeatureFile('data/features.csv', pre.features);
  const positives = y.reduce((s, v) => s + v, 0);

  // Optimising recall up-weights churners so the fit cares more about finding them.
  const positiveWeight = config.optimise === 'recall' ? (y.length - positives) / positives : 1;
  const fitted =
    config.model_family === 'logistic'
      ? trainLogistic(X, y, { l2: config.l2, positiveWeight })
      : trainStumps(X, y, { positiveWeight });
  const probs = X.map((x) => predictProba(fitted, x));
  const threshold = chooseThreshold(config.optimise, y, probs);

  const model = {
    ...fitted,
    ...(fitted.type === 'logistic' ? { bias: round(fitted.bias), weights: fitted.weights.map((w) => round(w)) } : {}),
    ...(fitted.type === 'boosted-stumps'
      ? { init: round(fitted.init), stumps: fitted.stumps.map((s) => ({ ...s, left: round(s.left), right: round(s.right) })) }
      : {}),
    final_loss: fitted.final_loss === undefined ? undefined : round(fitted.final_loss),
    features: pre.features,
    feature_set: pre.feature_set,
    churn_definition: pre.churn_definition,
    optimise: config.optimise,
    positive_weight: round(positiveWeight, 4),
    threshold: round(threshold),
    trained_on: 'train',
    train_rows: y.length,
    seed: config.seed,
  };
  writeJson('artifacts/model.json', model);

  const raw = loadRawById();
  const baseline = fitBaseline(ids.map((id) => raw.get(id)), LABEL);
  writeJson('artifacts/baseline.json', baseline);
  const baselineScores = ids.map((id) => predictBaseline(baseline, raw.get(id)));

  const fit = atThreshold(y, probs, threshold);
  const report = {
    model_family: config.model_family,
    feature_set: pre.feature_set,
    optimise: config.optimise,
    features: pre.features.length,
    train_rows: y.length,
    train_positives: positives,
    iterations: fitted.iterations,
    positive_weight: round(positiveWeight, 4),
    threshold: round(threshold, 4),
    train_auc: round(auc(y, probs), 4),
    train_baseline_auc: round(auc(y, baselineScores), 4),
    train_precision: round(fit.precision, 4),
    train_recall: round(fit.recall, 4),
  };
  if (fitted.final_loss !== undefined) report.final_loss = round(fitted.final_loss, 4);
  if (model.type === 'logistic') {
    report.top_weights = pre.features
      .map((name, i) => ({ feature: name, weight: model.weights[i] }))
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1))
      .slice(0, 8);
  }
  writeJson('reports/training.json', report);
  process.stdout.write(
    `trained ${config.model_family} on ${y.length} train rows (${pre.features.length} features, optimise=${config.optimise}): train AUC ${report.train_auc}, baseline ${report.train_baseline_auc}, threshold ${report.threshold} -> artifacts/model.json\n`,
  );
});

/** Picks the decision threshold on the train predictions according to what the team optimises. */
function chooseThreshold(optimise, y, probs) {
  if (optimise === 'precision') {
    // Flag only the top decile: few, confident retention offers.
    const { k } = atTopFraction(y, probs, 0.1);
    return [...probs].sort((a, b) => b - a)[k - 1];
  }
  const candidates = [...new Set(probs.map((p) => round(p, 3)))].sort((a, b) => a - b);
  if (optimise === 'recall') {
    // The highest threshold that still finds 80% of the churners.
    let best = candidates[0];
    for (const t of candidates) if (atThreshold(y, probs, t).recall >= 0.8) best = t;
    return best;
  }
  let best = { t: 0.5, f1: -1 };
  for (const t of candidates) {
    const { f1 } = atThreshold(y, probs, t);
    if (f1 > best.f1) best = { t, f1 };
  }
  return best.t;
}
