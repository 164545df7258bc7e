import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_ROWS } from '../helpers/small-churn.js';
import { DEFAULT_ROWS, TRAINING_STEPS, makeWorkspace, num, readJson, removeWorkspace, runAll, runScript } from './helpers.js';
import { type PlayedRun, playRun } from './play.js';

// One workspace runs the whole default pipeline on small data, the way a run does: the team file's
// sim steps with the recommended answers (every script from generate-data.js to drift-check.js,
// each after the decisions it depends on). The tests read what it produced.
let main = '';
let played: PlayedRun;
const others: string[] = [];

beforeAll(async () => {
  played = await playRun({});
  main = played.dir;
}, 60_000);

afterAll(() => {
  for (const dir of [main, ...others]) removeWorkspace(dir);
});

function workspace(rows?: number): string {
  const dir = makeWorkspace(rows);
  others.push(dir);
  return dir;
}

/** A fresh workspace holding the raw data the main run generated (same seed, rows and churn definition). */
function workspaceWithMainData(): string {
  const dir = workspace();
  fs.cpSync(path.join(main, 'data', 'raw'), path.join(dir, 'data', 'raw'), { recursive: true });
  return dir;
}

describe('churn-project default pipeline (full features)', () => {
  it('played through the team file with the recommended answers, passes the gate and deploys', () => {
    expect(played.firstVerdict).toBe(true);
    expect(played.evaluation.auc).toBeGreaterThanOrEqual(0.75);
    expect(readJson(main, 'deploy/manifest.json').strategy).toBe('canary-10');
    expect(readJson(main, 'reports/smoke.json').passed).toBe(true);
    expect(fs.readFileSync(path.join(main, 'docs/runbook.md'), 'utf8')).toContain('# Churn scorer runbook');
  });

  it('clears the AUC gate and beats the baseline by a clear margin on the test split', () => {
    const metrics = readJson(main, 'reports/metrics.json');
    expect(num(metrics, 'auc')).toBeGreaterThanOrEqual(0.75);
    expect(num(metrics, 'auc')).toBeGreaterThan(num(metrics, 'baseline_auc') + 0.05);
    expect(metrics.passes_gate).toBe(true);
    expect(metrics.split).toBe('test');
    expect(num(metrics, 'rows')).toBe(num(readJson(main, 'artifacts/preprocess.json'), 'test_rows'));
    for (const key of ['precision_at_10', 'recall_at_10', 'brier', 'ece']) {
      expect(num(metrics, key)).toBeGreaterThan(0);
      expect(num(metrics, key)).toBeLessThan(1);
    }
    expect(metrics.calibration).toHaveLength(10);
  });

  it('fits preprocessing on the train split only and keeps the splits apart', () => {
    const pre = readJson(main, 'artifacts/preprocess.json');
    expect(pre.fitted_on).toBe('train');
    expect(num(pre, 'train_rows') + num(pre, 'test_rows')).toBe(SMALL_ROWS);
    // Stratified: a quarter of each class, rounded per class.
    expect(Math.abs(num(pre, 'test_rows') - SMALL_ROWS * 0.25)).toBeLessThanOrEqual(1);
    const ids = (file: string) =>
      fs.readFileSync(path.join(main, file), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    const train = new Set(ids('data/features.csv'));
    const test = ids('data/test.csv');
    expect(train.size).toBe(num(pre, 'train_rows'));
    expect(test).toHaveLength(num(pre, 'test_rows'));
    expect(test.filter((id) => train.has(id))).toEqual([]);
  });

  it('profiles the raw data, including its missing values and outliers', () => {
    const profile = readJson(main, 'reports/profile.json');
    expect(num(profile, 'rows')).toBe(SMALL_ROWS);
    expect(num(profile, 'missing_cells')).toBeGreaterThan(0);
    expect(num(profile, 'far_outliers')).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(main, 'reports/profile.md'), 'utf8')).toContain('# Data profile');
  });

  it('writes a model card whose numbers come from the metrics', () => {
    const metrics = readJson(main, 'reports/metrics.json');
    const card = fs.readFileSync(path.join(main, 'reports/model-card.md'), 'utf8');
    expect(card).toContain(`| AUC | ${num(metrics, 'auc')} | ${num(metrics, 'baseline_auc')} |`);
    expect(card).toContain('**passed**');
  });

  it('packages a bundle, smoke-tests the server and stops it again', () => {
    const bundle = readJson(main, 'dist/model-bundle.json');
    expect(bundle.version).toMatch(/^1\.0\.0\+[0-9a-f]{8}$/);
    const smoke = readJson(main, 'reports/smoke.json');
    expect(smoke.passed).toBe(true);
    expect(smoke.model_version).toBe(bundle.version);
    expect(num(smoke, 'checks_passed')).toBe(num(smoke, 'checks_total'));
    expect(num(smoke, 'risky_probability')).toBeGreaterThan(num(smoke, 'safe_probability'));
    expect(fs.existsSync(path.join(main, 'run/serve.json'))).toBe(false);
    expect(() => process.kill(num(smoke, 'pid'), 0)).toThrow();
  });

  it('deploys with the configured rollout strategy', () => {
    const manifest = readJson(main, 'deploy/manifest.json');
    expect(manifest.strategy).toBe('canary-10');
    expect(manifest.initial_traffic_percent).toBe(10);
    expect((manifest.model as Record<string, unknown>).version).toBe(readJson(main, 'dist/model-bundle.json').version);
  });

  it('reports PSI per feature for a shifted later batch, and no alert without the shift', async () => {
    const drift = readJson(main, 'reports/drift.json');
    // The later batch is a third of the configured rows.
    expect(num(drift, 'rows')).toBe(SMALL_ROWS / 3);
    const features = drift.features as Record<string, { psi: number; status: string }>;
    expect(Object.keys(features)).toContain('monthly_charge');
    for (const feature of Object.values(features)) expect(typeof feature.psi).toBe('number');
    expect(features.monthly_charge?.status).toBe('alert');
    expect(num(drift, 'max_psi')).toBeGreaterThanOrEqual(0.2);
    expect(num(drift, 'alert_count')).toBeGreaterThan(0);
    expect(typeof drift.prediction_psi).toBe('number');

    const steady = await runScript(main, 'drift-check.js', ['--no-shift']);
    expect(steady.exitCode).toBe(0);
    const report = readJson(main, 'reports/drift.json');
    expect(num(report, 'alert_count')).toBe(0);
    expect(num(report, 'max_psi')).toBeLessThan(0.1);
  });
});

describe('churn-project at the size users get', () => {
  it(`generates ${DEFAULT_ROWS} rows by default, splits them 75/25 and clears the gate`, async () => {
    expect(DEFAULT_ROWS).toBe(12000);
    const dir = workspace(DEFAULT_ROWS);
    // The profile step adds nothing at this size that the main run does not check: it is left out.
    await runAll(dir, TRAINING_STEPS.filter((step) => step !== 'profile.js'));
    expect(num(readJson(dir, 'data/raw/meta.json'), 'rows')).toBe(12000);
    expect(fs.readFileSync(path.join(dir, 'data/raw/subscribers.csv'), 'utf8').trim().split('\n')).toHaveLength(12000 + 1);
    const pre = readJson(dir, 'artifacts/preprocess.json');
    expect([num(pre, 'train_rows'), num(pre, 'test_rows')]).toEqual([9000, 3000]);
    const metrics = readJson(dir, 'reports/metrics.json');
    expect(num(metrics, 'auc')).toBeGreaterThan(num(metrics, 'baseline_auc') + 0.05);
    expect(metrics.passes_gate).toBe(true);
  }, 60_000);
});

describe('churn-project decisions', () => {
  it('is deterministic: the same seed gives byte-identical metrics', async () => {
    const again = workspace();
    await runAll(again, TRAINING_STEPS);
    const read = (dir: string) => fs.readFileSync(path.join(dir, 'reports/metrics.json'));
    expect(read(again).equals(read(main))).toBe(true);
  }, 30_000);

  it('misses the gate with usage-only features, and deploy refuses', async () => {
    const dir = workspaceWithMainData();
    await runAll(dir, ['config.js set feature_set=usage-only', 'build-features.js', 'train.js', 'evaluate.js', 'package.js']);
    const metrics = readJson(dir, 'reports/metrics.json');
    expect(num(metrics, 'auc')).toBeLessThan(0.75);
    expect(num(metrics, 'auc')).toBeGreaterThan(0.6);
    expect(metrics.passes_gate).toBe(false);
    fs.copyFileSync(path.join(main, 'reports/smoke.json'), path.join(dir, 'reports/smoke.json'));
    const deploy = await runScript(dir, 'deploy.js');
    expect(deploy.exitCode).toBe(1);
    expect(deploy.stderr).toContain(`deploy: refused: test AUC ${num(metrics, 'auc')} is below min_auc 0.75`);
    expect(fs.existsSync(path.join(dir, 'deploy/manifest.json'))).toBe(false);
  }, 30_000);

  it('changes the labels, not the features, when the churn definition changes', async () => {
    const dir = workspace();
    await runAll(dir, ['config.js set churn_definition=inactive30', 'generate-data.js']);
    const cancelled = readJson(main, 'data/raw/meta.json');
    const inactive = readJson(dir, 'data/raw/meta.json');
    expect(inactive.churn_definition).toBe('inactive30');
    expect(num(inactive, 'churn_rate')).toBeGreaterThan(num(cancelled, 'churn_rate') + 0.05);

    const withoutLabel = (file: string) =>
      fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => line.slice(0, line.lastIndexOf(',')));
    const a = withoutLabel(path.join(main, 'data/raw/subscribers.csv'));
    const b = withoutLabel(path.join(dir, 'data/raw/subscribers.csv'));
    expect(b).toEqual(a);
  }, 30_000);

  it('refuses stale inputs after a decision changes', async () => {
    const dir = workspaceWithMainData();
    await runAll(dir, ['config.js set churn_definition=downgrade-or-cancel']);
    const result = await runScript(dir, 'build-features.js');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'build-features: data/raw was generated with churn_definition=cancelled but config says downgrade-or-cancel; run `node scripts/generate-data.js` and the later steps again',
    );
  }, 30_000);

  it('rejects a config value outside the allowed ones', async () => {
    const dir = workspace();
    const result = await runScript(dir, 'config.js', ['set', 'rollout=yolo']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('config: rollout must be one of canary-10 | shadow | full, got "yolo"');
    expect(readJson(dir, 'config.json').rollout).toBe('canary-10');
  });
});
