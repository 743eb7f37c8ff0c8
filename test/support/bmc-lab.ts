/**
 * A BMC lab: simulated machines of one plan behind real BMC faces — one Redfish service for the Redfish-driven
 * machines, one ipmi_sim per IPMI-driven machine — network-booting over HTTP from a cloud's boot service, and
 * enrolled through the cloud's operator API like real servers, so they are verified before they take devices.
 */
import { setSelClock } from '../../lib/drivers/ipmi';
import { randomBytes } from 'node:crypto';
import { createMetalClient, type MetalClient } from '../../lib/client';
import type { Machine, MachineInput } from '../../lib/contract/schemas';
import { Clock, systemClock } from '../../lib/core/clock';
import { attachBootAgent, type BootOutcome } from '../../lib/sim/boot-agent';
import { simMacs } from '../../lib/core/hardware';
import { inventoryFromSpecs } from '../../lib/sim/datacenter';
import { IpmiFacePool, type IpmiFace } from '../../lib/sim/ipmi-face';
import { seededRandom } from '../../lib/core/random';
import { SimFaults, SimMachine } from '../../lib/sim/machine';
import { startRedfishFace, type RedfishFace, type RequestRecord } from '../../lib/sim/redfish-face';

export type LabDriver = 'redfish' | 'ipmi';
type BmcInput = MachineInput['bmc'];

export interface BmcLabOptions {
  /** The cloud's API, e.g. http://127.0.0.1:8080/metal/v1. */
  apiUrl: string;
  /** An operator token (a secret). */
  token: string;
  /** Where the machines network-boot from: the cloud's URL. */
  bootBaseUrl: string;
  facility: string;
  /** Plan slug; the machines' inventory comes from its specs. */
  plan: string;
  /** Machines behind the one Redfish face. @default 0 */
  redfish?: number;
  /** Machines behind their own ipmi_sim each. @default 0 */
  ipmi?: number;
  /** Machine names are `<prefix>-<driver>-<n>`; MACs derive from names, so prefixes must differ between labs. @default lab-<facility> */
  namePrefix?: string;
  /** Simulated durations multiplier. @default 1 */
  scale?: number;
  faults?: Partial<SimFaults>;
  /** Seed of fault injection. @default 1 */
  seed?: number;
  clock?: Clock;
  /** Changes what is enrolled for a machine (e.g. a wrong password); its BMC keeps the lab's credentials. */
  enrolAs?: (machine: Omit<LabMachine, 'enrolled'>) => Partial<BmcInput>;
  onRedfishRequest?: (record: RequestRecord) => void;
  onBootOutcome?: (outcome: BootOutcome) => void;
  /** @default 'ipmi_sim' on PATH */
  ipmiSimPath?: string;
}

export interface LabMachine {
  name: string;
  driver: LabDriver;
  sim: SimMachine;
  macs: string[];
  /** The BMC as the lab serves it; username and password are secrets. */
  bmc: Required<Pick<BmcInput, 'driver' | 'address' | 'username' | 'password'>> & Pick<BmcInput, 'ca_cert'>;
  ipmi?: IpmiFace;
  /** The machine as the operator API last answered (never with credentials). */
  enrolled: Machine;
}

export interface BmcLab {
  machines: LabMachine[];
  /** The Redfish face, when the lab has Redfish-driven machines. */
  redfish?: RedfishFace;
  /** Waits until the cloud has verified every machine (available or failed) and returns them. */
  verified(timeoutMs?: number): Promise<LabMachine[]>;
  /** Stops the boot agents and the faces; the enrolments stay in the cloud. Safe to call twice. */
  close(): Promise<void>;
}

/** What a BMC login accepts here: ipmi_sim takes at most 20 bytes, no quotes or spaces. */
const newPassword = () => randomBytes(12).toString('base64url');
const USERNAME = 'admin';

export async function startBmcLab(options: BmcLabOptions): Promise<BmcLab> {
  const client = createMetalClient({ baseUrl: options.apiUrl, token: options.token });
  const plan = (await client.listAll((page) => client.plans.list({ page, per_page: 100 }))).find((p) => p.slug === options.plan);
  if (!plan) throw new Error(`BMC lab: the cloud has no plan "${options.plan}"; enrol it first (POST /operator/plans)`);
  const clock = options.clock ?? systemClock;
  const random = seededRandom(options.seed ?? 1);
  const prefix = options.namePrefix ?? `lab-${options.facility}`;
  const machineFor = (driver: LabDriver, i: number) => {
    const name = `${prefix}-${driver}-${String(i + 1).padStart(2, '0')}`;
    const macs = simMacs(name);
    const sim = new SimMachine({
      id: name,
      inventory: inventoryFromSpecs(plan.specs, macs),
      scale: options.scale,
      faults: options.faults,
      clock,
      random,
    });
    return { name, driver, sim, macs, password: newPassword() };
  };
  const redfishMachines = Array.from({ length: options.redfish ?? 0 }, (_, i) => machineFor('redfish', i));
  const ipmiMachines = Array.from({ length: options.ipmi ?? 0 }, (_, i) => machineFor('ipmi', i));

  const closers: (() => Promise<void> | void)[] = [];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const closer of closers.splice(0).reverse()) await closer();
    })());
  try {
    const machines: Omit<LabMachine, 'enrolled'>[] = [];
    let redfish: RedfishFace | undefined;
    if (redfishMachines.length) {
      const passwords = new Map(redfishMachines.map((m) => [m.name, m.password]));
      const face = await startRedfishFace({
        machines: redfishMachines.map((m) => m.sim),
        credentials: (id) => ({ username: USERNAME, password: passwords.get(id)! }),
        onRequest: options.onRedfishRequest,
      });
      redfish = face;
      closers.push(() => face.close());
      for (const { password, ...m } of redfishMachines) {
        machines.push({
          ...m,
          bmc: { driver: 'redfish', address: face.systemUrl(m.name), username: USERNAME, password, ca_cert: face.caCert },
        });
      }
    }
    if (ipmiMachines.length) {
      const pool = await IpmiFacePool.create({ ipmiSimPath: options.ipmiSimPath, setClock: setSelClock });
      closers.push(() => pool.close());
      const faces = await Promise.all(ipmiMachines.map((m) => pool.start(m.sim, { username: USERNAME, password: m.password })));
      ipmiMachines.forEach(({ password, ...m }, i) => {
        machines.push({ ...m, ipmi: faces[i], bmc: { driver: 'ipmi', address: faces[i].address, username: USERNAME, password } });
      });
    }
    closers.push(
      attachBootAgent(
        machines.map((m) => m.sim),
        { bootBaseUrl: options.bootBaseUrl, clock, onOutcome: options.onBootOutcome },
      ),
    );

    const enrolled: LabMachine[] = await Promise.all(
      machines.map(async (m) => {
        const bmc = { ...m.bmc, ...options.enrolAs?.(m) };
        const machine = await client.operator.machines.create({
          name: m.name,
          facility: options.facility,
          plan: options.plan,
          macs: m.macs,
          bmc,
        });
        return { ...m, enrolled: machine };
      }),
    );
    return { machines: enrolled, redfish, verified: (timeoutMs) => waitVerified(client, enrolled, timeoutMs), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Polls the operator API until no machine is `enrolling`. */
async function waitVerified(client: MetalClient, machines: LabMachine[], timeoutMs = 60_000): Promise<LabMachine[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const m of machines) {
      if (m.enrolled.state === 'enrolling') m.enrolled = await client.operator.machines.get(m.enrolled.id);
    }
    const waiting = machines.filter((m) => m.enrolled.state === 'enrolling');
    if (!waiting.length) return machines;
    if (Date.now() > until) throw new Error(`BMC lab: ${waiting.map((m) => m.name).join(', ')} still enrolling after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
