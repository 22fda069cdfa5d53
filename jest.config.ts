import type { Config } from 'jest';

// Tests run as native ES modules (the same module system as `npm start`), transformed by
// ts-jest in isolated (transpile-only) mode; type checking is `tsc --noEmit`'s job.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  roots: ['<rootDir>/shared', '<rootDir>/server', '<rootDir>/migrations'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60_000,
};

export default config;
