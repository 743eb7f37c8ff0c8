/**
 * A device as its machine sees it: Metal-style JSON (/metadata) and the EC2-style tree (/2009-04-04/meta-data/...)
 * that cloud-init and other agents read.
 */
import type { BootDevice, BootIpAddress } from './backend';
import type { Metadata } from './schemas';

export interface MetadataUrls {
  phoneHome: string;
  /** Absent when the backend takes no progress reports. */
  events?: string;
}

export function metalMetadata(device: BootDevice, urls: MetadataUrls): Metadata {
  return {
    id: device.id,
    hostname: device.hostname,
    ...(device.iqn !== undefined && { iqn: device.iqn }),
    operating_system: { ...device.operatingSystem },
    plan: device.plan,
    class: device.plan,
    facility: device.facility,
    metro: device.metro,
    tags: [...device.tags],
    ssh_keys: [...device.sshKeys],
    network: metadataNetwork(device),
    customdata: device.customData ?? {},
    phone_home_url: urls.phoneHome,
    ...(urls.events !== undefined && { user_state_url: urls.events }),
    ...(device.spot !== undefined && {
      spot: device.spot.terminationTime !== undefined ? { termination_time: device.spot.terminationTime } : {},
    }),
  };
}

/**
 * The network as Metal's metadata showed it, so an OS image configures itself as it did there: bond0's mode and
 * members (`bonding`, each bonded interface naming its `bond`), the addresses with their gateways; and, for
 * layer 2, the network type and the VLANs each interface carries (`vlans`, the native one untagged).
 */
function metadataNetwork(device: BootDevice): Metadata['network'] {
  const network = device.network ?? { type: 'layer3', bonded: device.interfaces.map((i) => i.name), vlans: [] };
  const bonded = new Set(network.bonded);
  const firstBonded = device.interfaces.find((i) => bonded.has(i.name));
  return {
    ...(firstBonded && { bonding: { mode: LACP_BONDING_MODE, link_aggregation: 'mlag_ha', mac: firstBonded.mac } }),
    interfaces: device.interfaces.map(({ name, mac }) => ({ name, mac, ...(bonded.has(name) && { bond: 'bond0' }) })),
    addresses: device.ipAddresses.map(metadataAddress),
    network_type: network.type,
    vlans: network.vlans.map((v) => ({ ...v, ...(v.gateway && { gateway: { ...v.gateway } }) })),
  };
}

/** Linux bonding mode 4 (802.3ad): the switches speak LACP to every bonded server, as Metal's did. */
const LACP_BONDING_MODE = 4;

function metadataAddress(ip: BootIpAddress): Metadata['network']['addresses'][number] {
  return {
    address_family: ip.addressFamily,
    address: ip.address,
    cidr: ip.cidr,
    ...(ip.addressFamily === 4 && { netmask: ipv4Netmask(ip.cidr) }),
    ...(ip.gateway !== undefined && { gateway: ip.gateway }),
    public: ip.public,
    management: ip.management,
    enabled: true,
  };
}

function ipv4Netmask(cidr: number): string {
  const mask = cidr === 0 ? 0 : (0xffffffff << (32 - cidr)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

/** A node of the EC2 tree: a leaf's text, or a directory with an optional listing that replaces its names. */
export type Ec2Node = string | Ec2Directory;
export interface Ec2Directory {
  children: Record<string, Ec2Node>;
  /** EC2 lists public-keys/ as `0=name`, not as the child names. */
  listing?: string;
}

/** The EC2-style meta-data tree; a leaf whose value the device lacks is left out, as EC2 does. */
export function ec2MetaData(device: BootDevice): Ec2Directory {
  const firstAddress = (family: 4 | 6, isPublic: boolean) =>
    device.ipAddresses.find((ip) => ip.addressFamily === family && ip.public === isPublic)?.address;
  const leaves: Record<string, string | undefined> = {
    'instance-id': device.id,
    hostname: device.hostname,
    'local-hostname': device.hostname,
    iqn: device.iqn,
    plan: device.plan,
    facility: device.facility,
    metro: device.metro,
    tags: device.tags.length > 0 ? device.tags.join('\n') : undefined,
    'local-ipv4': firstAddress(4, false),
    'public-ipv4': firstAddress(4, true),
    'public-ipv6': firstAddress(6, true),
  };
  const children: Record<string, Ec2Node> = {};
  for (const [name, value] of Object.entries(leaves)) if (value !== undefined) children[name] = value;
  children['operating-system'] = { children: { ...device.operatingSystem } };
  if (device.sshKeys.length > 0) {
    children['public-keys'] = {
      children: Object.fromEntries(device.sshKeys.map((key, i) => [String(i), { children: { 'openssh-key': key } }])),
      listing: device.sshKeys.map((key, i) => `${i}=${sshKeyName(key, i)}`).join('\n'),
    };
  }
  const terminationTime = device.spot?.terminationTime;
  if (terminationTime !== undefined) {
    children.spot = {
      children: {
        'termination-time': terminationTime,
        // AWS's interruption notice, so EC2 spot tooling reacts unchanged.
        'instance-action': JSON.stringify({ action: 'terminate', time: terminationTime }),
      },
    };
  }
  return { children };
}

/** The key's comment (third field) names it, as EC2 names keys; otherwise its position. */
function sshKeyName(key: string, index: number): string {
  const comment = key.trim().split(/\s+/)[2];
  return comment ?? `key-${index}`;
}

/** Follows a path ('' is the root) to a leaf's text or a directory's listing; null when nothing is there. */
export function ec2Lookup(root: Ec2Directory, path: string): string | null {
  let node: Ec2Node = root;
  for (const segment of path.split('/').filter((s) => s.length > 0)) {
    if (typeof node === 'string' || !Object.hasOwn(node.children, segment)) return null;
    node = node.children[segment];
  }
  if (typeof node === 'string') return node;
  return (
    node.listing ??
    Object.entries(node.children)
      .map(([name, child]) => (typeof child === 'string' ? name : `${name}/`))
      .join('\n')
  );
}
