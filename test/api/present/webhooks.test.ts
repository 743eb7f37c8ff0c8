/** The termination notice webhook as its receivers are promised it: the engine gives the facts, the API the shape. */
import { presentTerminationNotice } from '../../../lib/api/present/webhooks';

describe('webhook bodies', () => {
  const notice = {
    sentAt: new Date('2026-03-01T00:00:00Z'),
    deviceId: 'd1',
    hostname: 'web-1',
    spotMarketRequestId: 'r1',
    reason: 'outbid' as const,
    terminationTime: new Date('2026-03-01T00:02:00Z'),
    price: 0.4,
  };

  it('links the device and its spot market request', () => {
    expect(JSON.stringify(presentTerminationNotice(notice))).toBe(
      JSON.stringify({
        type: 'spot.termination_notice',
        created_at: '2026-03-01T00:00:00.000Z',
        device: { id: 'd1', hostname: 'web-1', href: '/metal/v1/devices/d1' },
        spot_market_request: { id: 'r1', href: '/metal/v1/spot-market-requests/r1' },
        reason: 'outbid',
        termination_time: '2026-03-01T00:02:00.000Z',
        price: 0.4,
      }),
    );
  });

  it('names no request for a device that has none', () => {
    expect(presentTerminationNotice({ ...notice, spotMarketRequestId: null }).spot_market_request).toBeNull();
  });
});
