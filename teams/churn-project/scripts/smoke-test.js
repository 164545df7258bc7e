// Starts the model server as a child process, checks it, stops it.
//   node scripts/smoke-test.js
// Writes reports/smoke.json ({passed, checks, ...}); exits 1 when any check fails.
import { spawn } from 'node:child_process';
import http from 'node:http';
import process from 'node:process';
import { parseArgs } from './lib/args.js';
import { loadBundle, scoreRaw } from './lib/bundle.js';
import { readCsv } from './lib/csv.js';
import { ROOT, requireFile, resolve, runMain, writeJson } from './lib/paths.js';

const START_TIMEOUT_MS = 10_000;

/** Obviously risky: new, month-to-month, unhappy, failing payments, fading usage. */
const RISKY = {
  customer_id: 'SMOKE-RISKY',
  region: 'south',
  plan: 'standard',
  contract: 'monthly',
  tenure_months: 2,
  monthly_charge: 58.5,
  autopay: 'no',
  minutes_m3: 260,
  minutes_m2: 150,
  minutes_m1: 60,
  logins_m3: 14,
  logins_m2: 7,
  logins_m1: 2,
  support_tickets: 4,
  payment_failures: 2,
  last_login_days: 24,
};
/** Obviously safe: long two-year contract on autopay, steady heavy usage, no complaints. */
const SAFE = {
  customer_id: 'SMOKE-SAFE',
  region: 'north',
  plan: 'premium',
  contract: 'two-year',
  tenure_months: 60,
  monthly_charge: 71.0,
  autopay: 'yes',
  minutes_m3: 420,
  minutes_m2: 430,
  minutes_m1: 445,
  logins_m3: 22,
  logins_m2: 23,
  logins_m1: 24,
  support_tickets: 0,
  payment_failures: 0,
  last_login_days: 0,
};

runMain('smoke-test', async () => {
  parseArgs(process.argv.slice(2), {}, 'node scripts/smoke-test.js');
  const bundle = loadBundle();
  const sample = readCsv(requireFile('data/raw/subscribers.csv', 'generate-data.js')).rows.slice(0, 25);
  const checks = [];
  const check = (name, passed, detail) => checks.push({ name, passed: Boolean(passed), detail });
  const result = { passed: false, model_version: bundle.version };

  const child = spawn(process.execPath, [resolve('scripts/serve.js'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const server = await waitForListening(child);
    result.port = server.port;
    result.pid = server.pid;
    const base = server.url;

    const health = await request(`${base}/health`);
    check('health returns 200 and status ok', health.status === 200 && health.body.status === 'ok', `HTTP ${health.status}, status ${health.body.status}`);
    check('server runs the packaged bundle', health.body.version === bundle.version, `server ${health.body.version}, bundle ${bundle.version}`);

    const pair = await request(`${base}/predict`, { rows: [RISKY, SAFE] });
    const [risky, safe] = pair.body.predictions ?? [];
    const valid = (p) => typeof p?.probability === 'number' && p.probability >= 0 && p.probability <= 1;
    check('predict returns 200 with one prediction per row', pair.status === 200 && pair.body.predictions?.length === 2, `HTTP ${pair.status}`);
    check('predictions are probabilities in [0, 1]', valid(risky) && valid(safe), `risky ${risky?.probability}, safe ${safe?.probability}`);
    check('risky subscriber scores above the safe one', risky?.probability > safe?.probability, `risky ${risky?.probability} > safe ${safe?.probability}`);
    result.risky_probability = risky?.probability;
    result.safe_probability = safe?.probability;

    const batch = await request(`${base}/predict`, { rows: sample });
    const served = batch.body.predictions ?? [];
    const offline = sample.map((row) => Number(scoreRaw(bundle, row).toFixed(6)));
    const maxSkew = served.length === sample.length ? Math.max(...served.map((p, i) => Math.abs(p.probability - offline[i]))) : Number.POSITIVE_INFINITY;
    check(`batch of ${sample.length} raw rows scores the same online as offline`, batch.status === 200 && maxSkew < 1e-9, `HTTP ${batch.status}, max difference ${maxSkew}`);

    const bad = await request(`${base}/predict`, { rows: [{ tenure_months: 'soon' }] });
    check('malformed input is rejected with 400', bad.status === 400 && typeof bad.body.error === 'string', `HTTP ${bad.status}: ${bad.body.error}`);
    const missing = await request(`${base}/nope`);
    check('unknown route returns 404', missing.status === 404, `HTTP ${missing.status}`);
  } catch (error) {
    check('server starts and answers', false, error.message);
  } finally {
    await stop(child);
  }

  result.checks_total = checks.length;
  result.checks_passed = checks.filter((c) => c.passed).length;
  result.passed = checks.every((c) => c.passed);
  result.checks = checks;
  writeJson('reports/smoke.json', result);
  for (const c of checks) process.stdout.write(`${c.passed ? 'ok  ' : 'FAIL'} ${c.name} (${c.detail})\n`);
  process.stdout.write(`smoke test ${result.passed ? 'passed' : 'FAILED'}: ${result.checks_passed}/${result.checks_total} checks -> reports/smoke.json\n`);
  return result.passed ? 0 : 1;
});

function waitForListening(child) {
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start within ${START_TIMEOUT_MS / 1000}s; stderr: ${err.trim()}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        ok(JSON.parse(line));
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with code ${code} before listening: ${err.trim()}`));
    });
  });
}

/** One HTTP request with node:http (fetch would load a whole HTTP client for a handful of local calls). */
function request(url, body) {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = http.request(url, { method: payload === undefined ? 'GET' : 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        let parsed = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { raw: text };
        }
        done({ status: res.statusCode, body: parsed });
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(payload);
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
