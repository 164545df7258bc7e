/**
 * How fast the built CLI starts, each command a separate cold node process, against baselines
 * measured in the same run: bare `node -e 0` for help and the read commands, and the team's own
 * scripts run alone (plain, and in the same sandbox the run uses) for `team start churn-project --instant`.
 *
 *   node --import tsx bench/start.bench.ts [--json]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadTeam } from '../src/definitions/team-loader.js';
import { substituteText } from '../src/models/sim-program.js';
import { markdownTable, median, type BenchSection } from './section.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'team.js');
const TEAM = 'churn-project';
const COLD_REPEATS = 5;
const START_REPEATS = 3;
/** The issue's targets: read commands under 300 ms cold, a run within 1.15x of its scripts alone. */
const COLD_TARGET_MS = 300;
const START_TARGET_RATIO = 1.15;

export class StartBenchError extends Error {
  override name = 'StartBenchError';
}

/** Environment for every measured process: no API key (the simulated model), no CI or TTY hints. */
function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.ANTHROPIC_API_KEY;
  delete env.TEAM_BOARD_URL;
  delete env.TEAM_HOME;
  return env;
}

interface Timed {
  ms: number;
  /** User + system CPU of the process and its children (null without /usr/bin/time). */
  cpuMs: number | null;
  stdout: string;
}

/** GNU time reports the CPU a process tree used: on a busy machine that moves far less than wall time. */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);

/** Wall time of one process from spawn to exit, as the person at the terminal waits for it, and its CPU. */
function timeProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = benchEnv()): Timed {
  const cpuFile = path.join(os.tmpdir(), `start-bench-cpu-${process.pid}.txt`);
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args];
  const started = performance.now();
  const result = spawnSync(file, argv, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.error) throw new StartBenchError(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new StartBenchError(`${command} ${args.join(' ')} exited ${String(result.status ?? result.signal)} in ${cwd}: ${(result.stderr || result.stdout).trim().slice(-600)}`);
  }
  return { ms, cpuMs: hasGnuTime ? readCpu(cpuFile) : null, stdout: result.stdout };
}

function readCpu(file: string): number | null {
  const text = fs.readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
  fs.rmSync(file, { force: true });
  const [user, system] = text.split(' ').map(Number);
  return user !== undefined && system !== undefined && Number.isFinite(user + system) ? (user + system) * 1000 : null;
}

/**
 * The dist folder is what `team` runs: rebuild it when any source file is newer, or when the bundle
 * bin/team.js prefers (dist/cli/) is missing or older than the compiled files.
 */
function ensureBuilt(): void {
  const mtime = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
  const compiled = mtime(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'));
  const bundled = mtime(path.join(ROOT, 'dist', 'cli', 'main.js'));
  if (compiled >= newestMtime(path.join(ROOT, 'src')) && bundled >= compiled) return;
  process.stdout.write('bench start: dist/ is older than src/, running npm run build\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new StartBenchError(`npm run build failed; the bench measures the built CLI:\n${(result.stdout + result.stderr).trim().slice(-2000)}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

// ------------------------------------------------------------------ the team's scripts

interface TeamScripts {
  /** The workspace template the run copies. */
  template: string;
  /** The team file's folder: the sandbox section's relative paths start there. */
  teamDir: string;
  sandbox: unknown;
  /** The shell commands of the tasks' sim steps in an order the blockers allow, answers filled in. */
  commands: string[];
}

/**
 * The commands the simulated run executes for the team, read from its `sim:` steps: `bash` steps in
 * order, `{{key}}` filled with what --auto-answer picks for the task's `ask` steps (the first
 * option). Tasks are taken in file order whenever their blockers are done, as the run can.
 * Retrain steps are left out: they run only when a quality gate fails, and churn-project passes.
 */
export function teamScripts(team = TEAM): TeamScripts {
  const loaded = loadTeam(team, { cwd: os.tmpdir(), home: os.homedir(), env: benchEnv() });
  const { workspace, tasks, sandbox } = loaded.team;
  if (!workspace) throw new StartBenchError(`team ${team} has no workspace template to copy`);
  const done = new Set<string>();
  const ordered: typeof tasks = [];
  while (ordered.length < tasks.length) {
    const next = tasks.find((task) => !done.has(task.id) && (task.blockedBy ?? []).every((id) => done.has(id)));
    if (!next) throw new StartBenchError(`team ${team}: tasks left that no order allows (a cycle?)`);
    ordered.push(next);
    done.add(next.id);
  }
  const commands: string[] = [];
  for (const task of ordered) {
    const vars: Record<string, string> = {};
    for (const step of task.sim?.steps ?? []) {
      if ('bash' in step && typeof step.bash === 'string') commands.push(substituteText(step.bash, vars));
      if ('ask' in step && isRecord(step.ask)) {
        const options: unknown = step.ask.options;
        const first: unknown = Array.isArray(options) ? options[0] : undefined;
        if (isRecord(first)) vars[String(step.ask.key)] = String(first.value ?? first.label);
      }
    }
  }
  if (commands.length === 0) throw new StartBenchError(`team ${team} has no bash sim steps`);
  return { template: path.resolve(loaded.dir, workspace), teamDir: loaded.dir, sandbox, commands };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain bash script: copy the template, then each command in its own `bash -c`, as the Bash tool runs it. */
function plainScript(scripts: TeamScripts, workspace: string): string {
  const q = shellQuote;
  return [
    'set -e',
    `cp -r ${q(scripts.template)} ${q(workspace)}`,
    `cd ${q(workspace)}`,
    ...scripts.commands.map((command) => `bash -c ${q(command)} > /dev/null`),
    '',
  ].join('\n');
}

/**
 * The same commands through the project's own sandbox runner (bubblewrap started once, every
 * command entered with nsenter, the team file's sandbox section), exactly as a sandboxed run runs
 * them, with no board, model or coordinator around them.
 */
function sandboxedScript(scripts: TeamScripts, workspace: string, home: string): string {
  const dist = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'src', 'sandbox', file)).href);
  return `import fs from 'node:fs';
import { runCommand, killAll } from ${dist('runner.js')};
import { sandboxSettingsFrom } from ${dist('config.js')};
const workspace = ${JSON.stringify(workspace)};
fs.cpSync(${JSON.stringify(scripts.template)}, workspace, { recursive: true });
const stateDir = ${JSON.stringify(path.join(home, 'runs', '1'))};
fs.mkdirSync(stateDir, { recursive: true });
const settings = sandboxSettingsFrom(${JSON.stringify(scripts.sandbox ?? null)} ?? undefined, { mode: 'bwrap', baseDir: ${JSON.stringify(scripts.teamDir)}, teamHome: ${JSON.stringify(home)}, stateDir });
const real = fs.realpathSync(workspace);
for (const command of ${JSON.stringify(scripts.commands)}) {
  const outcome = await runCommand({ command, workspace: real, parentEnv: process.env, settings, timeoutMs: 120000, keepBytes: 30000 });
  if (outcome.exitCode !== 0) { console.error(command, JSON.stringify(outcome).slice(0, 2000)); process.exit(1); }
}
killAll();
`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

// ------------------------------------------------------------------ the measurements

export interface ColdRow {
  name: string;
  samplesMs: number[];
  medianMs: number;
  /** Median CPU (user + system) of the process tree, when it could be measured. */
  cpuMs: number | null;
}

export interface StartReport {
  loadBefore: number;
  loadAfter: number;
  cold: ColdRow[];
  /** The same read commands run by an older build ($TEAM_BENCH_BEFORE), in the same rounds; null without one. */
  before: { bin: string; rows: ColdRow[] } | null;
  baseline: ColdRow;
  start: ColdRow[];
  commands: string[];
}

/**
 * An older build to compare with: the bin/team.js of another checkout, built (`npm run build` there).
 * Its read commands run in the same rounds as this build's, on the same board.
 */
const BEFORE_ENV = 'TEAM_BENCH_BEFORE';

function beforeBin(): string | null {
  const given = process.env[BEFORE_ENV];
  if (!given) return null;
  const bin = path.resolve(given);
  if (!fs.existsSync(bin)) throw new StartBenchError(`${BEFORE_ENV}=${given}: no such file; point it at the bin/team.js of a built older checkout`);
  return bin;
}

const READS: [string, string[]][] = [
  ['team --help', ['--help']],
  ['team runs', ['runs']],
  ['team status', ['status']],
  ['team tasks list', ['tasks', 'list']],
  ['team board --json', ['board', '--json']],
  ['team export 1', ['export', '1']],
];

function row(name: string, timed: Timed[]): ColdRow {
  const samplesMs = timed.map((t) => t.ms);
  const cpu = timed.map((t) => t.cpuMs).filter((v) => v !== null);
  return { name, samplesMs, medianMs: median(samplesMs), cpuMs: cpu.length === timed.length && cpu.length > 0 ? median(cpu) : null };
}

export async function startBench(): Promise<StartReport> {
  ensureBuilt();
  const oldBin = beforeBin();
  const loadBefore = os.loadavg()[0] ?? 0;
  const scripts = teamScripts();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'start-bench-'));
  try {
    // A small board for the read commands: one finished churn-project run.
    const boardDir = path.join(root, 'board');
    fs.mkdirSync(boardDir);
    timeProcess(process.execPath, [BIN, 'start', TEAM, '--instant', '--auto-answer', '--headless'], boardDir);

    // One round not counted, so every counted round finds the files in the page cache.
    const node = (): Timed => timeProcess(process.execPath, ['-e', '0'], boardDir);
    const team = (args: string[], bin = BIN): Timed => timeProcess(process.execPath, [bin, ...args], boardDir);
    node();
    for (const [, args] of READS) team(args);
    if (oldBin) for (const [, args] of READS) team(args, oldBin);
    const nodeSamples: Timed[] = [];
    const readSamples = READS.map((): Timed[] => []);
    const oldSamples = READS.map((): Timed[] => []);
    for (let i = 0; i < COLD_REPEATS; i++) {
      nodeSamples.push(node());
      READS.forEach(([, args], at) => {
        if (oldBin) oldSamples[at]?.push(team(args, oldBin));
        readSamples[at]?.push(team(args));
      });
    }

    // A run and its scripts alone, side by side: each kind once per round, each in a fresh folder.
    const kinds: [string, (dir: string) => Timed][] = [
      ['scripts alone, plain bash', (dir) => {
        fs.writeFileSync(path.join(dir, 'scripts.sh'), plainScript(scripts, path.join(dir, 'workspace')));
        return timeProcess('bash', [path.join(dir, 'scripts.sh')], dir);
      }],
      ['scripts alone, in the sandbox', (dir) => {
        const file = path.join(dir, 'scripts.mjs');
        fs.writeFileSync(file, sandboxedScript(scripts, path.join(dir, 'workspace'), path.join(dir, '.team')));
        return timeProcess(process.execPath, [file], dir);
      }],
      ['team start --instant (sandboxed)', (dir) => startRun(dir, [])],
      ['team start --instant --no-sandbox', (dir) => startRun(dir, ['--no-sandbox'])],
    ];
    const startSamples = kinds.map((): Timed[] => []);
    for (let i = 0; i < START_REPEATS; i++) {
      kinds.forEach(([, measure], at) => {
        const dir = fs.mkdtempSync(path.join(root, `start-${i}-${at}-`));
        startSamples[at]?.push(measure(dir));
        fs.rmSync(dir, { recursive: true, force: true });
      });
    }
    return {
      loadBefore,
      loadAfter: os.loadavg()[0] ?? 0,
      cold: READS.map(([name], at) => row(name, readSamples[at] ?? [])),
      before: oldBin ? { bin: oldBin, rows: READS.map(([name], at) => row(name, oldSamples[at] ?? [])) } : null,
      baseline: row('node -e 0', nodeSamples),
      start: kinds.map(([name], at) => row(name, startSamples[at] ?? [])),
      commands: scripts.commands,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function startRun(dir: string, extra: string[]): Timed {
  const timed = timeProcess(process.execPath, [BIN, 'start', TEAM, '--instant', '--auto-answer', '--headless', ...extra], dir);
  if (!/completed/i.test(timed.stdout)) throw new StartBenchError(`team start ${extra.join(' ')} did not complete:\n${timed.stdout.slice(-600)}`);
  return timed;
}

// ------------------------------------------------------------------ the section

const ms = (n: number) => `${Math.round(n)} ms`;
const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
const x = (n: number) => `${n.toFixed(2)}x`;

/** A / B of the medians, wall and CPU; CPU when both sides could be measured. */
function ratios(a: ColdRow | undefined, b: ColdRow | undefined): { wall: number; cpu: number | null } {
  if (!a || !b) return { wall: Number.NaN, cpu: null };
  return { wall: a.medianMs / b.medianMs, cpu: a.cpuMs !== null && b.cpuMs !== null && b.cpuMs > 0 ? a.cpuMs / b.cpuMs : null };
}

const cpuText = (value: number | null, format: (n: number) => string) => (value === null ? 'n/a' : format(value));

/** What the before columns are, when an older build was measured beside this one. */
function beforeText(report: StartReport): string {
  if (!report.before) return `(Set ${BEFORE_ENV} to an older checkout's built bin/team.js to measure it beside this build, in the same rounds.)\n`;
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(path.dirname(report.before.bin)), encoding: 'utf8' }).stdout.trim();
  return `**Before** is the CLI built from commit ${commit || 'unknown'}, run in the same rounds on the same board (each round: its command, then this build's).\n`;
}

export async function run(): Promise<BenchSection> {
  const report = await startBench();
  const { baseline } = report;
  const [plain, boxed, runBoxed, runPlain] = report.start;
  const comparisons: [string, ColdRow | undefined, ColdRow | undefined, boolean][] = [
    ['sandboxed run / scripts in the sandbox', runBoxed, boxed, true],
    ['sandboxed run / plain scripts', runBoxed, plain, true],
    ['--no-sandbox run / plain scripts', runPlain, plain, true],
    ['scripts in the sandbox / plain scripts (the sandbox alone)', boxed, plain, false],
  ];
  const cpuNote = hasGnuTime
    ? 'CPU is user + system time of the whole process tree (GNU time), which a busy machine inflates far less than wall time.'
    : 'CPU was not measured (no /usr/bin/time here).';
  const body = [
    'Each command is a separate cold `node bin/team.js` process of the built CLI (the bundle in dist/cli/), timed from spawn to exit;',
    `median of ${COLD_REPEATS}, interleaved with a bare \`node -e 0\` measured in the same rounds (one uncounted warm-up round first).`,
    `The read commands read a board holding one finished ${TEAM} run. Target: under ${COLD_TARGET_MS} ms each. ${cpuNote}`,
    `Load average ${report.loadBefore.toFixed(1)} at the start and ${report.loadAfter.toFixed(1)} at the end of the bench (${os.cpus().length} cores).`,
    '',
    beforeText(report),
    markdownTable(
      ['command', 'wall median', 'wall samples (ms)', '/ bare node', `under ${COLD_TARGET_MS} ms`, 'CPU median', 'CPU / bare node', ...(report.before ? ['before: wall median', 'before: CPU median'] : [])],
      [
        ['`node -e 0` (baseline)', ms(baseline.medianMs), baseline.samplesMs.map((v) => Math.round(v)).join(', '), '1.00x', '', cpuText(baseline.cpuMs, ms), '1.00x', ...(report.before ? ['', ''] : [])],
        ...report.cold.map((r, at) => {
          const ratio = ratios(r, baseline);
          const old = report.before?.rows[at];
          return [
            `\`${r.name}\``,
            ms(r.medianMs),
            r.samplesMs.map((v) => Math.round(v)).join(', '),
            x(ratio.wall),
            r.medianMs < COLD_TARGET_MS ? 'yes' : 'no',
            cpuText(r.cpuMs, ms),
            cpuText(ratio.cpu, x),
            ...(report.before ? [old ? ms(old.medianMs) : 'n/a', cpuText(old?.cpuMs ?? null, ms)] : []),
          ];
        }),
      ],
    ),
    '',
    `\`team start ${TEAM} --instant --auto-answer --headless\` in a fresh folder against the team's own scripts run alone:`,
    `the ${report.commands.length} shell commands of the tasks' \`sim:\` steps (read from the team file, answers as --auto-answer picks them),`,
    'in order, each in its own `bash -c`, after copying the workspace template. A sandboxed run starts one bubblewrap sandbox and',
    "enters it with nsenter for every command, so the fair baseline for it is the same commands through the project's sandbox runner",
    '(a node script with no board, model or coordinator); `--no-sandbox` runs are compared with plain bash.',
    `The four kinds alternate, one of each per round, median of ${START_REPEATS}. Target: within ${START_TARGET_RATIO}x.`,
    '',
    markdownTable(
      ['what ran', 'wall median', 'wall samples (s)', 'CPU median'],
      report.start.map((r) => [r.name, s(r.medianMs), r.samplesMs.map((v) => (v / 1000).toFixed(2)).join(', '), cpuText(r.cpuMs, s)]),
    ),
    '',
    markdownTable(
      ['comparison', 'wall ratio', `within ${START_TARGET_RATIO}x`, 'CPU ratio'],
      comparisons.map(([name, a, b, target]) => {
        const ratio = ratios(a, b);
        return [name, x(ratio.wall), target ? (ratio.wall <= START_TARGET_RATIO ? 'yes' : 'no') : '', cpuText(ratio.cpu, x)];
      }),
    ),
  ].join('\n');
  return { title: 'Start-up and run overhead', body };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await run();
  console.log(section.body);
}
