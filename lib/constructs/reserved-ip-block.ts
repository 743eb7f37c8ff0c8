/**
 * ReservedIpBlock — addresses a project reserves from the pools (`metal_reserved_ip_block`): public or private
 * IPv4 in a metro, a public IPv6 /56, or one global anycast IPv4 address served in every metro. Description, tags
 * and custom data change in place; type, quantity and metro replace the block (new addresses).
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataMetalReservedIpBlock } from '../gen/providers/metal/data-metal-reserved-ip-block';
import { ReservedIpBlock as ReservedIpBlockResource } from '../gen/providers/metal/reserved-ip-block';
import { Catalog } from './catalog';
import type { MetroCode } from './catalog-codes';
import { Metro, metroProblem } from './metro';
import type { IMetalProject } from './project';
import { known, Problems, quote, subject, tagProblems } from './validation';
import { boundsProblem, problemAt } from '../contract/bounds';
import { suggestion } from '../contract/catalog-rules';
import { IP_RESERVATION_TYPES, IpReservationRequestInput, RESERVABLE_QUANTITIES } from '../contract/schemas';

export type IpBlockType = (typeof IP_RESERVATION_TYPES)[number];

/** A reserved block, created here or imported. */
export interface IReservedIpBlock {
  readonly blockId: string;
  /** The block as `<network>/<prefix length>`. */
  readonly cidrNotation: string;
  /** The block's first address. */
  readonly address: string;
  readonly gateway: string;
}

/** What to reserve; shared by ReservedIpBlock and the constructs that reserve their own block. */
export interface IpBlockOptions {
  /**
   * A description of the block.
   * @default - none
   */
  readonly description?: string;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: readonly string[];
}

export interface ReservedIpBlockProps extends IpBlockOptions {
  /** The project that reserves the block. */
  readonly project: IMetalProject;
  /**
   * public_ipv4, private_ipv4, public_ipv6 (one /56) or global_ipv4 (one anycast address, no metro).
   * @default - "public_ipv4"
   */
  readonly type?: IpBlockType;
  /**
   * How many addresses: a power of two from 1 to 256 (1 for global_ipv4 and public_ipv6).
   * @default - 1
   */
  readonly quantity?: number;
  /**
   * The metro the block serves; leave it out for global_ipv4.
   * @default - none: required for every type but global_ipv4
   */
  readonly metro?: MetroCode | string | Metro;
  /**
   * Data kept with the block: an object (serialized as JSON) or JSON text.
   * @default - none
   */
  readonly customData?: string | Record<string, unknown>;
  /**
   * The provider configuration to use.
   * @default - the stack's default metal provider
   */
  readonly provider?: TerraformProvider;
}

/** The problems of a block's type, quantity and metro (each naming the field and the fix). */
export function ipBlockProblems(catalog: Catalog | undefined, type: string, quantity: number, metro: string | undefined): string[] {
  const problems: string[] = [];
  if (known(type) && !(IP_RESERVATION_TYPES as readonly string[]).includes(type)) {
    problems.push(`type ${quote(type)} is not an IP block type; ${suggestion(type, IP_RESERVATION_TYPES)}`);
    return problems;
  }
  if (known(quantity)) {
    const bound = boundsProblem(IpReservationRequestInput.properties.quantity, quantity);
    if (bound) problems.push(problemAt('quantity', `${quantity} ${bound}`));
    else if ((quantity & (quantity - 1)) !== 0) problems.push(`quantity is ${quantity}; it must be a power of two (1, 2, 4, ... 256)`);
    else if (known(type) && !RESERVABLE_QUANTITIES[type as IpBlockType].includes(quantity))
      problems.push(
        `quantity is ${quantity}; a ${type} block is reserved one ${type === 'public_ipv6' ? '/56' : 'address'} at a time: use 1`,
      );
  }
  if (type === 'global_ipv4' && metro !== undefined) {
    problems.push(`metro ${quote(metro)} is set, but a global_ipv4 address serves every metro; leave metro out`);
  } else if (type !== 'global_ipv4' && metro === undefined) {
    problems.push(`metro is not set; a ${type} block belongs to one metro: give its code, or use type "global_ipv4"`);
  } else if (catalog && metro !== undefined && known(metro)) {
    const problem = metroProblem(catalog, metro);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** A block of addresses reserved in a project. */
export class ReservedIpBlock extends Construct implements IReservedIpBlock {
  /** An existing block by id, read through the metal_reserved_ip_block data source; nothing is reserved. */
  public static fromBlockId(scope: Construct, id: string, blockId: string): IReservedIpBlock {
    const problems = new Problems();
    if (known(blockId) && blockId.trim() === '') problems.add('blockId is empty; pass the UUID of a reserved IP block');
    problems.throwIfAny(subject('ReservedIpBlock.fromBlockId', scope, id));
    return new ImportedBlock(scope, id, blockId);
  }

  public readonly type: IpBlockType;
  /** The metro code; undefined for a global block. */
  public readonly metro: string | undefined;
  /** The L1 resource, for options this construct does not cover. */
  public readonly resource: ReservedIpBlockResource;

  constructor(scope: Construct, id: string, props: ReservedIpBlockProps) {
    super(scope, id);
    const type = props.type ?? 'public_ipv4';
    const quantity = props.quantity ?? 1;
    const metro = props.metro instanceof Metro ? props.metro.code : props.metro;
    const problems = new Problems();
    ipBlockProblems(Catalog.of(this), type, quantity, metro).forEach((p) => problems.add(p));
    tagProblems(props.tags).forEach((p) => problems.add(p));
    const customData = props.customData;
    if (typeof customData === 'string' && known(customData) && !isJsonObject(customData)) {
      problems.add(
        `customData ${quote(customData.slice(0, 40))} is not a JSON object; pass an object or JSON text such as '{"owner":"web"}'`,
      );
    }
    problems.throwIfAny(subject('ReservedIpBlock', scope, id));

    this.resource = new ReservedIpBlockResource(this, 'block', {
      projectId: props.project.projectId,
      type,
      quantity,
      metro,
      description: props.description,
      tags: props.tags ? [...props.tags] : undefined,
      customData: customData === undefined || typeof customData === 'string' ? customData : JSON.stringify(customData),
      provider: props.provider,
    });
    this.type = type;
    this.metro = metro;
  }

  public get blockId(): string {
    return this.resource.id;
  }

  public get cidrNotation(): string {
    return this.resource.cidrNotation;
  }

  public get address(): string {
    return this.resource.address;
  }

  public get gateway(): string {
    return this.resource.gateway;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

class ImportedBlock extends Construct implements IReservedIpBlock {
  public readonly blockId: string;
  public readonly cidrNotation: string;
  public readonly address: string;
  public readonly gateway: string;

  constructor(scope: Construct, id: string, blockId: string) {
    super(scope, id);
    const data = new DataMetalReservedIpBlock(this, 'block', { id: blockId });
    this.blockId = blockId;
    this.cidrNotation = data.cidrNotation;
    this.address = data.address;
    this.gateway = data.gateway;
  }
}
