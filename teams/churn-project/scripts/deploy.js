// Writes the deploy manifest for the packaged model, using config.rollout as the rollout strategy.
//   node scripts/deploy.js
// Refuses (exit 1, no manifest) unless reports/metrics.json passes the thresholds and
// reports/smoke.json passed for this very bundle.
import fs from 'node:fs';
import { parseArgs } from './lib/args.js';
import { loadBundle } from './lib/bundle.js';
import { loadConfig } from './lib/config-store.js';
import { readJson, resolve, runMain, writeJson } from './lib/paths.js';
import { PSI_ALERT } from './lib/drift.js';

const MANIFEST = 'deploy/manifest.json';

const ROLLOUTS = {
  'canary-10': {
    initial_traffic_percent: 10,
    phases: [
      { name: 'canary', traffic_percent: 10, hold_minutes: 60, promote_when: 'error rate < 1%, p95 latency < 200 ms, mean predicted churn within 20% of the test churn rate' },
      { name: 'full', traffic_percent: 100 },
    ],
    rollback: 'route 100% back to the previous model if a canary check fails',
  },
  shadow: {
    initial_traffic_percent: 0,
    phases: [
      { name: 'shadow', traffic_percent: 0, mirrored_percent: 100, hold_minutes: 1440, promote_when: 'a person reviews the shadow scores against the current process' },
      { name: 'full', traffic_percent: 100 },
    ],
    rollback: 'stop mirroring; no customer saw the new model',
  },
  full: {
    initial_traffic_percent: 100,
    phases: [{ name: 'full', traffic_percent: 100 }],
    rollback: 'redeploy the previous bundle',
  },
};

runMain('deploy', () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/deploy.js');
  const config = loadConfig();
  const metrics = readJson('reports/metrics.json', 'evaluate.js');
  const smoke = readJson('reports/smoke.json', 'smoke-test.js');
  const bundle = loadBundle();

  const metricProblems = [];
  if (!(metrics.auc >= config.min_auc)) metricProblems.push(`test AUC ${metrics.auc} is below min_auc ${config.min_auc}`);
  if (!(metrics.auc > metrics.baseline_auc)) metricProblems.push(`test AUC ${metrics.auc} does not beat the baseline AUC ${metrics.baseline_auc}`);
  // teamboard tells scripts which stages a person let through despite a failed metric gate.
  const overridden = (process.env.TEAM_GATE_OVERRIDES ?? '').split(',').includes('deploy');
  const refusals = overridden ? [] : [...metricProblems];
  if (smoke.passed !== true) refusals.push('reports/smoke.json did not pass; fix the server and run `node scripts/smoke-test.js`');
  if (smoke.model_version !== bundle.version) refusals.push(`the smoke test ran ${smoke.model_version}, not the packaged ${bundle.version}; run \`node scripts/smoke-test.js\``);
  if (bundle.metrics.auc !== metrics.auc) refusals.push('dist/model-bundle.json was packaged from other metrics than reports/metrics.json; run `node scripts/package.js`');
  if (refusals.length > 0) {
    fs.rmSync(resolve(MANIFEST), { force: true });
    throw new Error(`refused: ${refusals.join('; ')}`);
  }

  const rollout = ROLLOUTS[config.rollout];
  const manifest = {
    service: 'churn-scorer',
    model: { name: bundle.name, version: bundle.version, checksum: bundle.checksum.value, bundle: 'dist/model-bundle.json' },
    churn_definition: bundle.created_from.churn_definition,
    strategy: config.rollout,
    ...rollout,
    serve: { command: 'node scripts/serve.js --port 8080', host: '127.0.0.1', health: 'GET /health', predict: 'POST /predict' },
    checks: {
      auc: metrics.auc,
      baseline_auc: metrics.baseline_auc,
      min_auc: config.min_auc,
      smoke_test: 'passed',
      ...(metricProblems.length > 0 ? { gate_overridden: metricProblems } : {}),
    },
    monitoring: { drift_check: 'node scripts/drift-check.js', psi_alert: PSI_ALERT },
  };
  writeJson(MANIFEST, manifest);
  process.stdout.write(
    `deploy manifest for ${bundle.version}: strategy ${config.rollout}, ${rollout.initial_traffic_percent}% of traffic first (AUC ${metrics.auc} >= ${config.min_auc}, beats baseline ${metrics.baseline_auc}, smoke test passed) -> ${MANIFEST}\n`,
  );
});
