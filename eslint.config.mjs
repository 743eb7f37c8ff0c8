// Lint for the whole tree, run by the test command. Generated code is excluded: its generator is what is reviewed.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/gen/',
      'lib/provider/generated/',
      '**/cdktf.out/',
      '.metalforge/',
      'test/clients/.build/',
      'dist/',
      'coverage/',
      '.scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `_x` names a value that must be taken but is not used; `{ a, ...rest }` leaves `a` out of `rest`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The console's client runs in the browser (type-checked with its own tsconfig.json).
    files: ['lib/console/client/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Worker threads and test stubs loaded by path are plain CommonJS.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read untyped JSON answers from the API and from third-party tools.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
