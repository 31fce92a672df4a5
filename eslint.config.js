// typescript-eslint's recommended rules (syntax-only: fast enough for every CI run), Prettier owns
// formatting. The module boundaries are dependency-cruiser's job (.dependency-cruiser.cjs).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'console/dist/', 'console/src/gql/', 'test-artifacts/', 'migrations/', 'coverage/', '.data/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are errors, except the deliberate `_`-prefixed ones (ignored arguments, rest siblings).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benches read untyped GraphQL JSON responses; `any` there is the honest type.
    files: ['tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['console/src/**'], languageOptions: { globals: { ...globals.browser } } },
  prettier,
);
