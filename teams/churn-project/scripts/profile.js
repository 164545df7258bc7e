// Profiles the raw subscriber data: size, missing values, outliers, churn rate, column stats.
//   node scripts/profile.js
// Writes reports/profile.json and reports/profile.md.
import { parseArgs } from './lib/args.js';
import { readCsv } from './lib/csv.js';
import { readJson, requireFile, runMain, writeJson, writeText } from './lib/paths.js';
import { CATEGORICAL, NUMERIC, parseNumber } from './lib/preprocess.js';
import { LABEL } from './lib/subscribers.js';

const r4 = (v) => Number(v.toFixed(4));

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

runMain('profile', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/profile.js');
  const meta = readJson('data/raw/meta.json', 'generate-data.js');
  const { columns, rows } = readCsv(requireFile('data/raw/subscribers.csv', 'generate-data.js'));
  const n = rows.length;

  const missing = {};
  let missingCells = 0;
  for (const column of columns) {
    const count = rows.filter((row) => row[column] === '').length;
    missingCells += count;
    missing[column] = r4(count / n);
  }

  const numeric = {};
  let outliers = 0;
  for (const column of NUMERIC) {
    const values = rows.map((row) => parseNumber(row[column])).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    const q1 = quantile(values, 0.25);
    const q3 = quantile(values, 0.75);
    // Far outliers: beyond 3 interquartile ranges from the quartiles.
    const fence = 3 * (q3 - q1);
    const far = fence > 0 ? values.filter((v) => v < q1 - fence || v > q3 + fence).length : 0;
    outliers += far;
    numeric[column] = {
      mean: r4(mean),
      sd: r4(sd),
      min: values[0],
      p25: r4(q1),
      median: r4(quantile(values, 0.5)),
      p75: r4(q3),
      p99: r4(quantile(values, 0.99)),
      max: values[values.length - 1],
      far_outliers: far,
    };
  }

  const categorical = {};
  for (const column of CATEGORICAL) {
    const counts = {};
    const churned = {};
    for (const row of rows) {
      const key = row[column] === '' ? '(missing)' : row[column];
      counts[key] = (counts[key] ?? 0) + 1;
      churned[key] = (churned[key] ?? 0) + Number(row[LABEL]);
    }
    categorical[column] = Object.fromEntries(
      Object.keys(counts)
        .sort()
        .map((key) => [key, { count: counts[key], churn_rate: r4(churned[key] / counts[key]) }]),
    );
  }

  const ids = new Set(rows.map((row) => row.customer_id));
  const positives = rows.reduce((s, row) => s + Number(row[LABEL]), 0);
  const profile = {
    rows: n,
    columns: columns.length,
    churn_rate: r4(positives / n),
    positives,
    missing_cells: missingCells,
    missing_cell_rate: r4(missingCells / (n * columns.length)),
    columns_with_missing: Object.values(missing).filter((rate) => rate > 0).length,
    far_outliers: outliers,
    duplicate_ids: n - ids.size,
    churn_definition: meta.churn_definition,
    seed: meta.seed,
    missing_rate: missing,
    numeric,
    categorical,
  };
  writeJson('reports/profile.json', profile);

  const md = [
    '# Data profile',
    '',
    `Source: data/raw/subscribers.csv (seed ${meta.seed}, churn definition \`${meta.churn_definition}\`).`,
    '',
    `- Rows: ${n}; columns: ${columns.length}; duplicate ids: ${profile.duplicate_ids}`,
    `- Churn rate: ${(profile.churn_rate * 100).toFixed(1)}% (${positives} churners)`,
    `- Missing cells: ${missingCells} (${(profile.missing_cell_rate * 100).toFixed(2)}%) in ${profile.columns_with_missing} columns`,
    `- Far outliers (beyond 3 IQR): ${outliers}`,
    '',
    '## Missing values',
    '',
    '| column | missing |',
    '|---|---|',
    ...Object.entries(missing)
      .filter(([, rate]) => rate > 0)
      .map(([column, rate]) => `| ${column} | ${(rate * 100).toFixed(1)}% |`),
    '',
    '## Numeric columns',
    '',
    '| column | mean | median | p99 | max | far outliers |',
    '|---|---|---|---|---|---|',
    ...Object.entries(numeric).map(([c, s]) => `| ${c} | ${s.mean} | ${s.median} | ${s.p99} | ${s.max} | ${s.far_outliers} |`),
    '',
    '## Churn rate by segment',
    '',
    ...Object.entries(categorical).map(
      ([c, levels]) =>
        `- ${c}: ${Object.entries(levels)
          .map(([level, s]) => `${level} ${(s.churn_rate * 100).toFixed(1)}% (n=${s.count})`)
          .join(', ')}`,
    ),
    '',
  ].join('\n');
  writeText('reports/profile.md', md);
  process.stdout.write(
    `profiled ${n} rows x ${columns.length} columns: churn rate ${(profile.churn_rate * 100).toFixed(1)}%, ${missingCells} missing cells, ${outliers} far outliers -> reports/profile.json, reports/profile.md\n`,
  );
});
