// Generates the seeded synthetic subscriber dataset into data/raw/subscribers.csv.
// The churn label follows config.churn_definition.
//   node scripts/generate-data.js [--seed N] [--rows N]
import fs from 'node:fs';
import { parseArgs } from './lib/args.js';
import { loadConfig, coerce } from './lib/config-store.js';
import { writeCsv } from './lib/csv.js';
import { resolve, runMain, writeJson } from './lib/paths.js';
import { LABEL, RAW_COLUMNS, generateSubscribers } from './lib/subscribers.js';

runMain('generate-data', () => {
  const args = parseArgs(process.argv.slice(2), { seed: 'int', rows: 'int' }, 'node scripts/generate-data.js [--seed N] [--rows N]');
  const config = loadConfig();
  const seed = args.seed === undefined ? config.seed : coerce('seed', args.seed);
  const rows = args.rows === undefined ? config.rows : coerce('rows', args.rows);
  const churnDefinition = config.churn_definition;

  const data = generateSubscribers({ seed, rows, churnDefinition });
  fs.mkdirSync(resolve('data/raw'), { recursive: true });
  writeCsv(resolve('data/raw/subscribers.csv'), [...RAW_COLUMNS, LABEL], data);
  const positives = data.reduce((sum, row) => sum + row[LABEL], 0);
  const meta = {
    file: 'data/raw/subscribers.csv',
    seed,
    rows,
    churn_definition: churnDefinition,
    label: LABEL,
    positives,
    churn_rate: Number((positives / rows).toFixed(4)),
  };
  writeJson('data/raw/meta.json', meta);
  process.stdout.write(
    `wrote data/raw/subscribers.csv: ${rows} rows, seed ${seed}, churn definition "${churnDefinition}", churn rate ${(meta.churn_rate * 100).toFixed(1)}%\n`,
  );
});
