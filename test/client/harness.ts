/** A client wired to nock at a loopback address, with a recording sleep so retries never wait. */
import { createMetalClient, type MetalClientOptions, type RetryNotice } from '../../lib/client';
import nock from 'nock';

export const ORIGIN = 'http://127.0.0.1:8080';
export const BASE_URL = `${ORIGIN}/metal/v1`;
export const TOKEN = 'mf-secret-token-3b1f9c';
/** The fixed wall clock of the tests, for Retry-After dates. */
export const NOW = Date.parse('2026-11-22T00:00:00Z');

export function harness(overrides: Partial<MetalClientOptions> = {}) {
  const sleeps: number[] = [];
  const retries: RetryNotice[] = [];
  const client = createMetalClient({
    baseUrl: BASE_URL,
    token: TOKEN,
    maxRetries: 3,
    maxRetryWaitMs: 10_000,
    random: () => 0.5,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRetry: (notice) => retries.push(notice),
    ...overrides,
  });
  return { client, sleeps, retries, api: nock(ORIGIN) };
}

/** Only the nock origin is intercepted; real loopback servers of a test stay reachable, nothing else is. */
export function isolateNetwork(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => host.startsWith('127.0.0.1:') && host !== '127.0.0.1:8080');
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
