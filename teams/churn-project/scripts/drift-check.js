// Generates a later batch of subscribers (seeded, with a price rise, less usage and more failed
// payments) and compares it with the training data: PSI per raw column and for the model's scores.
//   node scripts/drift-check.js [--seed N] [--rows N] [--no-shift] [--fail-on-alert]
// Writes data/batches/later.csv and reports/drift.json.
import fs from 'node:fs';
import { parseArgs } from './lib/args.js';
import { loadBundle, scoreRaw } from './lib/bundle.js';
import { coerce, loadConfig } from './lib/config-store.js';
import { readCsv, writeCsv } from './lib/csv.js';
import { PSI_ALERT, PSI_WARN, featurePsi, scorePsi, severity } from './lib/drift.js';
import { readJson, requireFile, resolve, runMain, writeJson } from './lib/paths.js';
import { LATER_SHIFT, NO_SHIFT, RAW_COLUMNS, generateSubscribers } from './lib/subscribers.js';

const r4 = (v) => Number(v.toFixed(4));
const USAGE = 'node scripts/drift-check.js [--seed N] [--rows N] [--no-shift] [--fail-on-alert]';

runMain('drift-check', () => {
  const args = parseArgs(process.argv.slice(2), { seed: 'int', rows: 'int', 'no-shift': 'flag', 'fail-on-alert': 'flag' }, USAGE);
  const config = loadConfig();
  const seed = args.seed === undefined ? config.seed + 1000 : coerce('seed', args.seed);
  // A later month is a third of the training data's size (4,000 rows at the default 12,000).
  const rows = args.rows === undefined ? Math.round(config.rows / 3) : coerce('rows', args.rows);
  const shift = args['no-shift'] ? NO_SHIFT : LATER_SHIFT;
  const reference = readJson('artifacts/reference.json', 'build-features.js');
  const bundle = loadBundle();

  // Labels of a later batch are not known yet: only the features are kept.
  const batch = generateSubscribers({ seed, rows, churnDefinition: config.churn_definition, shift, idPrefix: 'L' });
  fs.mkdirSync(resolve('data/batches'), { recursive: true });
  writeCsv(resolve('data/batches/later.csv'), RAW_COLUMNS, batch);

  const testIds = new Set(readCsv(requireFile('data/test.csv', 'build-features.js')).rows.map((row) => row.customer_id));
  const trainRaw = readCsv(requireFile('data/raw/subscribers.csv', 'generate-data.js')).rows.filter((row) => !testIds.has(row.customer_id));
  const trainScores = trainRaw.map((row) => scoreRaw(bundle, row));
  const batchScores = batch.map((row) => scoreRaw(bundle, row));
  const mean = (values) => values.reduce((s, v) => s + v, 0) / values.length;

  const features = {};
  for (const [column, value] of Object.entries(featurePsi(reference, batch))) {
    features[column] = { psi: r4(value), status: severity(value) };
  }
  const predictionPsi = scorePsi(trainScores, batchScores);
  const flagged = Object.entries(features)
    .filter(([, f]) => f.status !== 'ok')
    .map(([feature, f]) => ({ feature, psi: f.psi, severity: f.status }));
  if (severity(predictionPsi) !== 'ok') flagged.push({ feature: 'prediction', psi: r4(predictionPsi), severity: severity(predictionPsi) });
  flagged.sort((a, b) => b.psi - a.psi || (a.feature < b.feature ? -1 : 1));

  const report = {
    rows,
    reference_rows: trainRaw.length,
    seed,
    shifted: shift !== NO_SHIFT,
    shift,
    model_version: bundle.version,
    psi_warn: PSI_WARN,
    psi_alert: PSI_ALERT,
    max_psi: r4(Math.max(...Object.values(features).map((f) => f.psi))),
    alert_count: flagged.filter((a) => a.severity === 'alert').length,
    warn_count: flagged.filter((a) => a.severity === 'warn').length,
    prediction_psi: r4(predictionPsi),
    mean_score_reference: r4(mean(trainScores)),
    mean_score_batch: r4(mean(batchScores)),
    features,
    alerts: flagged,
  };
  writeJson('reports/drift.json', report);
  const summary = flagged.length ? flagged.map((a) => `${a.feature} ${a.psi} (${a.severity})`).join(', ') : 'none';
  process.stdout.write(
    `drift check on ${rows} later rows (seed ${seed}${report.shifted ? ', shifted' : ', no shift'}): max PSI ${report.max_psi}, prediction PSI ${report.prediction_psi}, mean score ${report.mean_score_reference} -> ${report.mean_score_batch}; flagged: ${summary} -> reports/drift.json\n`,
  );
  return args['fail-on-alert'] && report.alert_count > 0 ? 2 : 0;
});
