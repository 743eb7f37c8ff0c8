/**
 * One bad request, one answer. A route's schema states each field's bounds (ajv enforces them); its domain rules
 * (the catalog, one field against another) run in the engine once the schema has passed. When the schema refuses a
 * body, a route that names its rules (`config: { bodyRules }`) runs them too, on what was valid of the body, and the
 * 422 lists both: the schema's sentences first, then each rule problem about a field the schema did not already
 * name.
 */
import type { FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { SpotMarketRequestCreateInput, SpotMarketRequestUpdateInput, DeviceCreateInput } from '../contract/schemas';
import type { Engine } from '../engine';
import { checkCreate } from '../engine/device-rules';
import { checkRequest, checkUpdate } from '../engine/spot/request-rules';
import type { AjvError } from './errors';

/** A route's domain rules over a body: problems as "field: problem; fix" (or thrown as a validation MetalError). */
export type BodyRules = (body: Record<string, unknown>, request: FastifyRequest) => string[] | Promise<string[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The domain rules of this route's body, listed with the schema's problems when the schema refuses it. */
    bodyRules?: BodyRules;
  }
}

/** The rules of POST /projects/{id}/devices: catalog, placement, addresses. */
export const deviceCreateRules =
  (engine: Engine): BodyRules =>
  (body, request) => {
    const projectId = (request.params as { id: string }).id;
    checkCreate(engine.world, request.principal, projectId, body as unknown as DeviceCreateInput);
    return [];
  };

/** The rules of POST /projects/{id}/spot-market-requests: catalog and bid. */
export const spotRequestRules =
  (engine: Engine): BodyRules =>
  (body) =>
    checkRequest(engine.world, body as unknown as SpotMarketRequestCreateInput, engine.ctx.clock.now()).problems;

/** The rules of PUT /spot-market-requests/{id}: the new bid against the stored one. */
export const spotUpdateRules =
  (engine: Engine): BodyRules =>
  async (body, request) => {
    const { request: stored } = await engine.spot.get(request.principal, (request.params as { id: string }).id);
    return checkUpdate(stored, body as SpotMarketRequestUpdateInput, engine.ctx.clock.now()).problems;
  };

/**
 * The schema's messages followed by the route's rule problems that name a field the schema did not. Rules that
 * cannot run on what is left of the body (or fail otherwise) add nothing: the schema's answer stands.
 */
export async function withRuleProblems(request: FastifyRequest, errors: AjvError[], schemaMessages: string[]): Promise<string[]> {
  const rules = request.routeOptions.config?.bodyRules;
  if (!rules || !isObject(request.body)) return schemaMessages;
  const body = structuredClone(request.body);
  for (const error of errors) dropAt(body, error.instancePath.split('/').slice(1));
  let problems: string[];
  try {
    problems = await rules(body, request);
  } catch (err) {
    if (!(err instanceof MetalError) || err.code !== 'validation_failed') return schemaMessages;
    problems = err.errors;
  }
  const named = new Set(schemaMessages.map(fieldOf));
  return [...schemaMessages, ...problems.filter((p) => !named.has(fieldOf(p)) && !schemaMessages.includes(p))];
}

/** The field a message is about, with list indexes written one way: "a.b[1]: ..." and "a.b.1: ..." → "a.b.1". */
const fieldOf = (message: string): string => message.slice(0, message.indexOf(': ')).replace(/\[(\d+)\]/g, '.$1');

/**
 * Removes the value the schema refused, so the rules see only valid input. An element of a list takes the whole
 * list with it (the rules read lists whole).
 */
function dropAt(body: Record<string, unknown>, path: string[]): void {
  if (path.length === 0) return;
  let parent: Record<string, unknown> = body;
  for (const [i, raw] of path.entries()) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const value = parent[key];
    if (i === path.length - 1 || Array.isArray(value)) {
      delete parent[key];
      return;
    }
    if (!isObject(value)) return;
    parent = value;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
