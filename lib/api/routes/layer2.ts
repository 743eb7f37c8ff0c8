/**
 * Layer 2: a project's VLANs (virtual networks) and their metal gateways, and the ports of its devices: their VLAN
 * assignments (one at a time or in batches that run in the background), native VLAN, bonding and layer-2/layer-3
 * conversion.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ShapeQuery, type ShapeQuery as ShapeQueryT } from '../../contract/schemas';
import {
  AssignmentParams,
  BatchParams,
  BondQuery,
  MetalGateway,
  MetalGatewayCreateInput,
  MetalGatewayList,
  DisbondQuery,
  NativeVlanQuery,
  Port,
  PortAssignInput,
  PortConvertLayer3Input,
  PortVlanAssignment,
  PortVlanAssignmentBatch,
  PortVlanAssignmentBatchCreateInput,
  PortVlanAssignmentBatchList,
  PortVlanAssignmentList,
  VirtualNetwork,
  VirtualNetworkCreateInput,
  VirtualNetworkList,
  VirtualNetworkListQuery,
  VirtualNetworkUpdateInput,
  type MetalGatewayCreateInput as GatewayInputT,
  type PortVlanAssignmentBatchCreateInput as BatchInputT,
  type VirtualNetworkCreateInput as CreateT,
  type VirtualNetworkListQuery as ListQueryT,
  type VirtualNetworkUpdateInput as UpdateT,
} from '../../contract/schemas-layer2';
import { MetalError } from '../../contract/errors';
import type { PortView, Principal, VlanRow } from '../../engine';
import { idempotent } from '../idempotency';
import { presentAssignments, presentBatch, presentGateway, presentPortView, presentVlan } from '../present/layer2';
import { errorResponses, IdParams, RouteDeps, sendList, sendOne } from './shared';

const noContent = { 204: Type.Null(), ...errorResponses };

export function layer2Routes(app: FastifyInstance, { engine }: RouteDeps): void {
  const l2 = engine.layer2;
  const vlanTags = ['vlans'];
  const portTags = ['ports'];
  /** VLANs with what uses them, in one query. */
  const presentAll = async (rows: VlanRow[]) => {
    const users = await l2.usersOf(rows);
    return rows.map((row) => presentVlan(row, engine.world, users.get(row.id)));
  };
  const present = async (row: VlanRow) => (await presentAll([row]))[0];

  // ------------------------------------------------------------------ VLANs

  app.get<{ Params: IdParams; Querystring: ListQueryT }>(
    '/projects/:id/virtual-networks',
    {
      schema: {
        tags: vlanTags,
        summary: "A project's VLANs, optionally of one metro",
        params: IdParams,
        querystring: VirtualNetworkListQuery,
        response: { 200: VirtualNetworkList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const rows = await l2.vlans(req.principal, req.params.id, { metro: req.query.metro, facility: req.query.facility });
      return sendList(reply, 'virtual_networks', await presentAll(rows), req.query);
    },
  );

  app.post<{ Params: IdParams; Body: CreateT }>(
    '/projects/:id/virtual-networks',
    {
      schema: {
        tags: vlanTags,
        summary: 'Create a VLAN in a metro, with the VXLAN id given or the first free one from 1000',
        params: IdParams,
        body: VirtualNetworkCreateInput,
        response: { 201: VirtualNetwork, ...errorResponses },
      },
    },
    async (req, reply) =>
      (await idempotent(
        engine,
        req,
        reply,
        201,
        (row: VlanRow) => presentVlan(row, engine.world),
        (commitWith) => l2.createVlan(req.principal, req.params.id, req.body, commitWith),
      )) ?? reply,
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/virtual-networks/:id',
    {
      schema: {
        tags: vlanTags,
        summary: 'A VLAN, with the devices whose ports carry it',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: VirtualNetwork, ...errorResponses },
      },
    },
    async (req, reply) => sendOne(reply, await present(await l2.vlan(req.principal, req.params.id)), req.query),
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/virtual-networks/:id',
    {
      schema: {
        tags: vlanTags,
        summary: "Change a VLAN's description or tags",
        params: IdParams,
        body: VirtualNetworkUpdateInput,
        response: { 200: VirtualNetwork, ...errorResponses },
      },
    },
    async (req) => present(await l2.updateVlan(req.principal, req.params.id, req.body)),
  );

  app.delete<{ Params: IdParams }>(
    '/virtual-networks/:id',
    { schema: { tags: vlanTags, summary: 'Delete a VLAN that no port carries', params: IdParams, response: noContent } },
    async (req, reply) => {
      await l2.deleteVlan(req.principal, req.params.id);
      return reply.status(204).send();
    },
  );

  // ------------------------------------------------------------------ ports

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/ports/:id',
    {
      schema: {
        tags: portTags,
        summary: "A device's port, with its network type and VLANs",
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: Port, ...errorResponses },
      },
    },
    async (req, reply) => sendOne(reply, presentPortView(await l2.port(req.principal, req.params.id)), req.query),
  );

  /** POST /ports/:id/<action>, answering the port as the change left it. */
  const portAction = <Body, Query>(
    path: string,
    summary: string,
    schemas: { body?: TSchema; querystring?: TSchema },
    act: (principal: Principal, id: string, body: Body, query: Query) => Promise<PortView>,
  ) =>
    app.post<{ Params: IdParams; Body: Body; Querystring: Query }>(
      `/ports/:id/${path}`,
      { schema: { tags: portTags, summary, params: IdParams, ...schemas, response: { 200: Port, ...errorResponses } } },
      async (req) => presentPortView(await act(req.principal, req.params.id, req.body as Body, req.query as Query)),
    );

  portAction<{ vnid: string }, unknown>(
    'assign',
    'Assign a VLAN to a port (a VLAN on bond0 of a layer3 device makes it hybrid-bonded)',
    { body: PortAssignInput },
    (principal, id, body) => l2.assign(principal, id, body.vnid),
  );
  portAction<{ vnid: string }, unknown>('unassign', 'Unassign a VLAN from a port', { body: PortAssignInput }, (principal, id, body) =>
    l2.unassign(principal, id, body.vnid),
  );
  portAction<unknown, { vnid: string }>(
    'native-vlan',
    'Make a VLAN assigned to the port its native (untagged) VLAN',
    { querystring: NativeVlanQuery },
    (principal, id, _body, query) => l2.setNativeVlan(principal, id, query.vnid),
  );
  portAction<unknown, unknown>('bond', 'Put a NIC back in the bond (bond0: every NIC)', { querystring: BondQuery }, (principal, id) =>
    l2.operate(principal, id, 'bond'),
  );
  portAction<unknown, unknown>(
    'disbond',
    'Take a NIC out of the bond (eth1 of a layer3 device: hybrid; a layer2-bonded device: layer2-individual)',
    { querystring: DisbondQuery },
    (principal, id) => l2.operate(principal, id, 'disbond'),
  );
  portAction<{ vnid?: string } | undefined, unknown>(
    'convert/layer-2',
    'Convert bond0 to layer 2 (layer2-bonded), optionally assigning a VLAN; the device loses its IP assignments',
    { body: Type.Optional(Type.Partial(PortAssignInput)) },
    async (principal, id, body) => {
      const converted = await l2.operate(principal, id, 'convert_layer2');
      return body?.vnid ? l2.assign(principal, id, body.vnid) : converted;
    },
  );
  portAction<PortConvertLayer3Input | undefined, unknown>(
    'convert/layer-3',
    'Convert bond0 back to layer 3 (its VLANs must be unassigned first); the device takes new addresses, those request_ips names or public IPv4, private IPv4 and public IPv6',
    { body: Type.Optional(PortConvertLayer3Input) },
    (principal, id, body) => l2.operate(principal, id, 'convert_layer3', body?.request_ips),
  );

  app.delete<{ Params: IdParams }>(
    '/ports/:id/native-vlan',
    {
      schema: {
        tags: portTags,
        summary: "Remove the port's native VLAN (it stays assigned, tagged)",
        params: IdParams,
        response: { 200: Port, ...errorResponses },
      },
    },
    async (req) => presentPortView(await l2.setNativeVlan(req.principal, req.params.id, null)),
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/ports/:id/vlan-assignments',
    {
      schema: {
        tags: portTags,
        summary: "A port's VLAN assignments, the native one marked",
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: PortVlanAssignmentList, ...errorResponses },
      },
    },
    async (req, reply) => sendList(reply, 'vlan_assignments', presentAssignments(await l2.port(req.principal, req.params.id)), req.query),
  );

  app.get<{ Params: { id: string; assignment_id: string }; Querystring: ShapeQueryT }>(
    '/ports/:id/vlan-assignments/:assignment_id',
    {
      schema: {
        tags: portTags,
        summary: 'One VLAN assignment of a port (named by its VLAN id)',
        params: AssignmentParams,
        querystring: ShapeQuery,
        response: { 200: PortVlanAssignment, ...errorResponses },
      },
    },
    async (req, reply) => {
      const found = presentAssignments(await l2.port(req.principal, req.params.id)).find((a) => a.id === req.params.assignment_id);
      if (!found) throw new MetalError('not_found', `vlan assignment ${req.params.assignment_id} not found`);
      return sendOne(reply, found, req.query);
    },
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/ports/:id/vlan-assignments/batches',
    {
      schema: {
        tags: portTags,
        summary: "A port's VLAN assignment batches, oldest first",
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: PortVlanAssignmentBatchList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const [view, rows] = await Promise.all([l2.port(req.principal, req.params.id), l2.batches(req.principal, req.params.id)]);
      return sendList(
        reply,
        'batches',
        rows.map((row) => presentBatch(row, view)),
        req.query,
      );
    },
  );

  app.post<{ Params: IdParams; Body: BatchInputT }>(
    '/ports/:id/vlan-assignments/batches',
    {
      schema: {
        tags: portTags,
        summary: 'Queue VLAN assignments and unassignments for a port, applied together in the background',
        params: IdParams,
        body: PortVlanAssignmentBatchCreateInput,
        response: { 201: PortVlanAssignmentBatch, ...errorResponses },
      },
    },
    async (req, reply) => {
      const row = await l2.createBatch(req.principal, req.params.id, req.body);
      return reply.status(201).send(presentBatch(row, await l2.port(req.principal, req.params.id)));
    },
  );

  app.get<{ Params: { id: string; batch_id: string }; Querystring: ShapeQueryT }>(
    '/ports/:id/vlan-assignments/batches/:batch_id',
    {
      schema: {
        tags: portTags,
        summary: 'A VLAN assignment batch, with its state and, when it failed, why',
        params: BatchParams,
        querystring: ShapeQuery,
        response: { 200: PortVlanAssignmentBatch, ...errorResponses },
      },
    },
    async (req, reply) => {
      const [view, row] = await Promise.all([
        l2.port(req.principal, req.params.id),
        l2.batch(req.principal, req.params.id, req.params.batch_id),
      ]);
      return sendOne(reply, presentBatch(row, view), req.query);
    },
  );

  // ------------------------------------------------------------------ metal gateways

  const gatewayTags = ['metal-gateways'];
  const gateway = (view: Parameters<typeof presentGateway>[0]) => presentGateway(view, engine.world);

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/projects/:id/metal-gateways',
    {
      schema: {
        tags: gatewayTags,
        summary: "A project's metal gateways",
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: MetalGatewayList, ...errorResponses },
      },
    },
    async (req, reply) =>
      sendList(reply, 'metal_gateways', (await engine.metalGateways.list(req.principal, req.params.id)).map(gateway), req.query),
  );

  app.post<{ Params: IdParams; Body: GatewayInputT }>(
    '/projects/:id/metal-gateways',
    {
      schema: {
        tags: gatewayTags,
        summary: 'Give a VLAN a gateway on a private IPv4 block taken for it, or on a block of the project',
        params: IdParams,
        body: MetalGatewayCreateInput,
        response: { 201: MetalGateway, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(gateway(await engine.metalGateways.create(req.principal, req.params.id, req.body))),
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/metal-gateways/:id',
    {
      schema: {
        tags: gatewayTags,
        summary: 'A metal gateway, with its VLAN and IP block',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: MetalGateway, ...errorResponses },
      },
    },
    async (req, reply) => sendOne(reply, gateway(await engine.metalGateways.get(req.principal, req.params.id)), req.query),
  );

  app.delete<{ Params: IdParams }>(
    '/metal-gateways/:id',
    {
      schema: {
        tags: gatewayTags,
        summary: 'Delete a metal gateway (a block taken for it goes back to the pool)',
        params: IdParams,
        response: { 202: MetalGateway, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(gateway(await engine.metalGateways.delete(req.principal, req.params.id))),
  );
}
