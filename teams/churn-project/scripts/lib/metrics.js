/** Area under the ROC curve by ranks (Mann-Whitney), with tied scores sharing their mean rank. */
export function auc(labels, scores) {
  const order = scores.map((s, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const meanRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function brier(labels, probs) {
  return labels.reduce((sum, y, i) => sum + (probs[i] - y) ** 2, 0) / labels.length;
}

export function logLoss(labels, probs) {
  const eps = 1e-12;
  return -labels.reduce((sum, y, i) => {
    const p = Math.min(1 - eps, Math.max(eps, probs[i]));
    return sum + (y === 1 ? Math.log(p) : Math.log(1 - p));
  }, 0) / labels.length;
}

/** Ten equal-width probability bins: predicted mean vs observed churn rate, and the ECE. */
export function calibration(labels, probs, bins = 10) {
  const table = Array.from({ length: bins }, (_, b) => ({ bin: `${(b / bins).toFixed(1)}-${((b + 1) / bins).toFixed(1)}`, count: 0, sumP: 0, sumY: 0 }));
  probs.forEach((p, i) => {
    const b = Math.min(bins - 1, Math.floor(p * bins));
    table[b].count++;
    table[b].sumP += p;
    table[b].sumY += labels[i];
  });
  let ece = 0;
  const rows = table.map((t) => {
    const meanPredicted = t.count ? t.sumP / t.count : null;
    const observed = t.count ? t.sumY / t.count : null;
    if (t.count) ece += (t.count / labels.length) * Math.abs(meanPredicted - observed);
    return { bin: t.bin, count: t.count, mean_predicted: meanPredicted, observed_rate: observed };
  });
  return { table: rows, ece };
}

/** Precision and recall when the top `fraction` of scores is flagged. */
export function atTopFraction(labels, scores, fraction) {
  const k = Math.max(1, Math.round(labels.length * fraction));
  const order = scores.map((s, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let hits = 0;
  for (let i = 0; i < k; i++) hits += labels[order[i]];
  const positives = labels.reduce((s, y) => s + y, 0);
  return { k, precision: hits / k, recall: positives ? hits / positives : 0 };
}

export function atThreshold(labels, probs, threshold) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  // A plain loop: training calls this once per candidate threshold.
  for (let i = 0; i < labels.length; i++) {
    const flagged = probs[i] >= threshold;
    if (flagged && labels[i] === 1) tp++;
    else if (flagged) fp++;
    else if (labels[i] === 1) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, flagged: tp + fp };
}
