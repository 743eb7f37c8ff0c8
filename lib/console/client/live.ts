/**
 * Live device state without busy polling: a GET /devices/{id} with wait_for_state naming every state but the current
 * one is held by the server until the device moves (or 30 s pass), so each answer is news.
 */
import { ApiError, get } from './api';
import { anyStateBut, DEVICE_STATE_INFO } from './states';
import type { Device } from './types';

const WAIT_SECONDS = 30;
/** After a failed wait (server restarting, network trouble), the next one starts this much later. */
const RETRY_MS = 5000;

/**
 * Calls `onChange` with the device each time it changes state (null once it is gone). Stops when `signal` aborts,
 * and, unless `follow` is set, once the device rests (active, powered off, failed).
 */
export async function watchDevice(
  device: Device,
  onChange: (device: Device | null) => void,
  signal: AbortSignal,
  follow = false,
): Promise<void> {
  let state = device.state;
  while (!signal.aborted && (follow || !DEVICE_STATE_INFO[state].resting)) {
    try {
      // anyStateBut includes `deleted`, so a device deleted meanwhile is answered as such rather than with a 404.
      const next = await get<Device>(`/devices/${device.id}?wait_for_state=${anyStateBut(state)}&wait_timeout=${WAIT_SECONDS}`, signal);
      if (next.state === 'deleted') return onChange(null);
      if (next.state !== state) onChange(next);
      state = next.state;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.status === 404) return onChange(null);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
