import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError } from './errors.js';
import { displayPath } from './paths.js';

/**
 * Model aliases -> the newest id of each model line in the installed @anthropic-ai/sdk
 * (`Model` in resources/messages/messages.d.ts; the lines are `ModelLine` in resources/models.d.ts).
 * test/definitions/models.test.ts fails when an id here leaves the SDK's list.
 */
export const DEFAULT_MODEL_ALIASES = {
  sonnet: 'claude-sonnet-5-5',
  opus: 'claude-opus-5-5',
  haiku: 'claude-haiku-5-5',
  fable: 'claude-fable-5-2',
  mythos: 'claude-mythos-5-2',
} as const satisfies Record<string, string>;

export type ModelAlias = keyof typeof DEFAULT_MODEL_ALIASES;

export const FALLBACK_DEFAULT_MODEL: ModelAlias = 'sonnet';

/** Values of an agent's `model:` that mean "use the team's default". */
const INHERIT = new Set(['', 'inherit', 'default']);

export function isModelAlias(value: string): value is ModelAlias {
  return Object.hasOwn(DEFAULT_MODEL_ALIASES, value);
}

/** `.team/config.json`: `{ "models": { "sonnet": "<id>" }, "defaultModel": "sonnet" }`. Other keys belong to others. */
export const teamConfigSchema = z.looseObject({
  models: z.record(z.string(), z.string().min(1)).optional(),
  defaultModel: z.string().min(1).optional(),
});

export type TeamConfig = z.infer<typeof teamConfigSchema>;

/** Where the config lives: `$TEAM_HOME/config.json`, else `<cwd>/.team/config.json`. */
export function configPath(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = env.TEAM_HOME;
  return home ? path.resolve(cwd, home, 'config.json') : path.join(cwd, '.team', 'config.json');
}

/** Read the config file; a missing file is an empty config, a broken one is a DefinitionError. */
export function loadTeamConfig(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): TeamConfig {
  const file = configPath(opts);
  const label = displayPath(file, opts.cwd);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DefinitionError(`${label}:1: bad JSON: ${reason}. Fix: write it like { "models": { "sonnet": "claude-sonnet-5-5" }, "defaultModel": "sonnet" }`, { file, line: 1 });
  }
  const parsed = teamConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the file';
    throw new DefinitionError(
      `${label}:1: ${where} is not valid: ${issue?.message ?? 'unknown problem'}. Fix: "models" maps aliases to model ids (text) and "defaultModel" is an alias or id`,
      { file, line: 1 },
    );
  }
  return parsed.data;
}

export interface ResolveModelOptions {
  /** The team's `model:` (or any default the caller prefers) for members that inherit. */
  teamDefault?: string | undefined;
  env?: NodeJS.ProcessEnv;
  config?: TeamConfig;
}

/**
 * Turn an agent or member `model:` value into a model id.
 * inherit/undefined -> team default -> config defaultModel -> sonnet.
 * Aliases: env TEAM_MODEL_<ALIAS>, then config.models[alias], then the built-in table.
 * Anything else (a full id) passes through.
 */
export function resolveModel(raw: string | undefined, opts: ResolveModelOptions = {}): string {
  const value = raw?.trim() ?? '';
  if (!INHERIT.has(value.toLowerCase())) return resolveName(value, opts);
  for (const fallback of [opts.teamDefault, opts.config?.defaultModel]) {
    const candidate = fallback?.trim();
    if (candidate && !INHERIT.has(candidate.toLowerCase())) return resolveName(candidate, opts);
  }
  return resolveName(FALLBACK_DEFAULT_MODEL, opts);
}

function resolveName(value: string, opts: ResolveModelOptions): string {
  const alias = value.toLowerCase();
  if (!/^[a-z][a-z0-9_-]*$/.test(alias)) return value;
  const env = opts.env ?? process.env;
  const fromEnv = env[`TEAM_MODEL_${alias.replace(/-/g, '_').toUpperCase()}`]?.trim();
  if (fromEnv) return fromEnv;
  const fromConfig = opts.config?.models?.[alias] ?? opts.config?.models?.[value];
  if (fromConfig) return fromConfig;
  if (isModelAlias(alias)) return DEFAULT_MODEL_ALIASES[alias];
  return value;
}

/** Is this a value we can do something sensible with (alias, inherit, or what looks like a Claude id)? */
export function isRecognisedModel(raw: string, config?: TeamConfig): boolean {
  const value = raw.trim().toLowerCase();
  if (INHERIT.has(value) || isModelAlias(value)) return true;
  if (config?.models && Object.hasOwn(config.models, value)) return true;
  return value.startsWith('claude-');
}

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** Which row of the table matched, e.g. `claude-sonnet-5`. */
  family: string;
  /** False when the id matched no row and the most expensive row was used instead. */
  known: boolean;
}

type PriceRow = Omit<Price, 'family' | 'known'>;

/**
 * Published list prices by id prefix (longest prefix wins). Cache writes are the 5-minute rate.
 * Haiku 5.5 is priced by prompt size; the row is the <= 100k-token tier.
 */
const PRICES: Record<string, PriceRow> = {
  'claude-fable-5-2': { input: 8, output: 40, cacheWrite: 10, cacheRead: 0.8 },
  'claude-fable': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  'claude-mythos': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.4 },
  'claude-opus-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-7': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-6': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
  'claude-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
};

const UNKNOWN_PRICE_FAMILY = 'claude-fable';

/** Price of a model id (aliases are resolved with the built-in table). Unknown ids get the dearest row so budgets err on the safe side. */
export function priceFor(modelId: string): Price {
  const lower = modelId.trim().toLowerCase();
  const id = isModelAlias(lower) ? DEFAULT_MODEL_ALIASES[lower] : lower;
  const family = Object.keys(PRICES)
    .filter((prefix) => id === prefix || id.startsWith(`${prefix}-`))
    .sort((a, b) => b.length - a.length)[0];
  if (family) return { ...(PRICES[family] as PriceRow), family, known: true };
  return { ...(PRICES[UNKNOWN_PRICE_FAMILY] as PriceRow), family: UNKNOWN_PRICE_FAMILY, known: false };
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Cost in USD of one call's usage. */
export function costUsd(modelId: string, usage: TokenUsage): number {
  const price = priceFor(modelId);
  const total =
    usage.input_tokens * price.input +
    usage.output_tokens * price.output +
    (usage.cache_creation_input_tokens ?? 0) * price.cacheWrite +
    (usage.cache_read_input_tokens ?? 0) * price.cacheRead;
  return total / 1_000_000;
}
