// Type-checked lint for every package: typescript-eslint's recommended rules with type information,
// plus the promise rules an async service needs. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.shared.ts', 'eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Ports return promises, and their in-memory fakes keep `async` without awaiting anything: that
      // is the plainest way to honour the signature, not a forgotten await (no-floating-promises and
      // no-misused-promises catch those).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Kysely's advice: migrations (and the migrator that runs them) take `Kysely<any>`, so they keep
    // compiling as the schema moves past them.
    files: ['**/migrations/*.ts', '**/migrate-to-latest.ts', '**/test/migrations.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Vitest's asymmetric matchers (`expect.any(Number)`, `expect.arrayContaining`) are typed `any`.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // A CommonJS module (a `node --require` preload) imports with `import x = require()`: with
    // verbatimModuleSyntax, TypeScript allows no other form there.
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
