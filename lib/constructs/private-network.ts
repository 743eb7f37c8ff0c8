/**
 * PrivateNetwork — a VLAN in one metro that a project's devices share: the VLAN (`metal_vlan`), each member device
 * switched to a network type that carries VLANs (`metal_device_network_type`, hybrid by default: bond0 keeps the
 * public addresses on eth0, eth1 carries the VLAN), the VLAN on each device's port (`metal_port_vlan_attachment`)
 * and, optionally, a Metal gateway that routes the VLAN through a private block it reserves (`metal_gateway`).
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataMetalVlan } from '../gen/providers/metal/data-metal-vlan';
import { DeviceNetworkType } from '../gen/providers/metal/device-network-type';
import { Gateway } from '../gen/providers/metal/gateway';
import { PortVlanAttachment } from '../gen/providers/metal/port-vlan-attachment';
import { Vlan } from '../gen/providers/metal/vlan';
import { Catalog } from './catalog';
import type { MetroCode } from './catalog-codes';
import { BareMetalDevice, type IBareMetalDevice } from './device';
import { Metro, metroProblem } from './metro';
import type { IMetalProject } from './project';
import { known, Problems, quote, subject } from './validation';

/** The network types whose ports carry VLANs, and the port of each that carries this network's VLAN. */
const VLAN_PORT = {
  hybrid: 'eth1',
  'hybrid-bonded': 'bond0',
  'layer2-bonded': 'bond0',
  'layer2-individual': 'eth0',
} as const;
export type PrivateNetworkType = keyof typeof VLAN_PORT;
export const PRIVATE_NETWORK_TYPES = Object.keys(VLAN_PORT) as PrivateNetworkType[];

/** The sizes of the private block a gateway can reserve (its number of addresses). */
export const GATEWAY_SUBNET_SIZES: readonly number[] = [8, 16, 32, 64, 128];

/** A VLAN, created here or imported. */
export interface IPrivateNetwork {
  readonly vlanId: string;
  /** The VLAN id on the wire (2 to 3999). */
  readonly vxlan: number;
}

export interface PrivateNetworkGatewayOptions {
  /** The number of addresses of the private IPv4 block the gateway reserves: 8, 16, 32, 64 or 128. */
  readonly privateIpv4SubnetSize: number;
}

export interface PrivateNetworkProps {
  /** The project of the VLAN and of its devices. */
  readonly project: IMetalProject;
  /** The metro of the VLAN; every member device must be in it. */
  readonly metro: MetroCode | string | Metro;
  /** The devices on the VLAN. */
  readonly devices: readonly IBareMetalDevice[];
  /**
   * The VLAN id, 2 to 3999, unique in the project's metro.
   * @default - the next free one from 1000
   */
  readonly vxlan?: number;
  /**
   * A description of the VLAN.
   * @default - none
   */
  readonly description?: string;
  /**
   * How the member devices' ports are set up: hybrid (eth1 carries the VLAN, bond0 keeps the public addresses),
   * hybrid-bonded (bond0 carries both), layer2-bonded or layer2-individual (no public addresses).
   * @default - "hybrid"
   */
  readonly networkType?: PrivateNetworkType;
  /**
   * Route the VLAN through a Metal gateway holding a private block of this size.
   * @default - no gateway
   */
  readonly gateway?: PrivateNetworkGatewayOptions;
  /**
   * The provider configuration to use.
   * @default - the stack's default metal provider
   */
  readonly provider?: TerraformProvider;
}

/** A VLAN shared by devices in one metro, optionally behind a gateway. */
export class PrivateNetwork extends Construct implements IPrivateNetwork {
  /** An existing VLAN by id, read through the metal_vlan data source; nothing is created. */
  public static fromVlanId(scope: Construct, id: string, vlanId: string): IPrivateNetwork {
    const problems = new Problems();
    if (known(vlanId) && vlanId.trim() === '') problems.add('vlanId is empty; pass the UUID of an existing VLAN');
    problems.throwIfAny(subject('PrivateNetwork.fromVlanId', scope, id));
    return new ImportedNetwork(scope, id, vlanId);
  }

  public readonly metro: string;
  public readonly networkType: PrivateNetworkType;
  /** The L1 VLAN, for options this construct does not cover. */
  public readonly vlan: Vlan;
  /** One per device, in the devices' order. */
  public readonly networkTypes: readonly DeviceNetworkType[];
  /** One per device, in the devices' order. */
  public readonly attachments: readonly PortVlanAttachment[];
  /** The gateway, when asked for. */
  public readonly gateway: Gateway | undefined;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const metro = props.metro instanceof Metro ? props.metro.code : props.metro;
    const networkType = props.networkType ?? 'hybrid';
    const problems = new Problems();
    const catalog = Catalog.of(this);
    if (catalog && known(metro)) {
      const problem = metroProblem(catalog, metro);
      if (problem) problems.add(problem);
    }
    if (known(networkType) && !PRIVATE_NETWORK_TYPES.includes(networkType)) {
      problems.add(
        networkType === ('layer3' as string)
          ? 'networkType "layer3" carries no VLAN; use "hybrid" to keep the public addresses, or a layer2 type'
          : `networkType ${quote(networkType)} is not a network type that carries VLANs; use one of ${PRIVATE_NETWORK_TYPES.join(', ')}`,
      );
    }
    const vxlan = props.vxlan;
    if (known(vxlan) && !(Number.isInteger(vxlan) && vxlan >= 2 && vxlan <= 3999))
      problems.add(`vxlan is ${vxlan}; a VLAN id is a whole number from 2 to 3999`);
    const size = props.gateway?.privateIpv4SubnetSize;
    if (known(size) && !GATEWAY_SUBNET_SIZES.includes(size))
      problems.add(`gateway.privateIpv4SubnetSize is ${size}; use one of ${GATEWAY_SUBNET_SIZES.join(', ')}`);
    const ids = props.devices.map((d) => d.node.id);
    const twice = ids.filter((name, i) => ids.indexOf(name) !== i);
    if (twice.length) problems.add(`devices lists ${twice.map(quote).join(', ')} twice (by construct id); list each device once`);
    for (const device of props.devices) {
      if (device instanceof BareMetalDevice && known(device.metro) && known(metro) && device.metro !== metro)
        problems.add(
          `device ${quote(device.node.id)} is in metro ${quote(device.metro)}, the VLAN in ${quote(metro)}; a VLAN spans one metro: put the device in ${quote(metro)} or give it its own network`,
        );
    }
    problems.throwIfAny(subject('PrivateNetwork', scope, id));

    this.metro = metro;
    this.networkType = networkType;
    this.vlan = new Vlan(this, 'vlan', {
      projectId: props.project.projectId,
      metro,
      vxlan,
      description: props.description,
      provider: props.provider,
    });
    this.networkTypes = props.devices.map(
      (device) =>
        new DeviceNetworkType(this, `network-type-${device.node.id}`, {
          deviceId: device.deviceId,
          type: networkType,
          provider: props.provider,
        }),
    );
    // Each attachment names the device through its network type resource, so the port is attached once it carries VLANs.
    this.attachments = this.networkTypes.map(
      (type, i) =>
        new PortVlanAttachment(this, `attachment-${props.devices[i].node.id}`, {
          deviceId: type.id,
          portName: VLAN_PORT[networkType],
          vlanVnid: this.vlan.vxlan,
          provider: props.provider,
        }),
    );
    this.gateway =
      props.gateway &&
      new Gateway(this, 'gateway', {
        projectId: props.project.projectId,
        vlanId: this.vlan.id,
        privateIpv4SubnetSize: props.gateway.privateIpv4SubnetSize,
        provider: props.provider,
      });
  }

  public get vlanId(): string {
    return this.vlan.id;
  }

  public get vxlan(): number {
    return this.vlan.vxlan;
  }

  /** The port of each member device that carries the VLAN (bond0, eth0 or eth1). */
  public get portName(): string {
    return VLAN_PORT[this.networkType];
  }
}

class ImportedNetwork extends Construct implements IPrivateNetwork {
  public readonly vlanId: string;
  public readonly vxlan: number;

  constructor(scope: Construct, id: string, vlanId: string) {
    super(scope, id);
    const data = new DataMetalVlan(this, 'vlan', { vlanId });
    this.vlanId = vlanId;
    this.vxlan = data.vxlan;
  }
}
