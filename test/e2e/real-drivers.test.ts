/**
 * The real drivers against real BMC peers: a cloud whose machines are a BMC lab — simulated machines behind the
 * simulator's Redfish face and behind ipmi_sim — enrolled and verified through the operator API, provisioned
 * through the device API with real Redfish / IPMI traffic, network-booting over the real boot service.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createCloud, DEFAULT_CATALOG, type Cloud } from '../../lib/cloud';
import { installProvider, terraformEnv } from '../../lib/provider/install';
import type { Device, Machine, PlanInput } from '../../lib/contract/schemas';
import { loadCatalogFile } from '../../lib/engine/operator';
import type { BootOutcome } from '../../lib/sim/boot-agent';
import { startBmcLab, type BmcLab, type LabMachine } from '../support/bmc-lab';
import { inventoryFromSpecs } from '../../lib/sim/datacenter';
import type { RequestRecord } from '../../lib/sim/redfish-face';
import { eventually, removeTempDirs, tempDir } from '../support/cloud';
import { describeWithTools, ipmitool } from '../sim/ipmi-face/tools';
import { hasTerraform, Workdir } from './terraform-harness';

jest.setTimeout(120_000);

const describeIpmi = describeWithTools(['ipmi_sim', 'ipmitool']);
// hasTerraform prints why when terraform is missing.
const describeIpmiAndTerraform = hasTerraform ? describeIpmi : describe.skip;
const FACILITY = 'ny5';
const METRO = 'ny';
const WRONG_PASSWORD = 'not-the-bmc-password';

const planInput = (slug: string): PlanInput => ({
  slug,
  category: 'general',
  specs: {
    cpus: [{ count: 2, type: 'Intel Xeon Silver 4314', cores: 16 }],
    memory: { total: '64GB' },
    drives: [{ count: 2, type: 'NVME', size: '960GB', category: 'boot' }],
    nics: [{ count: 2, type: '25Gbps' }],
    features: { raid: false, txt: true, uefi: true },
  },
  pricing: { hour: 0.75 },
});

let cloud: Cloud;
let projectId: string;
let redfishLab: BmcLab;
let ipmiLab: BmcLab | undefined;
const logs: string[] = [];
/** Every body the API answered in this file, to look for secrets in. */
const responses: string[] = [];
const redfishRequests: RequestRecord[] = [];
const bootOutcomes: BootOutcome[] = [];

/** The API over real HTTP, as the admin. */
async function api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${cloud.url}/metal/v1${path}`, {
    method,
    headers: { 'x-auth-token': cloud.adminToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await api<T>(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const device = (id: string) => ok<Device>('GET', `/devices/${id}`);
const machineOf = (m: LabMachine) => ok<Machine>('GET', `/operator/machines/${m.enrolled.id}`);

async function waitForState(id: string, state: string, timeoutMs = 60_000): Promise<Device> {
  return eventually(
    async () => {
      const d = await device(id);
      if (d.state === 'failed' && state !== 'failed') throw new Error(`device ${d.hostname} failed: ${d.failure_reason ?? '(no reason)'}`);
      return d.state === state && d;
    },
    `device ${id} to be ${state}`,
    timeoutMs,
  );
}

async function createDevice(plan: string, hostname: string): Promise<Device> {
  return ok<Device>('POST', `/projects/${projectId}/devices`, { plan, metro: METRO, operating_system: 'ubuntu_24_04', hostname });
}

/** The lab machine a device was placed on, from the operator's view. */
async function labMachineOf(lab: BmcLab, deviceId: string): Promise<LabMachine> {
  for (const m of lab.machines) {
    if ((await machineOf(m)).device?.href.endsWith(`/devices/${deviceId}`)) return m;
  }
  throw new Error(`device ${deviceId} is on no machine of the lab`);
}

/** Device events oldest first, as "from → to" transitions. */
async function transitions(id: string): Promise<string[]> {
  const { events } = await ok<{ events: { body: string }[] }>('GET', `/devices/${id}/events?per_page=100`);
  return events
    .map((e) => /(\w+) → (\w+)/.exec(e.body)?.slice(1).join(' → '))
    .filter((t): t is string => !!t)
    .reverse();
}

const resetsOf = (m: LabMachine) =>
  redfishRequests.filter(
    (r) => r.method === 'POST' && r.path.endsWith(`/Systems/${m.name}/Actions/ComputerSystem.Reset`) && r.status < 300,
  );
const bootPatchesOf = (m: LabMachine) =>
  redfishRequests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/Systems/${m.name}`) && r.status < 300);

async function deleteAndRelease(lab: BmcLab, d: Device): Promise<LabMachine> {
  const m = await labMachineOf(lab, d.id);
  await ok('DELETE', `/devices/${d.id}`);
  await eventually(async () => {
    const res = await api<Device>('GET', `/devices/${d.id}`);
    return res.status === 404 || res.body.state === 'deleted';
  }, `device ${d.hostname} to be deleted`);
  await eventually(async () => (await machineOf(m)).state === 'available', `machine ${m.name} to be available again`);
  return m;
}

beforeAll(async () => {
  const dir = tempDir('metalforge-real-drivers-');
  // The default world without simulated hardware: every machine in this cloud is a lab machine.
  const catalog = join(dir, 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ ...loadCatalogFile(DEFAULT_CATALOG), hardware: [] }));
  cloud = await createCloud({
    catalog,
    simScale: 0.01,
    bootPath: 'http',
    port: 0,
    logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    engine: { retryBaseMs: 200, retryMaxMs: 2000 },
  });
  await cloud.listen();
  await ok('POST', '/operator/plans', planInput('r1.small.x86'));
  await ok('POST', '/operator/plans', planInput('i1.small.x86'));
  projectId = (await ok<{ id: string }>('POST', '/projects', { name: 'real-drivers' })).id;
  const common = {
    apiUrl: `${cloud.url}/metal/v1`,
    token: cloud.adminToken,
    bootBaseUrl: cloud.bootUrl!,
    facility: FACILITY,
    scale: 0.01,
    onBootOutcome: (o: BootOutcome) => void bootOutcomes.push(o),
  };
  redfishLab = await startBmcLab({
    ...common,
    plan: 'r1.small.x86',
    redfish: 3,
    namePrefix: 'ny5-r1',
    // The third machine is enrolled with a wrong BMC password: verification must fail it.
    enrolAs: (m) => (m.name.endsWith('-03') ? { password: WRONG_PASSWORD } : {}),
    onRedfishRequest: (r) => void redfishRequests.push(r),
  });
});

afterAll(async () => {
  // The cloud first: its drivers close their BMC sessions while the BMCs still answer.
  await cloud?.close();
  await ipmiLab?.close();
  await redfishLab?.close();
  removeTempDirs();
});

describe('enrolment verification over Redfish', () => {
  it('makes machines with working credentials available with the inventory read from their BMC', async () => {
    const [first, second] = await redfishLab.verified();
    for (const m of [first, second]) {
      const machine = await machineOf(m);
      expect(machine.state).toBe('available');
      const expected = inventoryFromSpecs(planInput('r1.small.x86').specs, m.macs);
      expect(machine.inventory).toMatchObject({
        memoryMiB: expected.memoryMiB,
        cpus: expected.cpus,
        nics: m.macs.map((mac) => expect.objectContaining({ mac })),
      });
      expect((machine.inventory as { drives: unknown[] }).drives).toHaveLength(2);
      // Read from the BMC, not copied from the plan: the face served the system's inventory collections.
      expect(redfishRequests.some((r) => r.method === 'GET' && r.path.includes(`/Systems/${m.name}/Memory`) && r.status === 200)).toBe(
        true,
      );
    }
  });

  it('fails a machine enrolled with a wrong BMC password with an actionable error that holds no password', async () => {
    const wrong = redfishLab.machines[2];
    const machine = await machineOf(wrong);
    expect(machine.state).toBe('failed');
    expect(machine.last_error).toMatch(/redfish .*ny5-r1-redfish-03.*rejected the credentials of user admin; check the BMC account/);
    expect(machine.last_error).toContain(`remove the machine (DELETE /operator/machines/${machine.id}) and enrol it again`);
    expect(machine.last_error).not.toContain(WRONG_PASSWORD);
    expect(machine.inventory).toBeUndefined();
  });

  it('lists the machines with their BMC but without credentials', async () => {
    const { machines } = await ok<{ machines: Machine[] }>('GET', '/operator/machines?per_page=100');
    expect(machines.map((m) => m.name).sort()).toEqual(redfishLab.machines.map((m) => m.name).sort());
    for (const m of machines)
      expect(m.bmc).toEqual({
        driver: 'redfish',
        address: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/redfish\/v1\/Systems\//),
        username: 'admin',
        has_password: true,
      });
  });
});

describe('devices on Redfish-driven machines', () => {
  let web: Device;

  it('provision queued → provisioning → active through Redfish and phone home over the boot service', async () => {
    web = await createDevice('r1.small.x86', 'web-redfish');
    expect(web.state).toBe('queued');
    await waitForState(web.id, 'active');
    expect(await transitions(web.id)).toEqual(['queued → provisioning', 'provisioning → active']);
    const m = await labMachineOf(redfishLab, web.id);
    expect(m.sim.power).toBe('on');
    expect(bootPatchesOf(m).length).toBeGreaterThanOrEqual(1); // one-time PXE override
    expect(resetsOf(m).length).toBeGreaterThanOrEqual(1); // power on
    expect(bootOutcomes).toContainEqual(expect.objectContaining({ machineId: m.name, kind: 'installed', deviceId: web.id }));
  });

  it('power_off and power_on drive the BMC, and delete returns the machine to available', async () => {
    const m = await labMachineOf(redfishLab, web.id);
    const resetsBefore = resetsOf(m).length;
    await ok('POST', `/devices/${web.id}/actions`, { type: 'power_off' });
    await waitForState(web.id, 'inactive');
    expect(m.sim.power).toBe('off');
    await ok('POST', `/devices/${web.id}/actions`, { type: 'power_on' });
    await waitForState(web.id, 'active');
    expect(m.sim.power).toBe('on');
    expect(resetsOf(m).length).toBe(resetsBefore + 2);

    await deleteAndRelease(redfishLab, web);
    expect(m.sim.power).toBe('off');
  });
});

describe('faults behind a real Redfish face', () => {
  const available = () => redfishLab.machines.slice(0, 2);

  it('reaches active through retries while the BMC answers busy for a while', async () => {
    const busyBefore = redfishRequests.filter((r) => r.status === 503).length;
    for (const m of available()) m.sim.faults.bmcBusyRate = 1;
    const d = await createDevice('r1.small.x86', 'busy-bmc');
    try {
      await eventually(async () => redfishRequests.filter((r) => r.status === 503).length >= busyBefore + 3, 'busy answers from the BMC');
    } finally {
      for (const m of available()) m.sim.faults.bmcBusyRate = 0;
    }
    await waitForState(d.id, 'active');
    await deleteAndRelease(redfishLab, d);
  });

  it('fails a device whose install fails, with the installer message', async () => {
    for (const m of available()) m.sim.faults.installFailureRate = 1;
    try {
      const d = await createDevice('r1.small.x86', 'bad-install');
      const failed = await waitForState(d.id, 'failed');
      expect(failed.failure_reason).toMatch(
        /^bad-install: install failed: .*writing the image to disk failed; reinstall the device or delete it$/,
      );
      await deleteAndRelease(redfishLab, d);
    } finally {
      for (const m of available()) m.sim.faults.installFailureRate = 0;
    }
  });
});

/** The IPMI-driven machine (its own ipmi_sim), started by the first describe that needs it. */
let ipmiLabStarting: Promise<BmcLab> | undefined;
function startIpmiLab(): Promise<BmcLab> {
  ipmiLabStarting ??= (async () => {
    ipmiLab = await startBmcLab({
      apiUrl: `${cloud.url}/metal/v1`,
      token: cloud.adminToken,
      bootBaseUrl: cloud.bootUrl!,
      facility: FACILITY,
      plan: 'i1.small.x86',
      ipmi: 1,
      namePrefix: 'ny5-i1',
      scale: 0.01,
      onBootOutcome: (o) => void bootOutcomes.push(o),
    });
    await ipmiLab.verified();
    return ipmiLab;
  })();
  return ipmiLabStarting;
}

describeIpmi('devices on IPMI-driven machines (ipmi_sim)', () => {
  let db: Device;
  let m: LabMachine;

  beforeAll(async () => {
    [m] = (await startIpmiLab()).machines;
  });

  it('verifies the machine over IPMI', async () => {
    const machine = await machineOf(m);
    expect(machine.state).toBe('available');
    expect(machine.bmc).toEqual({ driver: 'ipmi', address: m.bmc.address, username: 'admin', has_password: true });
  });

  it('provisions queued → provisioning → active over IPMI and phones home; ipmitool sees the power', async () => {
    db = await createDevice('i1.small.x86', 'db-ipmi');
    await waitForState(db.id, 'active');
    expect(await transitions(db.id)).toEqual(['queued → provisioning', 'provisioning → active']);
    expect((await labMachineOf(ipmiLab!, db.id)).name).toBe(m.name);
    expect(bootOutcomes).toContainEqual(expect.objectContaining({ machineId: m.name, kind: 'installed', deviceId: db.id }));
    expect(m.sim.power).toBe('on');
    expect(await ipmitool(m.ipmi!, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
  });

  it('power_off, power_on and delete drive ipmi_sim', async () => {
    await ok('POST', `/devices/${db.id}/actions`, { type: 'power_off' });
    await waitForState(db.id, 'inactive');
    expect(m.sim.power).toBe('off');
    expect(await ipmitool(m.ipmi!, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    await ok('POST', `/devices/${db.id}/actions`, { type: 'power_on' });
    await waitForState(db.id, 'active');
    expect(await ipmitool(m.ipmi!, 'chassis', 'power', 'status')).toContain('Chassis Power is on');

    await deleteAndRelease(ipmiLab!, db);
    expect(m.sim.power).toBe('off');
    expect(await ipmitool(m.ipmi!, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
  });
});

describeIpmiAndTerraform('terraform apply on Redfish- and IPMI-driven machines', () => {
  it('applies one device per plan to active through the real BMCs, then destroys them', async () => {
    const ipmi = await startIpmiLab();
    const root = tempDir('metalforge-real-drivers-tf-');
    const installed = await installProvider({ projectDir: root });
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(root), TF_PLUGIN_CACHE_DIR: '', METAL_AUTH_TOKEN: cloud.adminToken };
    delete env.TF_LOG;
    const dir = new Workdir(join(root, 'main'), env, installed);
    const resource = (name: string, plan: string) => `
resource "metal_device" "${name}" {
  project_id       = "${projectId}"
  hostname         = "tf-${name}"
  plan             = "${plan}"
  metro            = "${METRO}"
  operating_system = "ubuntu_24_04"
}`;
    dir.write(`
terraform {
  required_providers {
    metal = { source = "metalforge/metal" }
  }
}
provider "metal" {
  api_url = "${cloud.url}/metal/v1"
}
${resource('redfish', 'r1.small.x86')}
${resource('ipmi', 'i1.small.x86')}
`);
    await dir.init();
    await dir.ok('apply', '-input=false', '-auto-approve');
    const state = await dir.resources();
    const placed: [BmcLab, string][] = [
      [redfishLab, String(state.get('metal_device.redfish')?.values.id)],
      [ipmi, String(state.get('metal_device.ipmi')?.values.id)],
    ];
    const machines: LabMachine[] = [];
    for (const [lab, id] of placed) {
      expect((await device(id)).state).toBe('active');
      const m = await labMachineOf(lab, id);
      expect(m.sim.power).toBe('on');
      expect(bootOutcomes).toContainEqual(expect.objectContaining({ machineId: m.name, kind: 'installed', deviceId: id }));
      machines.push(m);
    }
    expect(machines.map((m) => m.driver)).toEqual(['redfish', 'ipmi']);

    await dir.ok('destroy', '-input=false', '-auto-approve');
    for (const m of machines) {
      expect((await machineOf(m)).state).toBe('available');
      expect(m.sim.power).toBe('off');
    }
    expect(await ipmitool(machines[1].ipmi!, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
  });
});

// Last, over everything the file did: provisioning, power actions, faults and retries, terraform.
describe('BMC secrets over the whole run', () => {
  it('never answered or logged a BMC password', () => {
    const secrets = [WRONG_PASSWORD, ...[redfishLab, ipmiLab].flatMap((lab) => lab?.machines.map((m) => m.bmc.password) ?? [])];
    expect(responses.length).toBeGreaterThan(50);
    const seen = [...responses, ...logs].join('\n');
    for (const secret of secrets) expect(seen).not.toContain(secret);
  });
});
