/** Tests mirror lib/. e2e tests (real terraform, real servers) live in test/e2e. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }],
    // PGlite's CommonJS build loads Node built-ins with import(), which jest only allows under --experimental-vm-modules.
    '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/import-to-require.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
