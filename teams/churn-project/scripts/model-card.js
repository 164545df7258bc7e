// Writes reports/model-card.md from the config, the profile, the training report and the test metrics.
//   node scripts/model-card.js
// Every number in the card is read from those files; nothing is typed in by hand.
import fs from 'node:fs';
import { parseArgs } from './lib/args.js';
import { CHURN_DEFINITIONS, loadConfig } from './lib/config-store.js';
import { readJson, resolve, runMain, writeText } from './lib/paths.js';

const pct = (v) => `${(v * 100).toFixed(1)}%`;

runMain('model-card', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/model-card.js');
  const config = loadConfig();
  const metrics = readJson('reports/metrics.json', 'evaluate.js');
  const training = readJson('reports/training.json', 'train.js');
  const baseline = readJson('artifacts/baseline.json', 'train.js');
  const profile = fs.existsSync(resolve('reports/profile.json')) ? readJson('reports/profile.json', 'profile.js') : null;

  const passes = metrics.auc >= config.min_auc && metrics.auc > metrics.baseline_auc;
  const limitations = [
    'Trained and tested on synthetic subscribers from `scripts/generate-data.js`; real data will differ.',
    `The label is \`${metrics.churn_definition}\`: ${CHURN_DEFINITIONS[metrics.churn_definition]}. Another definition needs new labels and a retrained model.`,
  ];
  if (metrics.optimise === 'recall') {
    limitations.push(
      `Churners were up-weighted ${training.positive_weight}x to favour recall, so probabilities over-state risk (ECE ${metrics.ece}); use them to rank, not as rates.`,
    );
  }
  if (metrics.ece > 0.05 && metrics.optimise !== 'recall') limitations.push(`Calibration is loose (ECE ${metrics.ece}); recalibrate before using probabilities as rates.`);
  if (metrics.feature_set === 'usage-only') limitations.push('Uses usage columns only: contract, billing and support signals are ignored.');
  if (!passes) limitations.push(`Does NOT meet the deploy gate (AUC >= ${config.min_auc} and above the baseline): do not deploy.`);

  const lines = [
    '# Model card: subscriber churn',
    '',
    '## Model',
    '',
    `- Family: ${metrics.model_family} (${training.features} features, feature set \`${metrics.feature_set}\`, ${training.iterations} training iterations)`,
    `- Optimised for: \`${metrics.optimise}\`; decision threshold ${metrics.threshold} (chosen on the train split)`,
    `- Baseline: ${baseline.description}`,
    `- Seed: ${config.seed}; preprocessing (median/mode imputation, 1st-99th percentile clipping, one-hot, standard scaling) fitted on the train split only`,
    '',
    '## Intended use',
    '',
    'Rank current subscribers by risk of churning next month so the retention team can contact the riskiest first. Not for pricing or credit decisions about individuals.',
    '',
    '## Data',
    '',
    `- Churn definition: \`${metrics.churn_definition}\`: ${CHURN_DEFINITIONS[metrics.churn_definition]}`,
    `- Train rows: ${training.train_rows} (${training.train_positives} churners); test rows: ${metrics.rows} (${metrics.positives} churners, ${pct(metrics.churn_rate)})`,
  ];
  if (profile) {
    lines.push(`- Raw data: ${profile.rows} rows, ${profile.missing_cells} missing cells, ${profile.far_outliers} far outliers (see reports/profile.md)`);
  }
  lines.push(
    '',
    '## Test-split results',
    '',
    '| metric | model | baseline |',
    '|---|---|---|',
    `| AUC | ${metrics.auc} | ${metrics.baseline_auc} |`,
    `| precision at top 10% | ${metrics.precision_at_10} | ${metrics.baseline_precision_at_10} |`,
    `| recall at top 10% | ${metrics.recall_at_10} | |`,
    `| Brier score | ${metrics.brier} | |`,
    `| ECE (10 bins) | ${metrics.ece} | |`,
    `| precision / recall / F1 at threshold ${metrics.threshold} | ${metrics.precision_at_threshold} / ${metrics.recall_at_threshold} / ${metrics.f1_at_threshold} | |`,
    '',
    `Deploy gate (AUC >= ${config.min_auc} and above the baseline): **${passes ? 'passed' : 'failed'}** (lift over baseline ${metrics.auc_lift}).`,
    '',
    '## Calibration (test split)',
    '',
    '| predicted | subscribers | mean predicted | observed churn |',
    '|---|---|---|---|',
    ...metrics.calibration.map((b) => `| ${b.bin} | ${b.count} | ${b.mean_predicted ?? '-'} | ${b.observed_rate ?? '-'} |`),
    '',
  );
  if (training.top_weights) {
    lines.push('## Strongest features (standardised weights)', '', ...training.top_weights.map((w) => `- ${w.feature}: ${w.weight.toFixed(3)}`), '');
  }
  lines.push('## Limitations', '', ...limitations.map((l) => `- ${l}`), '');
  writeText('reports/model-card.md', lines.join('\n'));
  process.stdout.write(`wrote reports/model-card.md (AUC ${metrics.auc}, gate ${passes ? 'passed' : 'failed'})\n`);
});
