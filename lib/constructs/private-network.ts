/**
 * PrivateNetwork — a VLAN in one metro that a project's devices share: the VLAN (`metal_vlan`), each member device
 * switched to a network type that carries VLANs (`metal_device_network_type`, hybrid by default: bond0 keeps the
 * public addresses on eth0, eth1 carries the VLAN), the VLAN on each device's port (`metal_port_vlan_attachment`)
 * and, optionally, a Metal gateway that routes the VLAN through a private block it reserves (`metal_gateway`).
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { GATEWAY_SUBNET_SIZES } from '../contract/schemas-layer2';
import { DataMetalReservedIpBlock } from '../gen/providers/metal/data-metal-reserved-ip-block';
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

/** The sizes of the private block a gateway can reserve (its number of addresses). */
export { GATEWAY_SUBNET_SIZES };

/** The network types whose ports carry VLANs, and the port of each that carries this network's VLAN. */
const VLAN_PORT = {
  hybrid: 'eth1',
  'hybrid-bonded': 'bond0',
  'layer2-bonded': 'bond0',
  'layer2-individual': 'eth0',
} as const;
export type PrivateNetworkType = keyof typeof VLAN_PORT;
export const PRIVATE_NETWORK_TYPES = Object.keys(VLAN_PORT) as PrivateNetworkType[];

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
  /**
   * The devices on the VLAN.
   * @default - none yet: add them with addDevice()
   */
  readonly devices?: readonly IBareMetalDevice[];
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
  public readonly networkTypes: DeviceNetworkType[] = [];
  /** One per device, in the devices' order. */
  public readonly attachments: PortVlanAttachment[] = [];
  public readonly devices: IBareMetalDevice[] = [];
  /** The gateway, when asked for. */
  public readonly gateway: Gateway | undefined;
  /** The gateway's private block (its cidrNotation, cidr and gateway address), for the members' addresses. */
  public readonly gatewayBlock: DataMetalReservedIpBlock | undefined;
  private readonly provider: TerraformProvider | undefined;

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
    const devices = props.devices ?? [];
    devices.forEach((device, i) => memberProblems(devices.slice(0, i), device, metro).forEach((p) => problems.add(p)));
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
    this.provider = props.provider;
    devices.forEach((device) => this.join(device));
    this.gateway =
      props.gateway &&
      new Gateway(this, 'gateway', {
        projectId: props.project.projectId,
        vlanId: this.vlan.id,
        privateIpv4SubnetSize: props.gateway.privateIpv4SubnetSize,
        provider: props.provider,
      });
    this.gatewayBlock =
      this.gateway && new DataMetalReservedIpBlock(this, 'gateway-block', { id: this.gateway.ipReservationId, provider: props.provider });
  }

  /** Puts a device on the VLAN: its network type, then the VLAN on its port. */
  public addDevice(device: IBareMetalDevice): void {
    const problems = new Problems();
    memberProblems(this.devices, device, this.metro).forEach((p) => problems.add(p));
    problems.throwIfAny(`${subject('PrivateNetwork', this.node.scope!, this.node.id)}.addDevice`);
    this.join(device);
  }

  private join(device: IBareMetalDevice): void {
    const type = new DeviceNetworkType(this, `network-type-${device.node.id}`, {
      deviceId: device.deviceId,
      type: this.networkType,
      provider: this.provider,
    });
    // The attachment names the device through its network type resource, so the port is attached once it carries VLANs.
    const attachment = new PortVlanAttachment(this, `attachment-${device.node.id}`, {
      deviceId: type.id,
      portName: VLAN_PORT[this.networkType],
      vlanVnid: this.vlan.vxlan,
      provider: this.provider,
    });
    this.devices.push(device);
    this.networkTypes.push(type);
    this.attachments.push(attachment);
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

/** Why `device` cannot join a network in `metro` that already has `members`. */
function memberProblems(members: readonly IBareMetalDevice[], device: IBareMetalDevice, metro: string): string[] {
  const problems: string[] = [];
  if (members.some((m) => m.node.id === device.node.id))
    problems.push(`devices lists ${quote(device.node.id)} twice (by construct id); list each device once`);
  if (device instanceof BareMetalDevice && known(device.metro) && known(metro) && device.metro !== metro)
    problems.push(
      `device ${quote(device.node.id)} is in metro ${quote(device.metro)}, the VLAN in ${quote(metro)}; a VLAN spans one metro: put the device in ${quote(metro)} or give it its own network`,
    );
  return problems;
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
