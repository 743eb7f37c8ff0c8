/**
 * `metalforge vm-lab` as a user runs it: the printed API on loopback answers, a device on a VM-backed plan really
 * network-boots to active and is deleted, and Ctrl-C (SIGINT) stops the lab and removes its namespaces. The boots
 * themselves are traced in test/e2e/vm-boot.test.ts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createMetalClient } from '../../lib/client';
import { ROOT } from '../support/server-process';
import { vmLabUnavailableReason } from '../support/vm-lab';

const unavailable = vmLabUnavailableReason();
if (unavailable) console.warn(`skipping the vm-lab command test: ${unavailable}`);
const describeWithVms = unavailable ? describe.skip : describe;

const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

describeWithVms('metalforge vm-lab', () => {
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', 'vm-lab', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child.once('exit', resolve));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/terraform\s+export/.test(output)) resolve();
      });
      void exited.then((code) => reject(new Error(`vm-lab exited (${code}) before serving:\n${output}`)));
    });
  }, 600_000);

  afterAll(async () => {
    if (child?.exitCode === null) {
      child.kill('SIGINT');
      await exited;
    }
  }, 60_000);

  it('serves the API on loopback, boots a VM-backed device to active, deletes it, and removes the lab on Ctrl-C', async () => {
    const api = /API\s+(http:\/\/127\.0\.0\.1:\d+\/metal\/v1)/.exec(output)?.[1];
    const token = /admin token\s+(\S+)/.exec(output)?.[1];
    const segment = /namespace (mfvm-\w+); boot services on [\d.]+ in (mfvs-\w+)/.exec(output);
    expect(api && token && segment).toBeTruthy();
    expect(namespaces()).toContain(segment![1]);
    expect(namespaces()).toContain(segment![2]);

    const client = createMetalClient({ baseUrl: api!, token: token! });
    const project = await client.projects.create({ name: 'vm-lab' });
    const created = await client.devices.create(project.id, {
      hostname: 'lab-vm',
      plan: 'vm.bios.x86',
      metro: 'ny',
      operating_system: 'ubuntu_22_04',
    });
    // Bounded: a network boot under TCG takes seconds to a minute.
    let device = await client.devices.get(created.id);
    for (let waits = 0; waits < 4 && device.state !== 'active' && device.state !== 'failed'; waits++)
      device = await client.devices.get(created.id, { wait: { states: ['active', 'failed'], timeoutSeconds: 60 } });
    expect(device.state).toBe('active');
    expect(device.plan.slug).toBe('vm.bios.x86');
    await client.devices.delete(created.id);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(namespaces()).not.toContain(segment![1]);
    expect(namespaces()).not.toContain(segment![2]);
  }, 300_000);
});
