import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Plain JS so ESLint loads it without a TypeScript loader.

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/coverage/**', '.arrears/**', 'lwc/**', 'hubspot-cards/**', 'crm-extensions/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
