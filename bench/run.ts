/**
 * Runs the benchmarks in bench/*.bench.ts and writes their sections into docs/benchmarks.md,
 * replacing only the sections that ran.
 *
 *   node --import tsx bench/run.ts            every bench
 *   node --import tsx bench/run.ts board      only bench/board.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSection } from './section.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DOC_FILE = path.join(BENCH_DIR, '..', 'docs', 'benchmarks.md');

const DOC_HEADER = `# Benchmarks

Measured with \`npm run bench\` (every bench in \`bench/*.bench.ts\`) or \`npm run bench -- <name>\`
(only \`bench/<name>.bench.ts\`). Each section is rewritten when its bench runs; the others are kept.
Absolute numbers depend on the machine; the ratios are what to watch.
`;

export class BenchError extends Error {
  override name = 'BenchError';
}

/** Bench names (file names without .bench.ts) in bench/, sorted. */
export function availableBenches(dir = BENCH_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
}

export function machineLine(date = new Date()): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg()[0] ?? 0;
  return `_${date.toISOString().slice(0, 10)}, ${cpus.length} × ${model}, Node ${process.version}, ${os.platform()} ${os.arch()}, load average ${load.toFixed(1)} when written._`;
}

const startMarker = (name: string) => `<!-- bench:${name} -->`;
const endMarker = (name: string) => `<!-- /bench:${name} -->`;

export function renderSection(name: string, section: BenchSection, date = new Date()): string {
  return `${startMarker(name)}\n## ${section.title}\n\n${machineLine(date)}\n\n${section.body.trim()}\n${endMarker(name)}`;
}

/** Replace (or append) the named sections in the document, keeping everything else as it was. */
export function mergeSections(doc: string, sections: Map<string, string>): string {
  let result = doc.trim() === '' ? DOC_HEADER : doc;
  for (const [name, text] of sections) {
    const start = result.indexOf(startMarker(name));
    const end = result.indexOf(endMarker(name));
    if (start >= 0 && end > start) {
      result = result.slice(0, start) + text + result.slice(end + endMarker(name).length);
    } else {
      result = `${result.trimEnd()}\n\n${text}\n`;
    }
  }
  return result.endsWith('\n') ? result : `${result}\n`;
}

async function runBench(name: string): Promise<BenchSection> {
  const file = path.join(BENCH_DIR, `${name}.bench.ts`);
  const mod = (await import(pathToFileURL(file).href)) as { run?: () => Promise<BenchSection> };
  if (typeof mod.run !== 'function') throw new BenchError(`${path.relative(process.cwd(), file)} does not export \`async function run(): Promise<BenchSection>\``);
  return mod.run();
}

export async function main(args: string[]): Promise<void> {
  const available = availableBenches();
  const names = args.length > 0 ? args : available;
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    throw new BenchError(`no bench named ${unknown.join(', ')}; available: ${available.join(', ') || '(none)'} (files bench/<name>.bench.ts)`);
  }
  const rendered = new Map<string, string>();
  for (const name of names) {
    process.stdout.write(`bench ${name}: running\n`);
    const started = Date.now();
    const section = await runBench(name);
    rendered.set(name, renderSection(name, section));
    process.stdout.write(`${section.body.trim()}\n\nbench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`);
  }
  const doc = fs.existsSync(DOC_FILE) ? fs.readFileSync(DOC_FILE, 'utf8') : '';
  fs.mkdirSync(path.dirname(DOC_FILE), { recursive: true });
  fs.writeFileSync(DOC_FILE, mergeSections(doc, rendered));
  process.stdout.write(`wrote ${path.relative(process.cwd(), DOC_FILE)} (${[...rendered.keys()].join(', ')})\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
