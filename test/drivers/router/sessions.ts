import type { BgpSession } from '../../../lib/drivers/router';

/** A well-formed session with a customer server at 147.75.1.10 that owns 147.75.1.8/29. */
export const testSession = (overrides: Partial<BgpSession> = {}): BgpSession => ({
  id: 'dev_1',
  neighborIp: '147.75.1.10',
  neighborAsn: 65000,
  localAsn: 65530,
  md5Password: 'Zx9-secret',
  maxPrefixes: 10,
  allowedPrefixes: [{ prefix: '147.75.1.8/29' }],
  defaultRoute: true,
  ...overrides,
});
