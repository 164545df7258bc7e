/** Recorded metrics as a person reads them: named in words, formatted, each beside its baseline. */
import type { Json, JsonObject } from '../board/types.js';
import type { MetricRow } from './model.js';
import { cleanLine } from './safe-text.js';

export type MetricValue = number | string | boolean;

/** A task's recorded metrics (`metadata.metrics`): its scalar values, or null when it recorded none. */
export function metricsOf(metadata: JsonObject): { [key: string]: MetricValue } | null {
  const metrics = metadata.metrics;
  if (metrics === null || metrics === undefined || typeof metrics !== 'object' || Array.isArray(metrics)) return null;
  const out: { [key: string]: MetricValue } = {};
  for (const [key, value] of Object.entries(metrics)) {
    const scalar = scalarOf(value);
    if (scalar !== null) out[cleanLine(key)] = scalar;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function scalarOf(value: Json): MetricValue | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return cleanLine(value);
  if (typeof value === 'boolean') return value;
  return null;
}

/** Short names that read as acronyms. */
const ACRONYMS = new Set(['auc', 'roc', 'pr', 'psi', 'ece', 'f1', 'rmse', 'mae', 'mse', 'mape', 'r2', 'ks', 'ndcg', 'map', 'mrr', 'bleu', 'id', 'pid', 'cpu', 'gpu', 'api', 'url', 'p50', 'p90', 'p95', 'p99', 'ms', 'kb', 'mb', 'gb']);

/** `precision_at_10` -> `Precision @10`, `train_baseline_auc` -> `Train baseline AUC`, `alert_count` -> `Alert count`. */
export function metricLabel(key: string): string {
  const words = key.split(/[_\s.-]+/).filter((w) => w !== '');
  const shown: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    if (word.toLowerCase() === 'at' && next !== undefined && /^\d+$/.test(next)) {
      shown.push(`@${next}`);
      i++;
      continue;
    }
    shown.push(ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word.toLowerCase());
  }
  const first = shown[0] ?? key;
  shown[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return shown.join(' ');
}

/** Numbers that name something (a seed, a port) rather than count it: no thousands separators. */
const IDENTIFIER = /(?:^|_)(?:seed|port|pid|id|year|version)$/;

/** A value as people read it: counts with separators, rates as percentages, ratios to three places. */
export function formatMetric(key: string, value: MetricValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (/(?:^|_)(?:rate|share)$/.test(key) && value >= 0 && value <= 1) return `${trimZeros(roundHalfUp(value * 100, 1).toFixed(1))}%`;
  if (IDENTIFIER.test(key)) return String(value);
  if (Number.isInteger(value)) return groupDigits(value);
  if (Math.abs(value) >= 100) return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return roundHalfUp(value, 3).toFixed(3);
}

/**
 * An integer with thousands separators, as `toLocaleString('en-US')` writes it. That call loads
 * ICU's locale data, 30 ms or more in a fresh process: more than `team export` or `team status`
 * spent on everything after reading the board. Other numbers still go through it.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/** 0.6765 -> 0.677 as a person rounds it (toFixed alone sees the binary 0.67649999...). */
function roundHalfUp(value: number, places: number): number {
  const scale = 10 ** places;
  return Math.round(Number((value * scale).toPrecision(12))) / scale;
}

function trimZeros(text: string): string {
  return text.replace(/\.0$/, '');
}

/** The key of a metric's baseline twin, if this key is one: `baseline_auc` -> `auc`, `train_baseline_auc` -> `train_auc`. */
function baselineOf(key: string): string | null {
  const base = key.replace(/(^|_)baseline_/, '$1');
  return base !== key ? base : null;
}

/** One row per metric, the baseline of a metric in its row (and not in a row of its own). */
export function metricRows(metrics: { [key: string]: MetricValue }): MetricRow[] {
  const baselines = new Map<string, number>();
  for (const [key, value] of Object.entries(metrics)) {
    const base = baselineOf(key);
    if (base !== null && typeof value === 'number' && base in metrics) baselines.set(base, value);
  }
  const rows: MetricRow[] = [];
  for (const [key, value] of Object.entries(metrics)) {
    const base = baselineOf(key);
    if (base !== null && baselines.has(base)) continue;
    const baseline = baselines.get(key) ?? null;
    rows.push({
      key,
      label: metricLabel(key),
      value,
      shown: formatMetric(key, value),
      baseline,
      baselineShown: baseline === null ? null : formatMetric(key, baseline),
    });
  }
  return rows;
}
