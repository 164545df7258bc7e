import { CATEGORICAL, NUMERIC, parseNumber } from './preprocess.js';

const EPS = 1e-4;
export const PSI_WARN = 0.1;
export const PSI_ALERT = 0.2;

/** Decile bins of each numeric column and level shares of each categorical column, from train rows. */
export function referenceDistributions(trainRows) {
  const numeric = {};
  for (const column of NUMERIC) {
    const values = trainRows.map((row) => parseNumber(row[column])).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const cuts = [];
    for (let q = 1; q < 10; q++) {
      const cut = values[Math.floor((values.length * q) / 10)];
      if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
    numeric[column] = { cuts, expected: shares(trainRows.map((row) => numericBin(row[column], cuts)), cuts.length + 2) };
  }
  const categorical = {};
  for (const column of CATEGORICAL) {
    const levels = [...new Set(trainRows.map((row) => String(row[column] ?? '')).filter((v) => v !== ''))].sort();
    categorical[column] = { levels, expected: shares(trainRows.map((row) => categoryBin(row[column], levels)), levels.length + 1) };
  }
  return { rows: trainRows.length, numeric, categorical };
}

/** Bin 0 holds missing values; bins 1..cuts.length+1 the deciles. */
function numericBin(raw, cuts) {
  const value = parseNumber(raw);
  if (Number.isNaN(value)) return 0;
  let bin = 0;
  while (bin < cuts.length && value > cuts[bin]) bin++;
  return bin + 1;
}

/** Bin 0 holds missing and unseen levels. */
function categoryBin(raw, levels) {
  const index = levels.indexOf(String(raw ?? ''));
  return index + 1;
}

function shares(bins, size) {
  const counts = new Array(size).fill(0);
  for (const bin of bins) counts[bin]++;
  return counts.map((count) => Number((count / bins.length).toFixed(6)));
}

export function psi(expected, actual) {
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], EPS);
    const a = Math.max(actual[i], EPS);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

export function severity(value) {
  if (value >= PSI_ALERT) return 'alert';
  if (value >= PSI_WARN) return 'warn';
  return 'ok';
}

/** PSI of every reference column for a new batch of raw rows. */
export function featurePsi(reference, rows) {
  const out = {};
  for (const [column, ref] of Object.entries(reference.numeric)) {
    out[column] = psi(ref.expected, shares(rows.map((row) => numericBin(row[column], ref.cuts)), ref.cuts.length + 2));
  }
  for (const [column, ref] of Object.entries(reference.categorical)) {
    out[column] = psi(ref.expected, shares(rows.map((row) => categoryBin(row[column], ref.levels)), ref.levels.length + 1));
  }
  return out;
}

/** PSI between two score samples, on the deciles of the first. */
export function scorePsi(referenceScores, scores) {
  const sorted = [...referenceScores].sort((a, b) => a - b);
  const cuts = [];
  for (let q = 1; q < 10; q++) {
    const cut = sorted[Math.floor((sorted.length * q) / 10)];
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  const bin = (v) => {
    let b = 0;
    while (b < cuts.length && v > cuts[b]) b++;
    return b;
  };
  return psi(shares(referenceScores.map(bin), cuts.length + 1), shares(scores.map(bin), cuts.length + 1));
}
