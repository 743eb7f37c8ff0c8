/**
 * A device's network ports: GET /ports/{id}, the layer-2 operations POST /ports/{id}/assign|unassign|bond|disbond|
 * convert/layer-2|convert/layer-3|native-vlan, DELETE /ports/{id}/native-vlan, and VLAN assignment batches.
 */
import { randomUUID } from 'node:crypto';
import type { Port, PortConvertLayer3Input, PortVlanAssignmentBatch, PortVlanAssignmentBatchCreateInput } from '../contract/schemas-layer2';
import type { ReadOptions } from './pagination';
import { path, type Query, type Transport, type WriteOptions } from './transport';

/** One change of a batch: vlan is a VLAN's id or its vxlan number as text. */
export type PortVlanAssignmentInput = PortVlanAssignmentBatchCreateInput['vlan_assignments'][number];

export function portsApi(t: Transport) {
  // These operations take their arguments in the query (the body is an empty JSON object); a key makes them safe to
  // retry like every other POST.
  const postQuery = (p: string, query: Query) =>
    t.request<Port>({ method: 'POST', path: p, query, body: {}, idempotencyKey: randomUUID() });
  return {
    get: (id: string, options?: ReadOptions) => t.get<Port>(path`/ports/${id}`, options),
    /** Puts the port on a VLAN; vnid is the VLAN's id or its vxlan number. */
    assign: (id: string, vnid: string, options?: WriteOptions) => t.post<Port>(path`/ports/${id}/assign`, { vnid }, options),
    unassign: (id: string, vnid: string, options?: WriteOptions) => t.post<Port>(path`/ports/${id}/unassign`, { vnid }, options),
    /** Joins the port to its bond; bulkEnable joins every port of the device's bond. */
    bond: (id: string, bulkEnable = false) => postQuery(path`/ports/${id}/bond`, { bulk_enable: bulkEnable }),
    disbond: (id: string, bulkDisable = false) => postQuery(path`/ports/${id}/disbond`, { bulk_disable: bulkDisable }),
    convertToLayer2: (id: string, options?: WriteOptions) => t.post<Port>(path`/ports/${id}/convert/layer-2`, {}, options),
    convertToLayer3: (id: string, input: PortConvertLayer3Input = {}, options?: WriteOptions) =>
      t.post<Port>(path`/ports/${id}/convert/layer-3`, input, options),
    /** Makes one of the port's VLANs carry untagged traffic. */
    assignNative: (id: string, vnid: string) => postQuery(path`/ports/${id}/native-vlan`, { vnid }),
    removeNative: (id: string) => t.request<Port>({ method: 'DELETE', path: path`/ports/${id}/native-vlan` }),
    createBatch: (id: string, assignments: PortVlanAssignmentInput[], options?: WriteOptions) =>
      t.post<PortVlanAssignmentBatch>(path`/ports/${id}/vlan-assignments/batches`, { vlan_assignments: assignments }, options),
    getBatch: (id: string, batchId: string) => t.get<PortVlanAssignmentBatch>(path`/ports/${id}/vlan-assignments/batches/${batchId}`),
    listBatches: async (id: string) =>
      (await t.get<{ batches: PortVlanAssignmentBatch[] }>(path`/ports/${id}/vlan-assignments/batches`)).batches,
  };
}
export type PortsApi = ReturnType<typeof portsApi>;
