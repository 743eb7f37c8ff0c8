/**
 * A small in-memory BootBackend for tests: records what machines report, hands out an install's token once per
 * arming (as the engine does per network boot), and ends the token at phone-home or failure.
 */
import type { BootBackend, BootDevice, BootProgress, PhoneHomeResult } from '../../lib/boot';

export const TOKEN = 'tok-0123456789abcdef';

export class MemoryBootBackend implements BootBackend {
  readonly devices: BootDevice[] = [];
  readonly phoneHomes: { token: string; ip?: string }[] = [];
  readonly progress: { token: string; progress: BootProgress }[] = [];
  readonly lookups: { mac?: string; ip?: string; token?: string }[] = [];
  /** Install tokens of installs in progress, by device id. */
  readonly tokens = new Map<string, string>();
  private readonly armed = new Set<string>();
  private readonly usedTokens = new Set<string>();

  /** Adds a device; an installing (or rescuing) one gets `token` for its network boot, armed for one hand-out. */
  add(device: BootDevice, token = TOKEN): BootDevice {
    this.devices.push(device);
    if (device.mode !== 'local') {
      this.tokens.set(device.id, token);
      this.arm(device.id);
    }
    return device;
  }

  /** As the engine does before it network-boots the machine for the install. */
  arm(deviceId: string): void {
    this.armed.add(deviceId);
  }

  async findDevice(by: { mac?: string; ip?: string; token?: string }): Promise<BootDevice | null> {
    this.lookups.push(by);
    const found = this.devices.find(
      (d) =>
        (by.mac !== undefined && d.interfaces.some((nic) => nic.mac === by.mac)) ||
        (by.ip !== undefined && d.ipAddresses.some((ip) => ip.address === by.ip)) ||
        (by.token !== undefined && this.tokens.get(d.id) === by.token),
    );
    return found ?? null;
  }

  async takeInstallToken(deviceId: string): Promise<string | null> {
    if (!this.armed.delete(deviceId)) return null;
    return this.tokens.get(deviceId) ?? null;
  }

  async phoneHome(token: string, report: { ip?: string }): Promise<PhoneHomeResult> {
    if (this.usedTokens.has(token)) return 'already_used';
    const device = this.deviceOf(token);
    if (!device) return 'unknown';
    this.usedTokens.add(token);
    this.tokens.delete(device.id);
    this.phoneHomes.push({ token, ...report });
    device.mode = 'local';
    return 'accepted';
  }

  async reportProgress(token: string, progress: BootProgress): Promise<'accepted' | 'unknown'> {
    const device = this.deviceOf(token);
    if (!device) return 'unknown';
    this.progress.push({ token, progress });
    if (progress.state === 'failed') this.tokens.delete(device.id);
    return 'accepted';
  }

  private deviceOf(token: string): BootDevice | undefined {
    return this.devices.find((d) => this.tokens.get(d.id) === token);
  }
}

/** A device provisioning Ubuntu, with one public and one private IPv4 address and an IPv6 one. */
export function installingDevice(overrides: Partial<BootDevice> = {}): BootDevice {
  return {
    id: 'd1b2c3d4-0000-4000-8000-000000000001',
    hostname: 'web-1',
    mode: 'install',
    operatingSystem: { slug: 'ubuntu_24_04', distro: 'ubuntu', version: '24.04' },
    plan: 'c3.small.x86',
    metro: 'ny',
    facility: 'ny5',
    ipAddresses: [
      { address: '147.75.10.3', addressFamily: 4, cidr: 31, public: true, management: true, gateway: '147.75.10.2' },
      { address: '10.70.1.5', addressFamily: 4, cidr: 25, public: false, management: true, gateway: '10.70.1.1' },
      { address: '2604:1380:1::3', addressFamily: 6, cidr: 127, public: true, management: true },
    ],
    interfaces: [
      { name: 'eth0', mac: '52:54:00:aa:00:01' },
      { name: 'eth1', mac: '52:54:00:aa:00:02' },
    ],
    sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 alice@laptop'],
    userData: '#cloud-config\nhostname: web-1\n',
    customData: { role: 'web' },
    tags: ['web', 'prod'],
    alwaysPxe: false,
    ...overrides,
  };
}
