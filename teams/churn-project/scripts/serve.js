// Serves the packaged model over HTTP on 127.0.0.1.
//   node scripts/serve.js [--port N] [--bundle dist/model-bundle.json]
// --port 0 (the default) picks a free port. The chosen port and the pid go to run/serve.json
// and to stdout as one JSON line. Routes: GET /health, POST /predict {"rows": [{...raw fields}]}.
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from './lib/args.js';
import { BUNDLE_FILE, loadBundle, scoreRaw } from './lib/bundle.js';
import { resolve, runMain, writeJson } from './lib/paths.js';
import { CATEGORICAL, NUMERIC } from './lib/preprocess.js';

const HOST = '127.0.0.1';
const MAX_BODY = 1024 * 1024;
const MAX_ROWS = 1000;
const STATE_FILE = 'run/serve.json';

class BadRequest extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'BadRequest';
    this.status = status;
  }
}

runMain('serve', async () => {
  const args = parseArgs(process.argv.slice(2), { port: 'int', bundle: 'string' }, 'node scripts/serve.js [--port N] [--bundle FILE]');
  const port = args.port ?? 0;
  if (port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${port}`);
  const bundle = loadBundle(args.bundle ?? BUNDLE_FILE);
  const started = Date.now();
  let served = 0;

  const server = http.createServer((req, res) => {
    handle(req)
      .then((body) => send(res, 200, body))
      .catch((error) => {
        if (error instanceof BadRequest) send(res, error.status, { error: error.message });
        else send(res, 500, { error: `internal error: ${error.message}` });
      });
  });

  async function handle(req) {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname === '/health') {
      if (req.method !== 'GET') throw new BadRequest(405, 'use GET /health');
      return {
        status: 'ok',
        model: bundle.name,
        version: bundle.version,
        checksum: bundle.checksum.value,
        churn_definition: bundle.created_from.churn_definition,
        uptime_s: Math.round((Date.now() - started) / 1000),
        predictions_served: served,
      };
    }
    if (url.pathname === '/predict') {
      if (req.method !== 'POST') throw new BadRequest(405, 'use POST /predict with a JSON body {"rows": [...]}');
      const rows = parseRows(await readBody(req));
      const predictions = rows.map((row) => {
        const probability = scoreRaw(bundle, row);
        return {
          customer_id: typeof row.customer_id === 'string' ? row.customer_id : null,
          probability: Number(probability.toFixed(6)),
          high_risk: probability >= bundle.threshold,
        };
      });
      served += predictions.length;
      return { model: bundle.name, version: bundle.version, threshold: bundle.threshold, predictions };
    }
    throw new BadRequest(404, `no route ${req.method} ${url.pathname}; try GET /health or POST /predict`);
  }

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, ok);
  });
  const address = server.address();
  const state = { pid: process.pid, host: HOST, port: address.port, url: `http://${HOST}:${address.port}`, version: bundle.version, started_at: new Date(started).toISOString() };
  writeJson(STATE_FILE, state);
  process.stdout.write(`${JSON.stringify({ event: 'listening', ...state })}\n`);

  const stop = () => {
    server.close(() => {
      removeStateFile();
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});

function removeStateFile() {
  const file = resolve(STATE_FILE);
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (state.pid === process.pid) fs.unlinkSync(file);
  } catch {
    // Already gone or replaced by another server: nothing to clean up.
  }
}

function readBody(req) {
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        fail(new BadRequest(413, `request body over ${MAX_BODY} bytes; send at most ${MAX_ROWS} rows`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function parseRows(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest(400, 'body is not valid JSON; send {"rows": [{...subscriber fields}]}');
  }
  const rows = Array.isArray(body) ? body : body?.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new BadRequest(400, 'body needs a non-empty "rows" array of subscriber objects');
  if (rows.length > MAX_ROWS) throw new BadRequest(400, `at most ${MAX_ROWS} rows per request, got ${rows.length}`);
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new BadRequest(400, `rows[${i}] must be an object of subscriber fields`);
    for (const column of NUMERIC) {
      const value = row[column];
      if (value === undefined || value === null || value === '') continue;
      if (!Number.isFinite(typeof value === 'number' ? value : Number(value))) {
        throw new BadRequest(400, `rows[${i}].${column} must be a number (or null when unknown), got ${JSON.stringify(value)}`);
      }
    }
    for (const column of CATEGORICAL) {
      const value = row[column];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw new BadRequest(400, `rows[${i}].${column} must be a string, got ${JSON.stringify(value)}`);
      }
    }
  });
  return rows;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
