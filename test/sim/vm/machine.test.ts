/**
 * A VM-backed machine behind the Redfish face, as sushy-tools puts libvirt VMs behind Redfish: a one-time PXE
 * override and On start QEMU's network boot through QMP; ForceRestart resets into the next boot source (the override
 * is spent: the disk, blank here, so the image says so and powers the VM off itself); ForceOff ends QEMU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedfishFace, type RedfishFace } from '../../../lib/sim/redfish-face';
import { ensureVmImages } from '../../../lib/sim/vm/artifacts';
import { VmMachine } from '../../../lib/sim/vm/machine';
import { createVmSegment, vmSegmentUnavailableReason, type VmSegment } from '../../../lib/sim/vm/segment';
import { eventually } from '../../support/eventually';

const unavailable = vmSegmentUnavailableReason();
if (unavailable) console.warn(`skipping the VM machine tests: ${unavailable}`);
const describeWithVms = unavailable ? describe.skip : describe;

const ADMIN = { username: 'admin', password: 'vm-secret' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

describeWithVms('a QEMU VM behind the Redfish face', () => {
  let segment: VmSegment;
  let machine: VmMachine;
  let face: RedfishFace;
  let workDir: string;

  const redfish = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${face.baseUrl}/redfish/v1/Systems/vm1${path}`, {
      method,
      headers: { Authorization: AUTH, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };
  const reset = (type: string) => redfish('POST', '/Actions/ComputerSystem.Reset', { ResetType: type });
  const pxeOnce = () => redfish('PATCH', '', { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } });

  beforeAll(async () => {
    const images = ensureVmImages();
    segment = createVmSegment();
    workDir = mkdtempSync(join(tmpdir(), 'metalforge-vm-machine-'));
    machine = new VmMachine({
      id: 'vm1',
      inventory: { cpus: [], memoryMiB: 256, drives: [], nics: [{ mac: '02:00:00:00:01:01', name: 'eth0' }] },
      vm: { namespace: segment.namespace, tap: segment.addTap(), workDir, firmware: 'bios', images },
    });
    // Plain HTTP: this test speaks to the face with fetch and checks the VM, not the face's TLS.
    face = await startRedfishFace({ machines: [machine], credentials: ADMIN, http: true });
  }, 120_000);

  afterAll(async () => {
    await face?.close();
    await machine?.destroy();
    segment?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('On with a one-time PXE override starts a network boot, ForceRestart boots the disk, ForceOff ends QEMU', async () => {
    await pxeOnce();
    await reset('On');
    expect(machine.power).toBe('on');
    expect(machine.bootedFrom).toBe('network');
    expect(await machine.qemuStatus()).toBe('running');
    expect((await redfish('GET', '')).PowerState).toBe('On');

    // The override was for one boot: the reset boots the disk, which is blank, and the image powers the VM off.
    await reset('ForceRestart');
    expect(machine.bootedFrom).toBe('disk');
    await eventually(async () => machine.power === 'off', 'the VM to power itself off', 90_000);
    expect(machine.console()).toContain('no operating system on the disk');
    expect((await redfish('GET', '')).PowerState).toBe('Off');

    await pxeOnce();
    await reset('On');
    expect(machine.bootedFrom).toBe('network');
    await reset('ForceOff');
    expect(machine.power).toBe('off');
    expect(await machine.qemuStatus()).toBe('off');
    expect((await redfish('GET', '')).PowerState).toBe('Off');
  }, 180_000);
});
