/**
 * `include`: Metal expanded the links ({href}) of an answer into the objects they name when asked. One mechanism
 * for every route: the route declares which of its fields it expands (and how the objects a link names are
 * fetched) and which relations are always embedded or empty here; any other relation is ignored, as Metal ignored
 * it, and named in X-Metalforge-Ignored. Dotted relations (project.organization) expand their first level.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { Engine, Principal } from '../engine';
import { noteIgnored } from './liberal';
import { splitList } from './paging';
import { devicePresenter } from './present/devices';
import { presentIp, presentIpBlock } from './present/ip-assignments';
import { presentOrganization, presentProject, presentSshKey, presentUser } from './present/projects-and-keys';

interface Link {
  href: string;
}

/** The objects the links name, each with its own href; a link whose object is gone stays a link. */
export type Resolve = (hrefs: string[]) => Promise<(Link | undefined)[]>;

export interface Relations {
  /** Fields holding a link or a list of links, with how to fetch what they name. */
  expand: Record<string, Resolve>;
  /** Relations always embedded in full, or empty here: naming them changes nothing and is not ignored input. */
  embedded?: readonly string[];
}

/** `items` with the links of the relations named in `include` replaced by the objects they name. */
export async function withIncludes<T extends object>(
  req: FastifyRequest,
  reply: FastifyReply,
  items: T[],
  relations: Relations,
  include: string | undefined,
): Promise<T[]> {
  const wanted = [...new Set(splitList(include).map((i) => i.split('.')[0]))];
  // Own properties only: include=constructor names no relation.
  const fields = wanted.filter((r) => Object.hasOwn(relations.expand, r));
  noteIgnored(
    req,
    wanted.filter((r) => !fields.includes(r) && !relations.embedded?.includes(r)).map((r) => `include=${r}`),
  );
  if (!fields.length) return items;
  reply.serializer(JSON.stringify); // expanded links do not fit the response schema's {href}
  const objects = new Map<string, Link>();
  await Promise.all(
    fields.map(async (field) => {
      const hrefs = [...new Set(items.flatMap((item) => linksIn((item as Record<string, unknown>)[field])))];
      for (const object of hrefs.length ? await relations.expand[field](hrefs) : []) if (object) objects.set(object.href, object);
    }),
  );
  const expand = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(expand) : isLink(value) ? (objects.get(value.href) ?? value) : value;
  return items.map((item) => ({
    ...item,
    ...Object.fromEntries(fields.map((field) => [field, expand((item as Record<string, unknown>)[field])])),
  }));
}

const isLink = (value: unknown): value is Link => typeof value === 'object' && value !== null && typeof (value as Link).href === 'string';
const linksIn = (value: unknown): string[] => (Array.isArray(value) ? value.flatMap(linksIn) : isLink(value) ? [value.href] : []);

/** The id a link ends with (/metal/v1/projects/<id>). */
const idOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);

/** A linked object deleted since the link was read stays a link. */
const unlessGone = (err: unknown): undefined => {
  if (err instanceof MetalError && err.code === 'not_found') return undefined;
  throw err;
};

/** How the objects each kind of link names are fetched, as `principal` may see them. */
export function linkedObjects(
  engine: Engine,
  principal: Principal,
): Record<'projects' | 'devices' | 'sshKeys' | 'organizations' | 'ipBlocks' | 'keyOwners', Resolve> {
  const projects: Resolve = (hrefs) =>
    Promise.all(hrefs.map((h) => engine.projects.get(principal, idOf(h)).then(presentProject, unlessGone)));
  // Users see only themselves (and project keys no user at all).
  const users: Resolve = async (hrefs) =>
    !principal.projectId && hrefs.some((h) => idOf(h) === principal.userId)
      ? [presentUser(await engine.accounts.user(principal), principal.organizationId)]
      : [];
  const presentDevice = devicePresenter(engine);
  return {
    projects,
    devices: (hrefs) =>
      Promise.all(hrefs.map((h) => engine.devices.get(idOf(h), principal.projectId ?? undefined).then(presentDevice, unlessGone))),
    sshKeys: async (hrefs) => (await engine.projects.sshKeysById(hrefs.map(idOf))).map(presentSshKey),
    // Each user has one organization: the only one a link can name that the caller sees.
    organizations: async () => [presentOrganization(await engine.accounts.organization(principal))],
    // A management block, or the reservation an elastic IP comes from.
    ipBlocks: (hrefs) =>
      Promise.all(
        hrefs.map(async (h) => {
          const reserved = await engine.ipam.reservation(principal, idOf(h));
          if (reserved)
            return presentIpBlock(reserved, engine.world, (await engine.elasticIps.idsByReservation([reserved.id])).get(reserved.id));
          return engine.addresses.get(principal, idOf(h)).then((held) => presentIp(held, engine.world), unlessGone);
        }),
      ),
    // An SSH key's owner: its project or its user.
    keyOwners: async (hrefs) => [
      ...(await projects(hrefs.filter((h) => h.includes('/projects/')))),
      ...(await users(hrefs.filter((h) => h.includes('/users/')))),
    ],
  };
}
