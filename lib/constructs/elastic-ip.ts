/**
 * ElasticIp — one address that outlives the device holding it: a one-address block reserved in the project
 * (`metal_reserved_ip_block`) and attached to a device (`metal_ip_attachment`). Moving it is giving another device:
 * only the attachment is replaced, the reservation and so the address stay.
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { IpAttachment } from '../gen/providers/metal/ip-attachment';
import { Catalog } from './catalog';
import type { MetroCode } from './catalog-codes';
import { BareMetalDevice, type IBareMetalDevice } from './device';
import { Metro } from './metro';
import type { IMetalProject } from './project';
import { ipBlockProblems, IpBlockOptions, ReservedIpBlock } from './reserved-ip-block';
import { Problems, quote, subject, tagProblems } from './validation';

/** An address attached to a device. */
export interface IElasticIp {
  /** The address, e.g. 198.51.100.7. */
  readonly address: string;
  /** The address as a one-address subnet, e.g. 198.51.100.7/32. */
  readonly cidrNotation: string;
  /** The id of the attachment (the API's IP assignment). */
  readonly attachmentId: string;
}

export interface ElasticIpProps extends IpBlockOptions {
  /** The project that reserves the address; the device must belong to it. */
  readonly project: IMetalProject;
  /** The device that holds the address; give another device to move it there. */
  readonly device: IBareMetalDevice;
  /**
   * Reserve a global_ipv4 address, which any metro serves, instead of one of the device's metro (a global address
   * can move between metros).
   * @default - false
   */
  readonly global?: boolean;
  /**
   * The metro of the address; it must be the device's.
   * @default - the device's metro; required when the device is imported and the address is not global
   */
  readonly metro?: MetroCode | string | Metro;
  /**
   * The provider configuration to use.
   * @default - the stack's default metal provider
   */
  readonly provider?: TerraformProvider;
}

/** An elastic IP: a reserved address attached to a device, moved by changing the device. */
export class ElasticIp extends Construct implements IElasticIp {
  /** The reservation the address comes from. */
  public readonly block: ReservedIpBlock;
  /** The L1 attachment, for options this construct does not cover. */
  public readonly attachment: IpAttachment;

  constructor(scope: Construct, id: string, props: ElasticIpProps) {
    super(scope, id);
    const problems = new Problems();
    const deviceMetro = props.device instanceof BareMetalDevice ? props.device.metro : undefined;
    const metro = props.metro instanceof Metro ? props.metro.code : props.metro;
    const type = props.global ? 'global_ipv4' : 'public_ipv4';
    const blockMetro = props.global ? undefined : (metro ?? deviceMetro);
    if (props.global && metro !== undefined) {
      problems.add(`metro ${quote(metro)} is set, but a global address serves every metro; leave metro out or global unset`);
    } else if (!props.global && metro !== undefined && deviceMetro !== undefined && metro !== deviceMetro) {
      problems.add(
        `metro is ${quote(metro)} but the device is in ${quote(deviceMetro)}; an address serves its own metro only: leave metro out, or set global: true`,
      );
    } else if (!props.global && metro === undefined && deviceMetro === undefined) {
      problems.add('metro is not set and the device is imported, so its metro is unknown here; give the metro, or set global: true');
    } else {
      ipBlockProblems(Catalog.of(this), type, 1, blockMetro).forEach((p) => problems.add(p));
    }
    tagProblems(props.tags).forEach((p) => problems.add(p));
    problems.throwIfAny(subject('ElasticIp', scope, id));

    this.block = new ReservedIpBlock(this, 'block', {
      project: props.project,
      type,
      quantity: 1,
      metro: blockMetro,
      description: props.description,
      tags: props.tags,
      provider: props.provider,
    });
    this.attachment = new IpAttachment(this, 'attachment', {
      deviceId: props.device.deviceId,
      cidrNotation: this.block.cidrNotation,
      provider: props.provider,
    });
  }

  public get address(): string {
    return this.block.address;
  }

  public get cidrNotation(): string {
    return this.block.cidrNotation;
  }

  public get attachmentId(): string {
    return this.attachment.id;
  }
}
