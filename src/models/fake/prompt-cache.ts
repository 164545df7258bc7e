import { createHash, type Hash } from 'node:crypto';

/**
 * An emulation of the Messages API prompt cache, so that cache share measured against the fake
 * server means something. The prompt is a sequence of blocks in cache order (tools, system
 * blocks, then each message's content blocks). A block carrying cache_control is a breakpoint:
 * the prefix up to it is written to the cache; a later request reads the longest cached prefix
 * that ends at one of its block boundaries within LOOKBACK blocks before one of its breakpoints.
 * Tokens are estimated at ~4 characters each.
 */

export interface PromptBlock {
  /** What the block is, stable across turns (role and kind included); cache_control excluded. */
  key: string;
  tokens: number;
  breakpoint: boolean;
}

export interface CacheUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface PromptCacheOptions {
  /** Shortest prefix the API will cache (1024 tokens for most models). */
  minTokens?: number;
  /** Lifetime of an entry since its last use (5 minutes). */
  ttlMs?: number;
  now?: () => number;
}

export interface PromptCache {
  /** Account one request: read what is cached, write its breakpoints, return the usage split. */
  use(model: string, blocks: readonly PromptBlock[]): CacheUsage;
  clear(): void;
}

const LOOKBACK = 20;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function createPromptCache(opts: PromptCacheOptions = {}): PromptCache {
  const minTokens = opts.minTokens ?? 1024;
  const ttlMs = opts.ttlMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, number>();

  function alive(key: string, at: number): boolean {
    const expires = entries.get(key);
    if (expires === undefined) return false;
    if (expires > at) return true;
    entries.delete(key);
    return false;
  }

  return {
    clear: () => entries.clear(),
    use(model, blocks) {
      const at = now();
      // prefixKeys[i] / prefixTokens[i]: the prefix made of the first i blocks.
      const prefixKeys: string[] = [''];
      const prefixTokens: number[] = [0];
      const hash: Hash = createHash('sha256').update(model);
      for (const block of blocks) {
        hash.update(`\u0000${block.key}`);
        prefixKeys.push(hash.copy().digest('hex'));
        prefixTokens.push((prefixTokens.at(-1) ?? 0) + block.tokens);
      }
      const total = prefixTokens.at(-1) ?? 0;
      const breakpoints = blocks.flatMap((block, i) => (block.breakpoint ? [i + 1] : []));

      let hit = 0;
      for (const end of breakpoints) {
        for (let i = end; i > Math.max(0, end - LOOKBACK - 1) && i > hit; i--) {
          if (alive(prefixKeys[i] ?? '', at)) {
            hit = i;
            break;
          }
        }
      }
      const read = hit > 0 ? (prefixTokens[hit] ?? 0) : 0;
      if (hit > 0) entries.set(prefixKeys[hit] ?? '', at + ttlMs);

      let written = 0;
      for (const end of breakpoints) {
        const tokens = prefixTokens[end] ?? 0;
        if (tokens < minTokens) continue;
        entries.set(prefixKeys[end] ?? '', at + ttlMs);
        written = Math.max(written, tokens);
      }
      const created = Math.max(0, written - read);
      return { input_tokens: total - read - created, cache_read_input_tokens: read, cache_creation_input_tokens: created };
    },
  };
}
