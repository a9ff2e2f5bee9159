// Lint rules that catch bugs rather than argue style; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .cache/ holds generated trees (Stryker's sandboxes carry their own tsconfig.json, which makes
  // every file's tsconfig root ambiguous): it is gitignored, and so not linted.
  {
    ignores: [
      '.cache/**',
      '**/node_modules/**',
      '**/lib/**',
      '**/dist/**',
      'bench/results/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // A nudge, not a gate: functions past 60 lines (blank lines and comments not counted) warn.
    // Tests are left out: a describe() block is one long function by design.
    files: ['**/*.ts', '**/*.mjs'],
    ignores: ['**/test/**', '**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
);
