/**
 * How requests and devices end, shared by a user's delete and a clearing round: requests close through the request
 * lifecycle table, devices go through the device table's `delete` with a forced deprovision job.
 */
import { newId } from '../../core/ids';
import type { Queryable } from '../../store/database';
import { closeRequests as writeClosed } from '../../store/spot-requests';
import { enqueueJobs } from '../../store/jobs';
import { insertEvents } from '../../store/events';
import { releaseDeviceNetwork } from '../network/device-network';
import { applyTransitions } from '../transitions';
import { requestTransition, type SpotRequestEvent, type SpotRequestState } from './lifecycle';

/**
 * Applies a closing event to each request: the table decides whether it closes and with which reason; the
 * repository writes only requests still open (one changed meanwhile is left alone), and each closed one gets an
 * event on its project.
 */
export async function closeRequests(
  tx: Queryable,
  requests: { id: string; state: SpotRequestState; event: SpotRequestEvent }[],
  now: Date,
): Promise<void> {
  const closing = requests.flatMap((r) => {
    const reason = requestTransition(r.state, r.event)?.closedReason;
    return reason ? [{ id: r.id, reason }] : [];
  });
  const closed = await writeClosed(tx, closing, now);
  await insertEvents(
    tx,
    closed.map((r) => ({
      id: newId(),
      type: 'spot_market_request.closed',
      body: `spot market request ${r.id} closed (${r.closed_reason})`,
      project_id: r.project_id,
    })),
    now,
  );
}

/** The `delete` transition (forced deprovision) for each device, with its own event text; returns how many went. */
export async function terminateDevices(
  tx: Queryable,
  devices: { id: string; message: string }[],
  now: Date,
  powerTimeoutMs: number,
): Promise<number> {
  const deadline = new Date(now.getTime() + powerTimeoutMs).toISOString();
  const results = await applyTransitions(
    tx,
    devices.map((d) => ({ deviceId: d.id, event: 'delete' as const, patch: { deadline }, message: d.message })),
    now,
  );
  const ok = devices.filter((_, i) => results[i].ok);
  await releaseDeviceNetwork(
    tx,
    ok.map((d) => d.id),
    now,
  );
  await enqueueJobs(
    tx,
    ok.map((d) => ({ kind: 'deprovision' as const, device_id: d.id, payload: { force: true } })),
    now,
  );
  return ok.length;
}
