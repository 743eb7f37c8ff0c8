/**
 * AnycastService — one global anycast IPv4 address announced over BGP from many devices (typically an EdgeFleet
 * in several metros): the address is reserved once (`global_ipv4`), every device gets an IPv4 BGP session with its
 * metro router (`metal_bgp_session`), and the project's BGP is enabled when asked. Each device's neighbor data then
 * lists the address among the routes it may announce; the device configures it on a loopback and announces it.
 *
 * The address is also attached to every device (`metal_ip_attachment`; a global address may be on several devices,
 * once each), so each device's metadata lists it for the OS to configure.
 */
import { Construct } from 'constructs';
import { BgpSession } from '../gen/providers/metal/bgp-session';
import { IpAttachment } from '../gen/providers/metal/ip-attachment';
import type { IBareMetalDevice } from './device';
import { EdgeFleet } from './edge-fleet';
import { MetalProject, bgpProblems, type IMetalProject, type ProjectBgpOptions } from './project';
import { IpBlockOptions, IReservedIpBlock, ReservedIpBlock } from './reserved-ip-block';
import { Problems, quote, subject, tagProblems } from './validation';

export interface AnycastServiceProps extends IpBlockOptions {
  /** The project of the devices; it reserves the address. */
  readonly project: IMetalProject;
  /** The devices that announce the address: an EdgeFleet's or any list. */
  readonly fleet: EdgeFleet | readonly IBareMetalDevice[];
  /**
   * Enable BGP on the project with these options (the project must be a MetalProject of this stack).
   * @default - the project's BGP is enabled elsewhere (another construct or before this stack)
   */
  readonly bgp?: ProjectBgpOptions;
  /**
   * Ask each metro router for a default route over the sessions.
   * @default - false
   */
  readonly defaultRoute?: boolean;
  /**
   * A global_ipv4 reservation to announce, e.g. one the devices' user data already refers to.
   * @default - a global_ipv4 address is reserved here
   */
  readonly block?: IReservedIpBlock;
}

/** A global address announced from every device of a fleet, with one BGP session per device. */
export class AnycastService extends Construct {
  /** The global_ipv4 reservation. */
  public readonly block: IReservedIpBlock;
  /** The IPv4 BGP sessions, one per device, in the fleet's order. */
  public readonly sessions: readonly BgpSession[];
  /** The address's assignments, one per device, in the fleet's order. */
  public readonly attachments: readonly IpAttachment[];
  public readonly devices: readonly IBareMetalDevice[];

  constructor(scope: Construct, id: string, props: AnycastServiceProps) {
    super(scope, id);
    const devices = props.fleet instanceof EdgeFleet ? props.fleet.devices : props.fleet;
    const problems = new Problems();
    if (devices.length === 0) problems.add('fleet has no devices; give an EdgeFleet or a list of at least one device');
    const ids = devices.map((d) => d.node.id);
    const twice = ids.filter((name, i) => ids.indexOf(name) !== i);
    if (twice.length) {
      problems.add(`fleet lists ${twice.map(quote).join(', ')} twice (by construct id); a device has one IPv4 session: list each once`);
    }
    if (props.bgp) {
      bgpProblems(props.bgp).forEach((p) => problems.add(p));
      if (!(props.project instanceof MetalProject)) {
        problems.add(
          'bgp is set but the project is imported, so this stack cannot enable its BGP; enable it on the project (POST /projects/{id}/bgp-configs) and leave bgp out',
        );
      }
    }
    if (props.block instanceof ReservedIpBlock && props.block.type !== 'global_ipv4') {
      problems.add(`block is a ${props.block.type} block; an anycast address is served in every metro: give a global_ipv4 block`);
    }
    if (props.block && (props.description !== undefined || props.tags !== undefined)) {
      problems.add('description and tags describe the reservation made here; with block given, set them on that block');
    }
    tagProblems(props.tags).forEach((p) => problems.add(p));
    problems.throwIfAny(subject('AnycastService', scope, id));

    const project = props.project;
    if (props.bgp && project instanceof MetalProject) project.enableBgp(props.bgp);
    this.devices = devices;
    this.block =
      props.block ??
      new ReservedIpBlock(this, 'address', {
        project,
        type: 'global_ipv4',
        quantity: 1,
        description: props.description,
        tags: props.tags,
      });
    // A session needs the project's BGP: when this stack enables it, the sessions wait for the project's update.
    const bgpOwner = project instanceof MetalProject && project.bgpEnabled ? [project.resource] : undefined;
    this.sessions = devices.map(
      (device) =>
        new BgpSession(this, `session-${device.node.id}`, {
          deviceId: device.deviceId,
          addressFamily: 'ipv4',
          defaultRoute: props.defaultRoute,
          dependsOn: bgpOwner,
        }),
    );
    this.attachments = devices.map(
      (device) =>
        new IpAttachment(this, `attachment-${device.node.id}`, { deviceId: device.deviceId, cidrNotation: this.block.cidrNotation }),
    );
  }

  /** The anycast address. */
  public get address(): string {
    return this.block.address;
  }

  /** The session ids, in the fleet's order. */
  public get sessionIds(): string[] {
    return this.sessions.map((s) => s.id);
  }
}
