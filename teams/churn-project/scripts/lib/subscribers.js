import { createRng, sigmoid } from './rng.js';

/** Raw columns, in file order. `*_m1` is the most recent month, `*_m3` three months back. */
export const RAW_COLUMNS = [
  'customer_id',
  'region',
  'plan',
  'contract',
  'tenure_months',
  'monthly_charge',
  'autopay',
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

export const LABEL = 'churned';

export const PLAN_PRICE = { basic: 19.99, standard: 39.99, premium: 69.99 };
const PLAN_USAGE = { basic: -0.25, standard: 0, premium: 0.3 };
const CONTRACT_RISK = { monthly: 0.9, annual: -0.35, 'two-year': -1.3 };
const CONTRACT_TENURE = { monthly: 12, annual: 26, 'two-year': 38 };
const CONTRACT_AUTOPAY = { monthly: 0.42, annual: 0.68, 'two-year': 0.8 };
const REGION_RISK = { north: 0, south: 0.15, east: -0.05, west: 0.05, central: 0 };

/** Data-quality defects the profile step should find: share of rows per column. */
const MISSING_RATE = { monthly_charge: 0.02, last_login_days: 0.03, support_tickets: 0.015, region: 0.01, minutes_m2: 0.01 };
const OUTLIER_RATE = 0.003;

export const NO_SHIFT = { price: 1, usage: 1, payment_stress: 0 };
/** The "three months later" world used by drift-check: a price rise, less usage, more failed payments. */
export const LATER_SHIFT = { price: 1.15, usage: 0.78, payment_stress: 0.5 };

const round = (value, digits) => Number(value.toFixed(digits));

/**
 * Generates `rows` subscribers. Each row draws the same random numbers whatever the churn
 * definition, so switching definitions changes only the label column, never the features.
 */
export function generateSubscribers({ seed, rows, churnDefinition, shift = NO_SHIFT, idPrefix = 'C' }) {
  const rng = createRng(seed);
  const out = [];
  for (let i = 0; i < rows; i++) {
    const region = rng.pick({ north: 22, south: 24, east: 18, west: 20, central: 16 });
    const contract = rng.pick({ monthly: 55, annual: 30, 'two-year': 15 });
    const plan = rng.pick({ basic: 40, standard: 38, premium: 22 });
    const tenure = Math.min(72, 1 + Math.floor(-Math.log(1 - rng.uniform()) * CONTRACT_TENURE[contract]));
    const autopay = rng.bernoulli(CONTRACT_AUTOPAY[contract]);
    const addons = Math.max(0, rng.normal(6, 5));
    const charge = (PLAN_PRICE[plan] + addons) * shift.price;

    // Hidden traits: engagement, decline, dissatisfaction, financial stress, plain luck.
    const engagement = rng.normal();
    const decline = rng.normal();
    const dissatisfaction = rng.normal();
    const stress = rng.normal() + shift.payment_stress;
    const luck = rng.normal();

    const baseMinutes = Math.exp(5.3 + 0.45 * engagement + PLAN_USAGE[plan]) * shift.usage;
    const monthFactor = [1, Math.exp(-0.12 * decline + rng.normal(0, 0.1)), Math.exp(-0.25 * decline + rng.normal(0, 0.12))];
    const minutes = monthFactor.map((f) => Math.max(0, Math.round(baseMinutes * f * Math.exp(rng.normal(0, 0.15)))));
    const baseLogins = 14 * Math.exp(0.35 * engagement) * shift.usage;
    const logins = monthFactor.map((f) => rng.poisson(baseLogins * f));
    const lastLogin = Math.min(90, Math.floor(-Math.log(1 - rng.uniform()) * 4 * Math.exp(-0.5 * engagement + 0.6 * decline)));
    const tickets = rng.poisson(Math.exp(-0.6 + 0.6 * dissatisfaction));
    const failures = rng.poisson(Math.exp(-2.1 + 0.8 * stress + (autopay ? -0.4 : 0.3)));

    const cancelRisk =
      -3.0 +
      CONTRACT_RISK[contract] +
      REGION_RISK[region] -
      0.5 * Math.log(tenure / 12) +
      0.45 * tickets +
      0.15 * dissatisfaction +
      0.7 * failures +
      0.85 * decline -
      0.5 * engagement +
      0.035 * addons -
      0.35 * (autopay ? 1 : 0) +
      0.5 * luck;
    const cancelled = rng.bernoulli(sigmoid(cancelRisk));
    const inactiveRisk = -3.0 + 1.2 * decline - 0.9 * engagement + 0.3 * Math.log1p(lastLogin) + CONTRACT_RISK[contract] * 0.3 + rng.normal(0, 0.4);
    const inactive = cancelled || rng.bernoulli(sigmoid(inactiveRisk));
    const downgradeRisk = -2.8 + 0.8 * failures + 0.25 * stress + 0.1 * addons + (plan === 'premium' ? 0.7 : 0) - 0.3 * engagement + 0.35 * tickets;
    const downgraded = plan !== 'basic' && rng.bernoulli(sigmoid(downgradeRisk));

    const row = {
      customer_id: `${idPrefix}${String(i + 1).padStart(6, '0')}`,
      region,
      plan,
      contract,
      tenure_months: tenure,
      monthly_charge: round(charge, 2),
      autopay: autopay ? 'yes' : 'no',
      minutes_m3: minutes[0],
      minutes_m2: minutes[1],
      minutes_m1: minutes[2],
      logins_m3: logins[0],
      logins_m2: logins[1],
      logins_m1: logins[2],
      support_tickets: tickets,
      payment_failures: failures,
      last_login_days: lastLogin,
      [LABEL]: labelFor(churnDefinition, { cancelled, inactive, downgraded }) ? 1 : 0,
    };

    // Defects drawn after the label so they never leak into it.
    for (const [column, rate] of Object.entries(MISSING_RATE)) {
      if (rng.bernoulli(rate)) row[column] = null;
    }
    if (rng.bernoulli(OUTLIER_RATE) && row.monthly_charge !== null) row.monthly_charge = round(row.monthly_charge * 10, 2);
    if (rng.bernoulli(OUTLIER_RATE)) row.minutes_m1 += 5000;
    out.push(row);
  }
  return out;
}

function labelFor(definition, outcome) {
  switch (definition) {
    case 'cancelled':
      return outcome.cancelled;
    case 'inactive30':
      return outcome.inactive;
    case 'downgrade-or-cancel':
      return outcome.cancelled || outcome.downgraded;
    default:
      throw new Error(`unknown churn definition "${definition}"; use cancelled | inactive30 | downgrade-or-cancel`);
  }
}
