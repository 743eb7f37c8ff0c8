/**
 * The rules a device create follows, as pure functions over the catalog and the rows a batch loads: every problem
 * of a request is collected into one answer that names the field and the fix.
 */
import { problemAt } from '../contract/bounds';
import { osNotOnPlan, planNotInMetro, unknownValue } from '../contract/catalog-rules';
import { MetalError } from '../contract/errors';
import type { DeviceCreateInput } from '../contract/schemas';
import type { FacilityRow, MetroRow, OsRow, PlanRow } from '../store/catalog';
import type { ProjectOrganization, SshKeyOwner } from '../store/projects';
import { addressRequests, type AddressRequest } from './addresses';
import type { CommitWith } from './context';
import type { DeviceRow } from './devices';
import type { World } from './world';

/** Who creates a device: the project must be in their organization (and be the key's project, for project keys). */
export interface Actor {
  userId: string;
  organizationId: string;
  projectId: string | null;
}

/** A create checked against the catalog, waiting for its group commit. */
export interface CheckedCreate {
  projectId: string;
  /** Written in the create's transaction with the device as answered. */
  commitWith?: CommitWith<DeviceRow>;
  actor: Actor;
  input: DeviceCreateInput;
  plan: PlanRow;
  metro: MetroRow;
  facilities: FacilityRow[];
  os: OsRow;
  addresses: AddressRequest[];
}

/** Checks a create against the catalog: the plan, where it goes (metro or facilities), the OS and the addresses. */
export function checkCreate(world: World, actor: Actor, projectId: string, input: DeviceCreateInput): CheckedCreate {
  const problems: string[] = [];
  const plan = world.plan(input.plan);
  if (!plan && input.plan !== undefined) problems.push(problemAt('plan', unknownValue('plan', input.plan, world.planSlugs())));
  let metro: MetroRow | undefined;
  let facilities: FacilityRow[] = [];
  if (input.project_id !== undefined && input.project_id !== projectId) {
    problems.push(`project_id: names project ${input.project_id} but the path names ${projectId}; drop project_id or make them match`);
  }
  const facilityCodes = typeof input.facility === 'string' ? [input.facility] : (input.facility ?? []);
  if (facilityCodes.length) {
    for (const code of facilityCodes) {
      if (code === 'any') continue;
      const f = world.facility(code);
      if (!f) problems.push(problemAt('facility', unknownValue('facility', code, world.facilityCodes())));
      else facilities.push(f);
    }
    if (facilities.length) {
      metro = world.metros.get(facilities[0].metro_id);
      if (facilities.some((f) => f.metro_id !== facilities[0].metro_id))
        problems.push('facility: all facilities must be in one metro; use metro instead to let metalforge choose');
    }
  }
  if (input.metro) {
    const m = world.metro(input.metro);
    if (!m) problems.push(problemAt('metro', unknownValue('metro', input.metro, world.metroCodes())));
    else if (metro && metro.id !== m.id)
      problems.push(`metro: "${input.metro}" does not contain facility ${facilities.map((f) => f.code).join(', ')}`);
    else metro = m;
  }
  // facility "any" alone: placement is per metro, so the first metro offering the plan is chosen.
  if (!input.metro && !facilities.length && facilityCodes.includes('any') && plan) {
    metro = world.metros.get([...(world.planMetros.get(plan.id) ?? [])][0] ?? '');
  }
  if (!metro && !input.metro && !facilities.length) problems.push('metro: required; give a metro code such as "ny" (or facility)');
  if (metro && !facilities.length) facilities = world.facilitiesIn(metro.id);
  if (plan && metro && !world.planMetros.get(plan.id)?.has(metro.id)) {
    const here = world.plansIn(metro.id).map((p) => p.slug);
    problems.push(problemAt('plan', planNotInMetro(plan.slug, metro.code, here, world.metrosOffering(plan))));
  }
  const os = input.operating_system === undefined ? undefined : world.os(input.operating_system);
  if (!os && input.operating_system !== undefined) {
    problems.push(problemAt('operating_system', unknownValue('operating system', input.operating_system, world.osSlugs())));
  } else if (os && plan && !world.osAllowsPlan(os, plan)) {
    problems.push(problemAt('operating_system', osNotOnPlan(os.slug, plan.slug, os.provisionable_on)));
  }
  if (input.spot_instance)
    problems.push('spot_instance: spot devices are created through spot market requests (POST /projects/{id}/spot-market-requests)');
  if (input.hardware_reservation_id)
    problems.push('hardware_reservation_id: hardware reservations are not offered by this cloud; remove the field');
  if (os?.distro === 'custom_ipxe' && !input.ipxe_script_url && !input.always_pxe)
    problems.push('ipxe_script_url: required with operating_system custom_ipxe');
  const addresses = addressRequests(input.ip_addresses);
  problems.push(...addresses.problems);
  if (problems.length) throw new MetalError('validation_failed', problems);
  return { projectId, actor, input, plan: plan!, metro: metro!, facilities, os: os!, addresses: addresses.requests };
}

/**
 * Per item: the project must be visible to the actor; explicit SSH key ids must belong to the project or the
 * user, and none given means all of them (Metal's default).
 */
export function accessAndKeys(items: CheckedCreate[], projects: ProjectOrganization[], keys: SshKeyOwner[]): (string[] | Error)[] {
  const org = new Map(projects.map((p) => [p.id, p.organization_id]));
  return items.map((item) => {
    if (org.get(item.projectId) !== item.actor.organizationId) return new MetalError('not_found', `project ${item.projectId} not found`);
    if (item.input.no_ssh_keys) return [];
    const available = keys.filter((k) => k.project_id === item.projectId || k.user_id === item.actor.userId).map((k) => k.id);
    const explicit = [...(item.input.project_ssh_keys ?? []), ...(item.input.user_ssh_keys ?? [])];
    if (!explicit.length) return available;
    const missing = explicit.filter((id) => !available.includes(id));
    if (missing.length)
      return new MetalError(
        'validation_failed',
        missing.map((id) => `project_ssh_keys: ssh key ${id} does not exist in this project or for this user`),
      );
    return explicit;
  });
}
