import fs from 'node:fs';
import { resolve, writeJson } from './paths.js';

export const CONFIG_FILE = 'config.json';

/** Every decision the team can change, with its allowed values and what it does. */
export const SCHEMA = {
  seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 42, help: 'seed for data generation, the split and training' },
  rows: { type: 'int', min: 1000, max: 200000, default: 12000, help: 'subscribers to generate' },
  churn_definition: {
    type: 'enum',
    values: ['cancelled', 'inactive30', 'downgrade-or-cancel'],
    default: 'cancelled',
    help: 'what counts as churn: an explicit cancellation, no login in the 30 days after the window, or a downgrade or cancellation',
  },
  feature_set: {
    type: 'enum',
    values: ['full', 'usage-only'],
    default: 'full',
    help: 'full = account, billing, support and usage columns; usage-only = usage and login columns only',
  },
  model_family: {
    type: 'enum',
    values: ['logistic', 'boosted-stumps'],
    default: 'logistic',
    help: 'logistic regression (L2, gradient descent) or gradient-boosted decision stumps',
  },
  optimise: {
    type: 'enum',
    values: ['auc', 'recall', 'precision'],
    default: 'auc',
    help: 'auc = unweighted fit, threshold at best F1; recall = class-weighted fit, threshold for 80% recall; precision = threshold at the top decile',
  },
  l2: { type: 'number', min: 0, max: 10, default: 0.001, help: 'L2 penalty of the logistic model' },
  test_fraction: { type: 'number', min: 0.1, max: 0.5, default: 0.25, help: 'share of rows held out for the test split' },
  min_auc: { type: 'number', min: 0.5, max: 1, default: 0.75, help: 'deploy refuses below this test AUC' },
  rollout: {
    type: 'enum',
    values: ['canary-10', 'shadow', 'full'],
    default: 'canary-10',
    help: 'canary-10 = 10% of traffic first; shadow = score silently next to the old system; full = all traffic at once',
  },
};

/** What each churn definition means, in the words used on reports. */
export const CHURN_DEFINITIONS = {
  cancelled: 'the subscriber explicitly cancelled in the month after the observation window',
  inactive30: 'the subscriber did not log in during the 30 days after the observation window (cancellations included)',
  'downgrade-or-cancel': 'the subscriber cancelled or moved to a cheaper plan in the month after the observation window',
};

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function defaults() {
  return Object.fromEntries(Object.entries(SCHEMA).map(([key, spec]) => [key, spec.default]));
}

/** Turns a command-line value into the key's type, or throws saying what is allowed. */
export function coerce(key, raw) {
  const spec = SCHEMA[key];
  if (!spec) {
    throw new ConfigError(`unknown key "${key}"; known keys: ${Object.keys(SCHEMA).join(', ')}`);
  }
  const text = String(raw).trim();
  if (spec.type === 'enum') {
    const value = text.toLowerCase().replace(/\s+/g, '-');
    if (!spec.values.includes(value)) {
      throw new ConfigError(`${key} must be one of ${spec.values.join(' | ')}, got "${text}"`);
    }
    return value;
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || (spec.type === 'int' && !Number.isInteger(value))) {
    throw new ConfigError(`${key} must be ${spec.type === 'int' ? 'an integer' : 'a number'}, got "${text}"`);
  }
  if (value < spec.min || value > spec.max) {
    throw new ConfigError(`${key} must be between ${spec.min} and ${spec.max}, got ${value}`);
  }
  return value;
}

export function loadConfig() {
  const file = resolve(CONFIG_FILE);
  if (!fs.existsSync(file)) return defaults();
  let stored;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config.json is not valid JSON (${error.message}); fix it or delete it to use the defaults`);
  }
  const config = defaults();
  for (const [key, value] of Object.entries(stored)) {
    config[key] = coerce(key, value);
  }
  return config;
}

export function saveConfig(config) {
  writeJson(CONFIG_FILE, config);
}
