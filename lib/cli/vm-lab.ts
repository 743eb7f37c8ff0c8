/**
 * `metalforge vm-lab`: a metal cloud whose servers are QEMU virtual machines that really network-boot through
 * metalforge's DHCP, TFTP and HTTP. It builds a VM segment (lib/sim/vm/segment.ts), runs the cloud inside the
 * segment's server namespace (`ip netns exec`, the one place the boot services can bind), and serves its API on
 * the host's loopback through a Unix socket, so the API, console and terraform work as with `metalforge server`
 * while every boot packet stays inside the lab's namespaces. Ctrl-C stops the VMs and removes the segment.
 * The same cloud options serve the VM boot test (test/support/vm-lab.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCloud, DEFAULT_CATALOG, type CloudOptions } from '../cloud';
import { loadCatalogFile } from '../engine/operator';
import type { DhcpServerOptions } from '../boot/dhcp';
import type { TftpServerOptions } from '../boot/tftp';
import { ensureVmImages, type VmImages } from '../sim/vm/artifacts';
import { VmMachine, type VmFirmware } from '../sim/vm/machine';
import {
  addressesOf,
  createVmSegment,
  segmentOf,
  vmSegmentUnavailableReason,
  type VmSegment,
  type VmSegmentAddresses,
} from '../sim/vm/segment';

/** The lab's VM-backed plans, by firmware: one machine of each in ny5. */
export const VM_PLANS: Record<VmFirmware, string> = { bios: 'vm.bios.x86', uefi: 'vm.uefi.x86' };

const firmwareOf = (plan: string) => (Object.keys(VM_PLANS) as VmFirmware[]).find((f) => VM_PLANS[f] === plan);

/** The default catalog plus the VM-backed plans (a c3.small.x86 with one TCG core), written to `file`. */
function writeVmCatalog(file: string): void {
  const catalog = loadCatalogFile(DEFAULT_CATALOG);
  const base = catalog.plans.find((p) => p.slug === 'c3.small.x86')!;
  const vmPlans = Object.entries(VM_PLANS).map(([firmware, slug]) => ({
    ...base,
    slug,
    name: slug,
    description: `A QEMU virtual machine (${firmware.toUpperCase()} firmware) that network-boots like a server.`,
    specs: { ...base.specs, cpus: [{ count: 1, type: 'QEMU TCG', cores: 1 }], memory: { total: '1GB' } },
  }));
  writeFileSync(
    file,
    JSON.stringify({
      ...catalog,
      plans: [...catalog.plans, ...vmPlans],
      hardware: [{ facilities: ['ny5'], per_facility: Object.fromEntries(Object.values(VM_PLANS).map((slug) => [slug, 1])) }],
    }),
  );
}

/** What a VM lab's caller may watch: each DHCP reply, TFTP transfer and VM made. */
export interface VmLabObservers {
  onDhcpReply?: DhcpServerOptions['onReply'];
  onTftpTransfer?: TftpServerOptions['onTransfer'];
  onMachine?: (machine: VmMachine, mac: string) => void;
}

/**
 * createCloud options for a cloud on the segment: the VM plans' catalog, the boot listener, DHCP and TFTP on the
 * segment's server address, and a VmMachine (its work files under `workDir`) for each machine of a VM plan.
 */
export function vmLabCloudOptions(segment: VmSegment, images: VmImages, workDir: string, observers: VmLabObservers = {}): CloudOptions {
  mkdirSync(workDir, { recursive: true });
  const catalog = join(workDir, 'catalog.json');
  writeVmCatalog(catalog);
  return {
    catalog,
    bootHost: segment.serverAddress,
    bootPort: 0,
    bootInstallerDir: images.installerDir,
    provisioning: {
      dhcp: {
        serverAddress: segment.serverAddress,
        bindAddress: segment.serverAddress,
        networks: [{ name: 'vm-lab', subnet: segment.subnet, rangeStart: segment.range.start, rangeEnd: segment.range.end }],
        onReply: observers.onDhcpReply,
      },
      tftp: { bindAddress: segment.serverAddress, onTransfer: observers.onTftpTransfer },
    },
    simMachine: (spec, options) => {
      const firmware = firmwareOf(spec.plan);
      if (!firmware) return undefined;
      const dir = join(workDir, spec.name);
      mkdirSync(dir, { recursive: true });
      const machine = new VmMachine({
        ...options,
        vm: { namespace: segment.namespace, tap: segment.addTap(), workDir: dir, firmware, images },
      });
      observers.onMachine?.(machine, spec.macs[0]);
      return machine;
    },
  };
}

/** What the lab's parent hands the cloud it runs in the server namespace (the admin token goes by environment). */
interface InsideInput {
  segment: VmSegmentAddresses;
  workDir: string;
  dataDir: string;
  socket: string;
}
const INSIDE_ENV = 'METALFORGE_VM_LAB';
const TOKEN_ENV = 'METALFORGE_ADMIN_TOKEN';

/** The cloud of the lab, run by `metalforge vm-lab --inside` in the server namespace; its API on the Unix socket. */
export async function serveVmLabInside(): Promise<void> {
  const input = JSON.parse(process.env[INSIDE_ENV] ?? '') as InsideInput;
  const segment = segmentOf(input.segment);
  const machines: VmMachine[] = [];
  const cloud = await createCloud({
    ...vmLabCloudOptions(segment, ensureVmImages(), join(input.workDir, 'machines'), { onMachine: (m) => machines.push(m) }),
    dataDir: input.dataDir,
    adminToken: process.env[TOKEN_ENV],
    simScale: 0,
    socketPath: input.socket,
  });
  await cloud.listen();
  const stop = async () => {
    await cloud.close();
    await Promise.all(machines.map((m) => m.destroy().catch(() => undefined)));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

export interface VmLabFlags {
  port: number;
  dataDir?: string;
}

/** A running lab, as `metalforge vm-lab` (and its test) see it. */
export interface VmLabProcess {
  url: string;
  adminToken: string;
  segment: VmSegment;
  /** Ends when the lab's cloud exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Builds the segment, starts the lab's cloud in its server namespace and forwards 127.0.0.1:`port` to its API.
 * The cloud's own output (logs, errors) goes to `log`.
 */
export async function startVmLabProcess(
  flags: VmLabFlags,
  log: (text: string) => void = (t) => process.stderr.write(t),
): Promise<VmLabProcess> {
  const unavailable = vmSegmentUnavailableReason();
  if (unavailable) throw new Error(`the VM lab cannot run here: ${unavailable}`);
  const workDir = mkdtempSync(join(tmpdir(), 'metalforge-vm-lab-'));
  const socket = join(workDir, 'api.sock');
  const adminToken = randomBytes(24).toString('base64url');
  const segment = createVmSegment();
  const input: InsideInput = {
    segment: addressesOf(segment),
    workDir,
    dataDir: resolve(flags.dataDir ?? join(workDir, 'data')),
    socket,
  };
  const child = spawn(
    'ip',
    ['netns', 'exec', segment.serverNamespace, process.execPath, '--import', 'tsx', join(__dirname, 'main.ts'), 'vm-lab', '--inside'],
    // From the project's root, where `--import tsx` resolves.
    {
      cwd: resolve(__dirname, '..', '..'),
      env: { ...process.env, [INSIDE_ENV]: JSON.stringify(input), [TOKEN_ENV]: adminToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => log(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => log(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const proxy = createServer((client) => {
    const upstream = createConnection(socket);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  const cleanup = () => {
    proxy.close();
    segment.destroy();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // The cloud is up once its socket answers (bounded: a first start builds the VM images).
    const deadline = Date.now() + 300_000;
    for (;;) {
      const up = await new Promise<boolean>((done) => {
        const probe = createConnection(socket);
        probe.once('connect', () => {
          probe.end();
          done(true);
        });
        probe.once('error', () => done(false));
      });
      if (up) break;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `the VM lab's cloud did not start (${child.exitCode === null ? 'no answer in 300 s' : `it exited with ${child.exitCode}`})`,
        );
      await new Promise((done) => setTimeout(done, 250));
    }
    await new Promise<void>((done, fail) => proxy.once('error', fail).listen(flags.port, '127.0.0.1', () => done()));
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw err;
  }
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    segment,
    exited,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
