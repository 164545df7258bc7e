import { describe, expect, it } from 'vitest';
import { commandAllowed } from '../../src/tools/command-patterns.js';

describe('Bash(...) patterns', () => {
  it('allows a prefix pattern and the bare command', () => {
    expect(commandAllowed('git status', ['git:*'])).toBe(true);
    expect(commandAllowed('git', ['git:*'])).toBe(true);
    expect(commandAllowed('gitk', ['git:*'])).toBe(false);
  });

  it('allows an exact command only as written', () => {
    expect(commandAllowed('npm run build', ['npm run build'])).toBe(true);
    expect(commandAllowed('npm run build --watch', ['npm run build'])).toBe(false);
  });

  it('requires every part of a compound command to match', () => {
    expect(commandAllowed('git add . && git commit -m x', ['git:*'])).toBe(true);
    expect(commandAllowed('git status; rm -rf /', ['git:*'])).toBe(false);
    expect(commandAllowed('git log | head', ['git:*'])).toBe(false);
    expect(commandAllowed('git log | head', ['git:*', 'head:*'])).toBe(true);
  });

  it('refuses an empty command', () => {
    expect(commandAllowed('  ', ['git:*'])).toBe(false);
  });
});
