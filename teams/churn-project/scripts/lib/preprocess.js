import { PLAN_PRICE } from './subscribers.js';

/** Numeric raw columns: imputed with the train median, clipped to the train 1st..99th percentile. */
export const NUMERIC = [
  'tenure_months',
  'monthly_charge',
  'minutes_m3',
  'minutes_m2',
  'minutes_m1',
  'logins_m3',
  'logins_m2',
  'logins_m1',
  'support_tickets',
  'payment_failures',
  'last_login_days',
];
/** Categorical raw columns: imputed with the train mode, one-hot encoded on the train levels. */
export const CATEGORICAL = ['region', 'plan', 'contract', 'autopay'];

const USAGE_FEATURES = [
  'log_minutes_m1',
  'log_minutes_m2',
  'log_minutes_m3',
  'logins_m1',
  'logins_m2',
  'logins_m3',
  'minutes_trend',
  'logins_trend',
  'log_last_login_days',
];

export const FEATURE_SETS = {
  'usage-only': USAGE_FEATURES,
  full: [
    ...USAGE_FEATURES,
    'log_tenure',
    'monthly_charge',
    'charge_over_plan',
    'support_tickets',
    'payment_failures',
  ],
};
/** One-hot groups added to the full set (levels come from the train split). */
const FULL_ONE_HOT = ['region', 'plan', 'contract', 'autopay'];

export function parseNumber(value) {
  if (value === null || value === undefined || value === '') return Number.NaN;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

function parseCategory(value) {
  if (value === null || value === undefined) return '';
  return String(value).trim().toLowerCase();
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Fits imputation, clipping, encoding and scaling on the TRAIN rows only. */
export function fitPreprocess(trainRows, featureSet) {
  if (!(featureSet in FEATURE_SETS)) {
    throw new Error(`unknown feature set "${featureSet}"; use ${Object.keys(FEATURE_SETS).join(' | ')}`);
  }
  const numeric = {};
  for (const column of NUMERIC) {
    const values = trainRows.map((row) => parseNumber(row[column])).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    numeric[column] = {
      median: quantile(values, 0.5),
      lo: quantile(values, 0.01),
      hi: quantile(values, 0.99),
    };
  }
  const categorical = {};
  for (const column of CATEGORICAL) {
    const counts = new Map();
    for (const row of trainRows) {
      const value = parseCategory(row[column]);
      if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const levels = [...counts.keys()].sort();
    const mode = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    categorical[column] = { mode, levels };
  }

  const features = [...FEATURE_SETS[featureSet]];
  if (featureSet === 'full') {
    for (const column of FULL_ONE_HOT) {
      // Drop the first level of each group: it is the reference category.
      for (const level of categorical[column].levels.slice(1)) features.push(`${column}_${level}`);
    }
  }

  const params = { feature_set: featureSet, numeric, categorical, features, mean: [], std: [] };
  const derived = trainRows.map((row) => derive(row, params));
  for (const name of features) {
    const values = derived.map((d) => d[name]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    params.mean.push(round6(mean));
    params.std.push(round6(Math.sqrt(variance) || 1));
  }
  return params;
}

const round6 = (v) => Number(v.toFixed(6));

/**
 * Rows already derived under the same fitted cleaning (params.numeric): build-features derives
 * every train row to fit the scaling, then again to write it.
 */
const derivedRows = new WeakMap();

/** Cleans one raw row (CSV strings or JSON values) into every candidate feature, unscaled. */
function derive(raw, params) {
  let rows = derivedRows.get(params.numeric);
  if (!rows) {
    rows = new WeakMap();
    derivedRows.set(params.numeric, rows);
  }
  const known = rows.get(raw);
  if (known) return known;
  const out = deriveRow(raw, params);
  rows.set(raw, out);
  return out;
}

function deriveRow(raw, params) {
  const n = {};
  for (const column of NUMERIC) {
    const p = params.numeric[column];
    let value = parseNumber(raw[column]);
    if (Number.isNaN(value)) value = p.median;
    n[column] = Math.min(p.hi, Math.max(p.lo, value));
  }
  const c = {};
  for (const column of CATEGORICAL) {
    const value = parseCategory(raw[column]);
    c[column] = params.categorical[column].levels.includes(value) ? value : params.categorical[column].mode;
  }
  const out = {
    log_minutes_m1: Math.log1p(n.minutes_m1),
    log_minutes_m2: Math.log1p(n.minutes_m2),
    log_minutes_m3: Math.log1p(n.minutes_m3),
    logins_m1: n.logins_m1,
    logins_m2: n.logins_m2,
    logins_m3: n.logins_m3,
    minutes_trend: Math.log((n.minutes_m1 + 10) / (n.minutes_m3 + 10)),
    logins_trend: Math.log((n.logins_m1 + 1) / (n.logins_m3 + 1)),
    log_last_login_days: Math.log1p(n.last_login_days),
    log_tenure: Math.log(n.tenure_months),
    monthly_charge: n.monthly_charge,
    charge_over_plan: n.monthly_charge - (PLAN_PRICE[c.plan] ?? n.monthly_charge),
    support_tickets: n.support_tickets,
    payment_failures: n.payment_failures,
  };
  for (const column of CATEGORICAL) {
    for (const level of params.categorical[column].levels) out[`${column}_${level}`] = c[column] === level ? 1 : 0;
  }
  return out;
}

/** One raw row -> the scaled feature vector, in `params.features` order. */
export function transformRow(raw, params) {
  const d = derive(raw, params);
  return params.features.map((name, i) => (d[name] - params.mean[i]) / params.std[i]);
}
