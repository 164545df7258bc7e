import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'tui/**/*.test.tsx'],
    exclude: ['node_modules', 'dist', '.team'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // The terminal board is tested as a person sees it: Ink draws nothing live when it thinks it
    // runs under CI, so tests (and the CLIs they start in tmux) run with CI switched off.
    env: { CI: 'false' },
  },
});
