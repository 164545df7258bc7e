import { createRng } from './rng.js';

/** Stratified by label so train and test have the same churn rate; seeded, so repeatable. */
export function splitIds(rows, { seed, testFraction, label }) {
  const rng = createRng((seed ^ 0x5eed5eed) >>> 0);
  const test = new Set();
  for (const cls of ['0', '1']) {
    const ids = rows.filter((row) => String(row[label]) === cls).map((row) => row.customer_id);
    const shuffled = rng.shuffle(ids);
    const take = Math.round(shuffled.length * testFraction);
    for (const id of shuffled.slice(0, take)) test.add(id);
  }
  return test;
}
