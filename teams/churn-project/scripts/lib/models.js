import { sigmoid } from './rng.js';

/**
 * Logistic regression, full-batch gradient descent with momentum and an L2 penalty on the
 * weights (not the bias). `positiveWeight` > 1 up-weights churners (used when optimising recall).
 */
export function trainLogistic(X, y, { l2, positiveWeight = 1, iterations = 1000, learningRate = 0.2, momentum = 0.9 }) {
  const n = X.length;
  const d = X[0].length;
  // Training spends its time in the passes over the rows: they read one flat typed array, and the
  // loss (only the last iteration's is reported) is summed once, in a pass of its own. The sums run
  // in the same order as before, so the model is the same to the last bit.
  const flat = new Float64Array(n * d);
  for (let i = 0; i < n; i++) flat.set(X[i], i * d);
  const w = new Float64Array(d);
  let b = 0;
  const vw = new Float64Array(d);
  let vb = 0;
  const gw = new Float64Array(d);
  const totalWeight = y.reduce((s, yi) => s + (yi === 1 ? positiveWeight : 1), 0);
  const margin = (row) => {
    let z = b;
    for (let j = 0; j < d; j++) z += w[j] * flat[row + j];
    return z;
  };
  const lossNow = () => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin(i * d));
      const weight = y[i] === 1 ? positiveWeight : 1;
      sum -= weight * (y[i] === 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12)));
    }
    return sum / totalWeight + (l2 / 2) * w.reduce((s, wj) => s + wj * wj, 0);
  };
  let loss = Number.NaN;
  let iteration = 0;
  for (; iteration < iterations; iteration++) {
    gw.fill(0);
    let gb = 0;
    for (let i = 0, row = 0; i < n; i++, row += d) {
      const p = sigmoid(margin(row));
      const err = (y[i] === 1 ? positiveWeight : 1) * (p - y[i]);
      for (let j = 0; j < d; j++) gw[j] += err * flat[row + j];
      gb += err;
    }
    let gradNorm = 0;
    for (let j = 0; j < d; j++) {
      gw[j] = gw[j] / totalWeight + l2 * w[j];
      gradNorm += gw[j] ** 2;
    }
    gb /= totalWeight;
    gradNorm = Math.sqrt(gradNorm + gb ** 2);
    const last = gradNorm < 1e-5 || iteration === iterations - 1;
    if (last) loss = lossNow();
    if (gradNorm < 1e-5) break;
    for (let j = 0; j < d; j++) {
      vw[j] = momentum * vw[j] - learningRate * gw[j];
      w[j] += vw[j];
    }
    vb = momentum * vb - learningRate * gb;
    b += vb;
  }
  return { type: 'logistic', bias: b, weights: Array.from(w), iterations: iteration, final_loss: loss };
}

/** Gradient-boosted decision stumps on the logistic loss, splits searched on train quantiles. */
export function trainStumps(X, y, { rounds = 200, learningRate = 0.15, bins = 32, lambda = 1, positiveWeight = 1 }) {
  const n = X.length;
  const d = X[0].length;
  const cuts = [];
  const binned = [];
  for (let j = 0; j < d; j++) {
    const sorted = X.map((x) => x[j]).sort((a, b) => a - b);
    const c = [];
    for (let q = 1; q < bins; q++) {
      const v = sorted[Math.floor((n * q) / bins)];
      if (c.length === 0 || v > c[c.length - 1]) c.push(v);
    }
    cuts.push(c);
    binned.push(X.map((x) => binOf(x[j], c)));
  }
  const positives = y.reduce((s, yi) => s + yi, 0);
  const init = Math.log((positives * positiveWeight) / (n - positives));
  const margin = new Array(n).fill(init);
  const stumps = [];
  for (let round = 0; round < rounds; round++) {
    const g = new Array(n);
    const h = new Array(n);
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]);
      const weight = y[i] === 1 ? positiveWeight : 1;
      g[i] = weight * (p - y[i]);
      h[i] = weight * p * (1 - p);
      G += g[i];
      H += h[i];
    }
    let best = { gain: 0 };
    for (let j = 0; j < d; j++) {
      const gb = new Array(cuts[j].length + 1).fill(0);
      const hb = new Array(cuts[j].length + 1).fill(0);
      const col = binned[j];
      for (let i = 0; i < n; i++) {
        gb[col[i]] += g[i];
        hb[col[i]] += h[i];
      }
      let gl = 0;
      let hl = 0;
      for (let k = 0; k < cuts[j].length; k++) {
        gl += gb[k];
        hl += hb[k];
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - (G * G) / (H + lambda);
        if (gain > best.gain + 1e-12) best = { gain, feature: j, bin: k, gl, hl, gr, hr };
      }
    }
    if (best.feature === undefined) break;
    const stump = {
      feature: best.feature,
      threshold: cuts[best.feature][best.bin],
      left: (-learningRate * best.gl) / (best.hl + lambda),
      right: (-learningRate * best.gr) / (best.hr + lambda),
    };
    stumps.push(stump);
    const col = binned[best.feature];
    for (let i = 0; i < n; i++) margin[i] += col[i] <= best.bin ? stump.left : stump.right;
  }
  return { type: 'boosted-stumps', init, stumps, iterations: stumps.length };
}

function binOf(value, cuts) {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function predictProba(model, x) {
  if (model.type === 'logistic') {
    let z = model.bias;
    for (let j = 0; j < model.weights.length; j++) z += model.weights[j] * x[j];
    return sigmoid(z);
  }
  if (model.type === 'boosted-stumps') {
    let z = model.init;
    for (const s of model.stumps) z += x[s.feature] <= s.threshold ? s.left : s.right;
    return sigmoid(z);
  }
  throw new Error(`unknown model type "${model.type}"; retrain with node scripts/train.js`);
}

/** The baseline a retention team would use without ML: the train churn rate of the contract type. */
export function fitBaseline(rawTrainRows, label) {
  const column = 'contract';
  const totals = new Map();
  let positives = 0;
  for (const row of rawTrainRows) {
    const key = row[column] || '';
    const t = totals.get(key) ?? { n: 0, pos: 0 };
    t.n++;
    t.pos += Number(row[label]);
    positives += Number(row[label]);
    totals.set(key, t);
  }
  const rates = {};
  for (const key of [...totals.keys()].sort()) {
    if (key === '') continue;
    const t = totals.get(key);
    rates[key] = Number((t.pos / t.n).toFixed(6));
  }
  return {
    type: 'segment-rate',
    description: 'churn rate of the subscriber\'s contract type in the train split',
    column,
    rates,
    prior: Number((positives / rawTrainRows.length).toFixed(6)),
  };
}

export function predictBaseline(baseline, rawRow) {
  return baseline.rates[rawRow[baseline.column]] ?? baseline.prior;
}
