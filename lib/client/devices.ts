/** Devices: listed and created in a project, read, updated, deleted and acted on by id. */
import type {
  Device,
  DeviceActionInput,
  DeviceActionType,
  DeviceCreateInput,
  DeviceStateName,
  DeviceUpdateInput,
} from '../contract/schemas';
import { getPage, type ListQuery, type ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export type DeviceListQuery = ListQuery & {
  state?: DeviceStateName;
  hostname?: string;
  tag?: string;
};

/** The action input with its type narrowed to the known actions. */
export type DeviceAction = Omit<DeviceActionInput, 'type'> & { type: DeviceActionType };

export type DeviceDeleteOptions = {
  /** Delete even if deprovisioning the hardware fails (?force_delete=true). */
  forceDelete?: boolean;
};

/**
 * A read that waits on the server (metalforge extension of GET /devices/{id}): the answer comes once the device is
 * in one of `states`, is gone, or `timeoutSeconds` have passed. A server without the extension answers at once, so
 * callers check the state they get.
 */
export type DeviceWait = {
  states: readonly DeviceStateName[];
  /** 1 to 60; default 30. */
  timeoutSeconds?: number;
  /** Abandons the wait (the call then fails). */
  signal?: AbortSignal;
};

export type DeviceGetOptions = ReadOptions & { wait?: DeviceWait };

const DEFAULT_WAIT_SECONDS = 30;

export function devicesApi(t: Transport) {
  return {
    list: (projectId: string, query?: DeviceListQuery) => getPage<Device>(t, 'devices', path`/projects/${projectId}/devices`, query),
    create: (projectId: string, input: DeviceCreateInput, options?: WriteOptions) =>
      t.post<Device>(path`/projects/${projectId}/devices`, input, options),
    get: (id: string, options?: DeviceGetOptions) => {
      const { wait, ...read } = options ?? {};
      if (!wait) return t.get<Device>(path`/devices/${id}`, read);
      const seconds = wait.timeoutSeconds ?? DEFAULT_WAIT_SECONDS;
      return t.request<Device>({
        method: 'GET',
        path: path`/devices/${id}`,
        query: { ...read, wait_for_state: wait.states, wait_timeout: seconds },
        holdMs: seconds * 1000,
        signal: wait.signal,
      });
    },
    update: (id: string, input: DeviceUpdateInput) => t.put<Device>(path`/devices/${id}`, input),
    delete: (id: string, options?: DeviceDeleteOptions) =>
      t.delete(path`/devices/${id}`, { force_delete: options?.forceDelete ? true : undefined }),
    /** POST /devices/{id}/actions: power_on, power_off, reboot, reinstall (with operating_system, preserve_data, …). */
    action: (id: string, input: DeviceAction, options?: WriteOptions) => t.post<void>(path`/devices/${id}/actions`, input, options),
  };
}
export type DevicesApi = ReturnType<typeof devicesApi>;
