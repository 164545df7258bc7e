import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Imports flow one way: cli -> tui -> runtime -> tools -> board -> db; definitions and models are leaves. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.team/**', 'db/migrations/**', '**/*.snap'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['teams/**/*.js', 'bin/**/*.js'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  layer(['db/**'], ['**/src/**', '**/tui/**', 'react', 'ink'], 'db/ is the bottom layer: it imports nothing of the app.'),
  layer(['src/board/**'], ['**/tools/**', '**/runtime/**', '**/cli/**', '**/tui/**', '**/models/**', '**/definitions/**', 'react', 'ink'], 'board/ sits under tools, runtime, cli and tui: it must not import them.'),
  layer(['src/tools/**'], ['**/runtime/**', '**/cli/**', '**/tui/**', '**/models/**', '**/db/**', 'drizzle-orm', 'drizzle-orm/*', 'react', 'ink'], 'tools/ sits under runtime, cli and tui; it reaches the database only through src/board.'),
  layer(['src/sandbox/**'], ['**/board/**', '**/tools/**', '**/runtime/**', '**/cli/**', '**/tui/**', '**/models/**', '**/db/**', 'react', 'ink'], 'sandbox/ is used by tools: it imports nothing of the app above it.'),
  layer(['src/report/**', 'src/mcp/**'], ['**/cli/**', '**/tui/**', '**/db/**', 'drizzle-orm', 'drizzle-orm/*', 'react', 'ink'], 'report/ and mcp/ sit beside tui: they use runtime, tools and board, never cli or tui, and never the database directly.'),
  layer(['src/definitions/**', 'src/models/**', 'src/shared/**'], ['**/runtime/**', '**/cli/**', '**/tui/**', '**/db/**', 'drizzle-orm', 'drizzle-orm/*', 'react', 'ink'], 'definitions/ and models/ are leaves used by the runtime.'),
  layer(['src/runtime/**'], ['**/cli/**', '**/tui/**', '**/report/**', '**/mcp/**', '**/db/**', 'drizzle-orm', 'drizzle-orm/*', 'react', 'ink'], 'runtime/ sits under tui and cli; it reaches the database only through src/board.'),
  layer(['tui/**'], ['**/cli/**', '**/db/**', 'drizzle-orm', 'drizzle-orm/*'], 'tui/ sits under cli; it reads the board only through src/board.'),
  layer(['src/cli/**'], ['**/db/**', 'drizzle-orm', 'drizzle-orm/*'], 'cli/ reaches the database only through src/board.'),
);
