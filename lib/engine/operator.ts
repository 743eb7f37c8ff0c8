/**
 * The operator's side: enrol metros, facilities, plans, operating systems and machines; seed the default
 * catalog; report capacity. BMC credentials are sealed at rest and never returned.
 */
import { readFileSync } from 'node:fs';
import { MetalError } from '../contract/errors';
import type {
  CapacityLevel,
  CapacityList,
  FacilityInput,
  MachineInput,
  MetroInput,
  OperatingSystemInput,
  PlanInput,
} from '../contract/schemas';
import { simMacs } from '../core/hardware';
import { serializeDump } from '../store/backup-file';
import { catalogSeeded, insertFacility, insertMetro, insertOperatingSystem, insertPlan } from '../store/catalog';
import {
  deleteMachine,
  enrolmentCollisions,
  freeMachineCounts,
  insertEnrollingMachine,
  insertSimMachines,
  machineById,
  machinePage,
  type MachineRow,
} from '../store/machines';
import type { Queryable } from '../store/database';
import { dumpStore } from '../store/transfer';
import type { EngineContext } from './context';
import { insertPools } from './network/ipam';
import { defaultPools } from './network/ipam-rules';
import { isUuid } from '../core/ids';
import { newId } from '../core/ids';
import { enqueueJobs } from '../store/jobs';

import { suggestion } from '../contract/catalog-rules';

export interface CatalogFile {
  metros: MetroInput[];
  facilities: FacilityInput[];
  plans: (PlanInput & { category: string })[];
  operating_systems: OperatingSystemInput[];
  /** Hardware groups: machines per facility and plan, by metro kind or named facilities. */
  hardware: { metro_kind?: 'core' | 'edge'; facilities?: string[]; per_facility: Record<string, number> }[];
  /** Address pools: per metro (public and private IPv4, public IPv6) and global (anycast IPv4, no metro). */
  /** @default - documentation and benchmarking ranges for every metro (defaultPools) */
  ip_pools?: { type: string; metro?: string; network: string }[];
}

export class OperatorService {
  constructor(private readonly ctx: EngineContext) {}

  /** The whole store as a backup (the backup file's text without the data dir's files), from one snapshot. */
  async backup(): Promise<string> {
    return serializeDump(await dumpStore(this.ctx.db));
  }

  async createMetro(input: MetroInput): Promise<void> {
    await this.insertUnique('metro', input.code, () => insertMetro(this.ctx.db, newId(), input));
  }

  async createFacility(input: FacilityInput): Promise<void> {
    const metro = this.ctx.world.metro(input.metro);
    if (!metro)
      throw new MetalError(
        'validation_failed',
        `metro: unknown metro "${input.metro}"; enrol it first (POST /operator/metros) or use one of ${[...this.ctx.world.metros.values()].map((m) => m.code).join(', ')}`,
      );
    await this.insertUnique('facility', input.code, () => insertFacility(this.ctx.db, newId(), metro.id, input));
  }

  async createPlan(input: PlanInput): Promise<void> {
    await this.insertUnique('plan', input.slug, () => insertPlan(this.ctx.db, newId(), input));
  }

  async createOperatingSystem(input: OperatingSystemInput): Promise<void> {
    await this.insertUnique('operating system', input.slug, () => insertOperatingSystem(this.ctx.db, newId(), input));
  }

  /** Enrols a machine: it stays `enrolling` until a verify job has logged in to its BMC and read its inventory. */
  async enrollMachine(input: MachineInput): Promise<MachineRow> {
    const { world } = this.ctx;
    const problems: string[] = [];
    const facility = world.facility(input.facility);
    if (!facility)
      problems.push(
        `facility: unknown facility "${input.facility}"; ${suggestion(
          input.facility,
          [...world.facilities.values()].map((f) => f.code),
        )}`,
      );
    const plan = world.plan(input.plan);
    if (!plan) problems.push(`plan: unknown plan "${input.plan}"; valid plans: ${[...world.plans.values()].map((p) => p.slug).join(', ')}`);
    if (input.bmc.driver !== 'sim' && !input.bmc.password) problems.push(`bmc.password: required for the ${input.bmc.driver} driver`);
    if (problems.length) throw new MetalError('validation_failed', problems);
    const id = newId();
    const now = this.ctx.clock.now();
    const macs = input.macs.map((m) => m.toLowerCase());
    try {
      await this.ctx.db.transaction(async (tx) => {
        await insertEnrollingMachine(tx, {
          id,
          name: input.name ?? ((ordinal) => `${facility!.code}-${plan!.slug.split('.')[0]}-${String(ordinal).padStart(3, '0')}`),
          facility_id: facility!.id,
          plan_id: plan!.id,
          macs,
          bmc_driver: input.bmc.driver,
          bmc_address: input.bmc.address,
          bmc_username: input.bmc.username ?? null,
          bmc_secret: input.bmc.password ? this.ctx.secrets.seal(input.bmc.password) : null,
          bmc_options: { insecure: input.bmc.insecure ?? false, ca_cert: input.bmc.ca_cert },
        });
        await enqueueJobs(tx, [{ kind: 'verify_machine', machine_id: id, max_attempts: 3 }], now);
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw await this.duplicateEnrolment(input.bmc.driver, input.bmc.address, macs);
      throw err;
    }
    await this.ctx.world.load(this.ctx.db);
    return this.machine(id);
  }

  /** Names what an enrolment collides with: the same BMC, or a MAC another machine has. */
  private async duplicateEnrolment(driver: string, address: string, macs: string[]): Promise<MetalError> {
    const { bmc, macs: taken } = await enrolmentCollisions(this.ctx.db, driver, address, macs);
    if (bmc)
      return new MetalError(
        'conflict',
        `bmc.address: ${address} is already the BMC of machine ${bmc}; remove that machine first or give this one's own BMC`,
      );
    if (taken.length)
      return new MetalError(
        'conflict',
        taken.map((t) => `macs: ${t.mac} already belongs to machine ${t.name}; each NIC is enrolled once`),
      );
    return new MetalError('conflict', 'macs: list each MAC once');
  }

  async machine(id: string): Promise<MachineRow> {
    if (!isUuid(id)) throw new MetalError('not_found', `machine ${id} not found`);
    const row = await machineById(this.ctx.db, id);
    if (!row) throw new MetalError('not_found', `machine ${id} not found`);
    return row;
  }

  async machines(
    page: { page: number; perPage: number },
    filter: { state?: string } = {},
  ): Promise<{ items: MachineRow[]; total: number }> {
    return machinePage(this.ctx.db, page, filter.state).then(({ rows, total }) => ({ items: rows, total }));
  }

  async removeMachine(id: string): Promise<void> {
    const machine = await this.machine(id);
    if (machine.device_id) throw new MetalError('conflict', `machine ${id} runs device ${machine.device_id}; delete the device first`);
    await deleteMachine(this.ctx.db, id);
    await this.ctx.world.load(this.ctx.db);
  }

  private async insertUnique(what: string, key: string, insert: () => Promise<unknown>): Promise<void> {
    try {
      await insert();
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new MetalError('conflict', `${what} ${key} already exists`);
      throw err;
    }
    await this.ctx.world.load(this.ctx.db);
  }

  /** Capacity per metro (or facility) and plan: normal / limited / unavailable from free machines. */
  async capacity(by: 'metro' | 'facility' = 'metro'): Promise<CapacityList> {
    const rows = await freeMachineCounts(this.ctx.db, by);
    const capacity: CapacityList['capacity'] = {};
    for (const r of rows) {
      const level: CapacityLevel = r.free === 0 ? 'unavailable' : r.free <= this.ctx.config.limitedCapacityAt ? 'limited' : 'normal';
      (capacity[r.place] ??= {})[r.plan] = { level, available_servers: r.free };
    }
    return { capacity };
  }
}

/**
 * Seeds the default world from a catalog file, idempotently: existing codes are left as they are, machines of
 * the simulator are enrolled available (they need no BMC verification) with deterministic names and MACs.
 */
export async function seedCatalog(ctx: EngineContext, catalog: CatalogFile): Promise<{ machines: number }> {
  if (await catalogSeeded(ctx.db)) return { machines: 0 };
  let machines = 0;
  await ctx.db.transaction(async (q: Queryable) => {
    const metroIds = new Map<string, { id: string; kind: string }>();
    for (const m of catalog.metros) {
      const id = newId();
      metroIds.set(m.code, { id, kind: m.kind });
      await insertMetro(q, id, m);
    }
    const facilities: { id: string; code: string; metroKind: string }[] = [];
    for (const f of catalog.facilities) {
      const metro = metroIds.get(f.metro);
      if (!metro) throw new Error(`catalog: facility ${f.code} names unknown metro ${f.metro}`);
      const id = newId();
      facilities.push({ id, code: f.code, metroKind: metro.kind });
      await insertFacility(q, id, metro.id, f);
    }
    const planIds = new Map<string, string>();
    for (const p of catalog.plans) {
      const id = newId();
      planIds.set(p.slug, id);
      await insertPlan(q, id, p);
    }
    for (const o of catalog.operating_systems) {
      await insertOperatingSystem(q, newId(), o);
    }
    const rows: Parameters<typeof insertSimMachines>[1] = [];
    const perFacility = new Map<string, number>();
    for (const group of catalog.hardware) {
      const targets = facilities.filter((f) => (group.facilities ? group.facilities.includes(f.code) : f.metroKind === group.metro_kind));
      for (const f of targets) {
        for (const [slug, count] of Object.entries(group.per_facility)) {
          const planId = planIds.get(slug);
          if (!planId) throw new Error(`catalog: hardware names unknown plan ${slug}`);
          for (let i = 0; i < count; i++) {
            const n = (perFacility.get(f.id) ?? 0) + 1;
            perFacility.set(f.id, n);
            const name = `${f.code}-${String(n).padStart(3, '0')}`;
            rows.push({ id: newId(), name, facility_id: f.id, plan_id: planId, ordinal: rows.length + 1, macs: simMacs(name) });
          }
        }
      }
    }
    machines = rows.length;
    await insertSimMachines(q, rows);
    const pools = (catalog.ip_pools ?? defaultPools(catalog.metros.map((m) => m.code))).map((p) => {
      const metro = p.metro === undefined ? undefined : metroIds.get(p.metro);
      if (p.metro !== undefined && !metro) throw new Error(`catalog: address pool ${p.network} names unknown metro ${p.metro}`);
      return { type: p.type, metroId: metro?.id, network: p.network };
    });
    await insertPools(q, pools, ctx.clock.now());
  });
  await ctx.world.load(ctx.db);
  return { machines };
}

export function loadCatalogFile(path: string): CatalogFile {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as CatalogFile;
  for (const key of ['metros', 'facilities', 'plans', 'operating_systems', 'hardware'] as const) {
    if (!Array.isArray(raw[key])) throw new Error(`catalog ${path}: "${key}" must be a list`);
  }
  return raw;
}
