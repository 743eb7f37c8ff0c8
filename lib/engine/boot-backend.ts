/**
 * The engine's side of the boot service (lib/boot) and of the simulator's in-process installer: machines
 * find what to boot by MAC, source IP or install token, and report back through the device lifecycle.
 */
import type { BootBackend, BootDevice, BootNetwork, BootProgress, PhoneHomeResult } from '../boot/backend';
import { deviceIdAtAddress } from '../store/boot-installs';
import { setProvisioningPercentage, sshKeyTexts } from '../store/devices';
import { assignmentsOfDevice } from '../store/ip-assignments-elastic';
import type { DeviceNetwork } from '../store/layer2';
import type { EngineContext } from './context';
import type { InstallService } from './installs';
import { PROVISIONING_PROGRESS } from './lifecycle';
import type { DeviceRow } from './devices';
import { blockGateway } from './network/assignment-rules';
import { inBond, untaggedVlan } from './network/port-rules';

export class EngineBootBackend implements BootBackend {
  constructor(
    private readonly ctx: EngineContext,
    private readonly installs: InstallService,
  ) {}

  async findDevice(by: { mac?: string; ip?: string; token?: string }): Promise<BootDevice | null> {
    const deviceId = by.mac
      ? (await this.installs.bootDecision(by.mac))?.deviceId
      : by.token
        ? (await this.installs.installOf(by.token))?.id
        : by.ip && (await deviceIdAtAddress(this.ctx.db, by.ip));
    if (!deviceId) return null;
    const plan = await this.installs.bootPlan(deviceId);
    return plan ? this.describe(plan.device, plan.mode) : null;
  }

  takeInstallToken(deviceId: string): Promise<string | null> {
    return this.installs.takeInstallToken(deviceId);
  }

  phoneHome(token: string): Promise<PhoneHomeResult> {
    return this.installs.phoneHome(token);
  }

  async reportProgress(token: string, progress: BootProgress): Promise<'accepted' | 'unknown'> {
    if (progress.state === 'failed') return this.installs.installFailed(token, progress.message);
    const row = await this.installs.installOf(token);
    if (!row) return 'unknown';
    if (progress.percentage !== undefined) {
      // Installer progress maps onto the band between network boot and the end of the install.
      const { networkBoot, installerDone } = PROVISIONING_PROGRESS;
      const pct = networkBoot + Math.round((Math.min(100, Math.max(0, progress.percentage)) / 100) * (installerDone - networkBoot));
      await setProvisioningPercentage(this.ctx.db, row.id, pct);
    }
    return 'accepted';
  }

  // InstallTarget: the simulator's in-process boot path, which no network reaches; it reads the token as the
  // machine's own installer would after its single hand-out.
  async lookupByMac(mac: string) {
    const decision = await this.installs.bootDecision(mac);
    return decision && { mode: decision.mode, token: decision.token, os: decision.os };
  }

  installFailed(token: string, reason: string) {
    return this.installs.installFailed(token, reason);
  }

  private async describe(row: DeviceRow, mode: BootDevice['mode']): Promise<BootDevice> {
    const { world } = this.ctx;
    const os = world.operatingSystems.get(row.operating_system_id)!;
    const device: BootDevice = {
      id: row.id,
      hostname: row.hostname,
      mode,
      operatingSystem: { slug: os.slug, distro: os.distro, version: os.version },
      plan: world.plans.get(row.plan_id)!.slug,
      metro: world.metros.get(row.metro_id)!.code,
      facility: world.facilities.get(row.facility_id)!.code,
      ipAddresses: [
        ...row.ip_addresses.map((a) => ({
          address: a.address,
          addressFamily: a.address_family as 4 | 6,
          cidr: a.cidr,
          public: a.public,
          management: a.management,
          gateway: a.gateway,
        })),
        // Elastic IPs too, so the OS configures them (each with its reserved block's gateway).
        ...(await assignmentsOfDevice(this.ctx.db, row.id)).map((a) => ({
          address: a.address,
          addressFamily: a.address_family,
          cidr: a.cidr,
          public: a.type !== 'private_ipv4',
          management: false,
          gateway: blockGateway(a.address_family, a.block_network, a.block_cidr),
        })),
      ],
      interfaces: (row.macs ?? []).map((mac, i) => ({ name: `eth${i}`, mac })),
      ...(row.network && { network: bootNetwork(row.network) }),
      sshKeys: await sshKeyTexts(this.ctx.db, row.ssh_key_ids),
      userData: row.userdata || undefined,
      customData: row.customdata,
      tags: row.tags,
      alwaysPxe: row.always_pxe,
    };
    if (row.ipxe_script_url) device.ipxeScriptUrl = row.ipxe_script_url;
    if (row.spot_instance) device.spot = row.termination_time ? { terminationTime: new Date(row.termination_time).toISOString() } : {};
    return device;
  }
}

/** What the OS configures its layer-2 network from: the bond's members and the VLANs on each interface. */
function bootNetwork(network: DeviceNetwork): BootNetwork {
  const type = network.network_type;
  const state = { type, ports: network.ports.map((p) => ({ ...p, native: p.native_vlan_id })) };
  return {
    type,
    bonded: network.ports.filter((p) => p.name !== 'bond0' && inBond(type, p.name)).map((p) => p.name),
    vlans: state.ports.flatMap((p) =>
      p.vlans.map((v) => ({
        vlan: v.vxlan,
        interface: p.name,
        native: untaggedVlan(state, p)?.id === v.id,
        ...(v.gateway && { gateway: { address: blockGateway(4, v.gateway.network, v.gateway.cidr), cidr: v.gateway.cidr } }),
      })),
    ),
  };
}
