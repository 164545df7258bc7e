import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/definitions/errors.js';
import { DEFAULT_MODEL_ALIASES, configPath, costUsd, loadTeamConfig, priceFor, resolveModel } from '../../src/definitions/model-aliases.js';
import { packageRoot } from '../../src/definitions/paths.js';
import { tempDir, writeFiles } from './helpers.js';

function sdkModelIds(): string[] {
  const file = path.join(packageRoot(), 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts');
  const text = fs.readFileSync(file, 'utf8');
  const union = /export type Model = ([^;]+);/.exec(text)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
}

/** `claude-sonnet-5-5` -> [5, 5]; undefined for dated snapshots and previews. */
function version(id: string, family: string): number[] | undefined {
  const match = new RegExp(`^claude-${family}-(\\d+)(?:-(\\d))?$`).exec(id);
  return match ? [Number(match[1]), Number(match[2] ?? 0)] : undefined;
}

describe('model aliases', () => {
  const ids = sdkModelIds();

  it('reads a model list from the installed SDK', () => {
    expect(ids.length).toBeGreaterThan(5);
  });

  it.each(Object.entries(DEFAULT_MODEL_ALIASES))('%s -> %s is in the SDK model list and the newest of its line', (alias, id) => {
    expect(ids).toContain(id);
    const newest = ids
      .map((candidate) => ({ candidate, v: version(candidate, alias) }))
      .filter((entry): entry is { candidate: string; v: number[] } => entry.v !== undefined)
      .sort((a, b) => (b.v[0] ?? 0) - (a.v[0] ?? 0) || (b.v[1] ?? 0) - (a.v[1] ?? 0))[0]?.candidate;
    expect(id).toBe(newest);
  });

  it('resolves aliases, inherit and full ids', () => {
    const env = {};
    expect(resolveModel('sonnet', { env })).toBe('claude-sonnet-5-5');
    expect(resolveModel('Opus', { env })).toBe('claude-opus-5-5');
    expect(resolveModel('haiku', { env })).toBe('claude-haiku-5-5');
    expect(resolveModel('fable', { env })).toBe('claude-fable-5-2');
    expect(resolveModel('claude-opus-4-7', { env })).toBe('claude-opus-4-7');
    expect(resolveModel(undefined, { env })).toBe('claude-sonnet-5-5');
    expect(resolveModel('inherit', { env })).toBe('claude-sonnet-5-5');
    expect(resolveModel('inherit', { env, teamDefault: 'opus' })).toBe('claude-opus-5-5');
    expect(resolveModel(undefined, { env, teamDefault: 'claude-haiku-4-5' })).toBe('claude-haiku-4-5');
    expect(resolveModel(undefined, { env, teamDefault: 'inherit', config: { defaultModel: 'haiku' } })).toBe('claude-haiku-5-5');
    expect(resolveModel('haiku', { env, teamDefault: 'opus' })).toBe('claude-haiku-5-5');
  });

  it('lets env override config and config override the table', () => {
    const config = { models: { sonnet: 'claude-sonnet-4-6', fast: 'claude-haiku-4-5' }, defaultModel: 'fast' };
    expect(resolveModel('sonnet', { env: {}, config })).toBe('claude-sonnet-4-6');
    expect(resolveModel('sonnet', { env: { TEAM_MODEL_SONNET: 'claude-sonnet-5' }, config })).toBe('claude-sonnet-5');
    expect(resolveModel('fast', { env: {}, config })).toBe('claude-haiku-4-5');
    expect(resolveModel(undefined, { env: {}, config })).toBe('claude-haiku-4-5');
    expect(resolveModel('opus', { env: { TEAM_MODEL_OPUS: 'claude-opus-4-8' } })).toBe('claude-opus-4-8');
  });

  it('reads .team/config.json, or config.json under TEAM_HOME', () => {
    const cwd = tempDir();
    expect(loadTeamConfig({ cwd, env: {} })).toEqual({});
    writeFiles(cwd, { '.team/config.json': JSON.stringify({ models: { opus: 'claude-opus-5' }, defaultModel: 'opus', other: true }) });
    expect(configPath({ cwd, env: {} })).toBe(path.join(cwd, '.team', 'config.json'));
    const config = loadTeamConfig({ cwd, env: {} });
    expect(resolveModel(undefined, { env: {}, config })).toBe('claude-opus-5');

    writeFiles(cwd, { 'elsewhere/config.json': JSON.stringify({ defaultModel: 'haiku' }) });
    const env = { TEAM_HOME: path.join(cwd, 'elsewhere') };
    expect(loadTeamConfig({ cwd, env })).toEqual({ defaultModel: 'haiku' });
  });

  it('rejects a broken config file with file and fix', () => {
    const cwd = tempDir();
    writeFiles(cwd, { '.team/config.json': '{ "models": ' });
    expect(() => loadTeamConfig({ cwd, env: {} })).toThrow(DefinitionError);
    expect(() => loadTeamConfig({ cwd, env: {} })).toThrow(/^\.team\/config\.json:1: bad JSON: .*Fix: write it like/);
    writeFiles(cwd, { '.team/config.json': '{ "models": { "sonnet": 5 } }' });
    expect(() => loadTeamConfig({ cwd, env: {} })).toThrow(/^\.team\/config\.json:1: models\.sonnet is not valid/);
  });
});

describe('prices', () => {
  it('prices each family by id prefix', () => {
    expect(priceFor('claude-sonnet-5-5')).toEqual({ input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2, family: 'claude-sonnet-5', known: true });
    expect(priceFor('claude-opus-5-5')).toMatchObject({ input: 4, output: 20, family: 'claude-opus-5-5' });
    expect(priceFor('claude-opus-4-5-20251101')).toMatchObject({ input: 5, output: 25, family: 'claude-opus-4-5' });
    expect(priceFor('claude-haiku-4-5-20251001')).toMatchObject({ input: 1, output: 5 });
    expect(priceFor('claude-fable-5-2')).toMatchObject({ input: 8, output: 40 });
    expect(priceFor('claude-fable-5-1')).toMatchObject({ input: 10, output: 50 });
    expect(priceFor('sonnet')).toMatchObject({ family: 'claude-sonnet-5' });
  });

  it('prices every default alias from the table, and unknown ids at the dearest row', () => {
    for (const id of Object.values(DEFAULT_MODEL_ALIASES)) expect(priceFor(id).known).toBe(true);
    expect(priceFor('some-other-model')).toMatchObject({ known: false, input: 10, output: 50 });
  });

  it('computes the cost of a call', () => {
    const usage = { input_tokens: 1_000_000, output_tokens: 100_000, cache_creation_input_tokens: 200_000, cache_read_input_tokens: 2_000_000 };
    expect(costUsd('claude-sonnet-5-5', usage)).toBeCloseTo(2 + 1 + 0.5 + 0.4, 10);
    expect(costUsd('claude-sonnet-5-5', { input_tokens: 0, output_tokens: 0 })).toBe(0);
  });
});
