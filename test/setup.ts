// Terraform and cdktf never phone home from tests.
process.env.CHECKPOINT_DISABLE = '1';

import { takeViolations } from './support/spec-check';

// Every response a test cloud sent during the test must fit the official Metal spec (test/support/spec-check.ts).
afterEach(() => {
  expect(takeViolations()).toEqual([]);
});
