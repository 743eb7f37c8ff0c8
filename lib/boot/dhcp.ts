/**
 * The provisioning network's DHCP server (RFC 2131/2132, PXE options of RFC 4578): firmware PXE gets a TFTP
 * bootfile (undionly.kpxe for BIOS, ipxe.efi for UEFI), iPXE gets the boot service's HTTP script URL (and
 * option 175.176 so it does not wait for a ProxyDHCP), anything else (an installer's udhcpc) gets an address.
 * The answer rules are pure functions over parsed packets; DhcpServer only moves bytes and keeps leases.
 * Requests through a relay (giaddr set) pick the provisioning network containing giaddr and are answered to the
 * relay; a server on the segment itself answers by broadcast.
 */
import { createSocket, type Socket } from 'node:dgram';
import { formatAddress, parseAddress, parseCidr, type Cidr, blockSize } from '../core/ip';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

/** Message types (option 53). */
export const DHCP_MESSAGE = {
  discover: 1,
  offer: 2,
  request: 3,
  decline: 4,
  ack: 5,
  nak: 6,
  release: 7,
  inform: 8,
} as const;
type MessageName = keyof typeof DHCP_MESSAGE;

const OPTION = {
  subnetMask: 1,
  router: 3,
  dnsServers: 6,
  requestedAddress: 50,
  leaseTime: 51,
  messageType: 53,
  serverId: 54,
  vendorClass: 60,
  bootfile: 67,
  userClass: 77,
  clientArch: 93,
  ipxeEncapsulated: 175,
  end: 255,
  pad: 0,
} as const;

/** iPXE's encapsulated option 175.176 (no-pxedhcp): do not wait for a ProxyDHCP offer. */
const IPXE_NO_PXEDHCP = 176;
const MAGIC_COOKIE = 0x63825363;
const FIXED_HEADER = 236;

/**
 * Client architectures (option 93, RFC 4578 and IANA) and the TFTP file that starts iPXE on each; others (EFI IA32,
 * ARM) get an address and no bootfile, since Debian's iPXE builds are x86-64 only.
 */
export const FIRMWARE_BOOTFILES: Readonly<Record<number, string>> = {
  0: 'undionly.kpxe', // x86 BIOS
  7: 'ipxe.efi', // EFI x64 (BC)
  9: 'ipxe.efi', // EFI x64
};

export interface DhcpRequest {
  xid: number;
  flags: number;
  ciaddr: string;
  giaddr: string;
  /** Lower case, colon separated. */
  mac: string;
  chaddr: Buffer;
  type: MessageName | undefined;
  requestedAddress?: string;
  serverId?: string;
  vendorClass?: string;
  userClass?: string;
  clientArch?: number;
}

export type ParseResult = { request: DhcpRequest } | { problem: string };

const ipAt = (buffer: Buffer, offset: number) => [...buffer.subarray(offset, offset + 4)].join('.');

/** A BOOTREQUEST, or why the bytes are not one a server answers. */
export function parseDhcpRequest(packet: Buffer): ParseResult {
  if (packet.length < FIXED_HEADER + 4) return { problem: `${packet.length} bytes is shorter than a DHCP message` };
  if (packet[0] !== 1) return { problem: 'not a BOOTREQUEST (op 1)' };
  if (packet[1] !== 1 || packet[2] !== 6) return { problem: 'not an Ethernet client (htype 1, hlen 6)' };
  if (packet.readUInt32BE(FIXED_HEADER) !== MAGIC_COOKIE) return { problem: 'no DHCP magic cookie' };
  const options = parseDhcpOptions(packet.subarray(FIXED_HEADER + 4));
  const chaddr = Buffer.from(packet.subarray(28, 34));
  const text = (code: number) => options.get(code)?.toString('latin1');
  const address = (code: number) => {
    const value = options.get(code);
    return value?.length === 4 ? ipAt(value, 0) : undefined;
  };
  const type = options.get(OPTION.messageType)?.[0];
  const arch = options.get(OPTION.clientArch);
  return {
    request: {
      xid: packet.readUInt32BE(4),
      flags: packet.readUInt16BE(10),
      ciaddr: ipAt(packet, 12),
      giaddr: ipAt(packet, 24),
      mac: [...chaddr].map((b) => b.toString(16).padStart(2, '0')).join(':'),
      chaddr,
      type: (Object.keys(DHCP_MESSAGE) as MessageName[]).find((name) => DHCP_MESSAGE[name] === type),
      requestedAddress: address(OPTION.requestedAddress),
      serverId: address(OPTION.serverId),
      vendorClass: text(OPTION.vendorClass),
      userClass: userClassText(options.get(OPTION.userClass)),
      clientArch: arch && arch.length >= 2 ? arch.readUInt16BE(0) : undefined,
    },
  };
}

/** Options as code → value; a later instance of a code is appended (RFC 3396 long options). */
export function parseDhcpOptions(bytes: Buffer): Map<number, Buffer> {
  const options = new Map<number, Buffer>();
  for (let at = 0; at < bytes.length;) {
    const code = bytes[at];
    if (code === OPTION.end) break;
    if (code === OPTION.pad) {
      at++;
      continue;
    }
    const length = bytes[at + 1] ?? 0;
    const value = bytes.subarray(at + 2, at + 2 + length);
    options.set(code, Buffer.concat([options.get(code) ?? Buffer.alloc(0), value]));
    at += 2 + length;
  }
  return options;
}

/** iPXE sends "iPXE" as a plain string; RFC 3004 clients prefix each class with its length. */
function userClassText(value: Buffer | undefined): string | undefined {
  if (!value?.length) return undefined;
  const plain = value.toString('latin1');
  if (/^[\x20-\x7e]+$/.test(plain)) return plain;
  return value.subarray(1, 1 + value[0]).toString('latin1');
}

/** A segment machines PXE-boot on, with the addresses the server may hand out there. */
export interface ProvisioningNetwork {
  name: string;
  /** The segment, e.g. 192.168.77.0/24. */
  subnet: string;
  /** First and last address handed out (inclusive). */
  rangeStart: string;
  rangeEnd: string;
  router?: string;
  dnsServers?: string[];
}

/** What the answer rules know besides the request: where the boot services are. */
export interface BootServices {
  /** This server's address as machines reach it: DHCP server identifier and TFTP next-server. */
  serverAddress: string;
  /** The iPXE script URL handed to iPXE (e.g. http://192.168.77.1:8081/boot/auto.ipxe). */
  ipxeScriptUrl: string;
}

export type BootAnswer =
  /** Firmware PXE: fetch this file by TFTP from the next-server. */
  | { kind: 'tftp'; file: string }
  /** iPXE: chain this HTTP script. */
  | { kind: 'ipxe'; url: string }
  /** Not a network boot (an OS's DHCP client): an address only. */
  | { kind: 'none' };

/** Which first stage a client gets, from its user class, vendor class and architecture. */
export function bootAnswer(request: DhcpRequest, services: BootServices): BootAnswer {
  if (request.userClass === 'iPXE') return { kind: 'ipxe', url: services.ipxeScriptUrl };
  if (!request.vendorClass?.startsWith('PXEClient')) return { kind: 'none' };
  const file = FIRMWARE_BOOTFILES[request.clientArch ?? 0];
  return file ? { kind: 'tftp', file } : { kind: 'none' };
}

export interface Lease {
  address: string;
  seconds: number;
}

export interface DhcpReply {
  type: 'offer' | 'ack' | 'nak';
  request: DhcpRequest;
  yiaddr: string;
  network: ProvisioningNetwork;
  leaseSeconds: number;
  boot: BootAnswer;
  serverAddress: string;
}

/**
 * The reply to a request given the lease the store holds (or just made) for the client, or null when this
 * server stays silent (a REQUEST for another server's offer, messages a server does not answer).
 */
export function answerRequest(
  request: DhcpRequest,
  network: ProvisioningNetwork,
  lease: Lease | null,
  services: BootServices,
): DhcpReply | null {
  const base = { request, network, boot: bootAnswer(request, services), serverAddress: services.serverAddress };
  switch (request.type) {
    case 'discover':
      return lease && { ...base, type: 'offer', yiaddr: lease.address, leaseSeconds: lease.seconds };
    case 'request': {
      // Selecting another server's offer: its business, not ours.
      if (request.serverId !== undefined && request.serverId !== services.serverAddress) return null;
      const wanted = request.requestedAddress ?? (request.ciaddr !== '0.0.0.0' ? request.ciaddr : undefined);
      if (!lease || (wanted !== undefined && wanted !== lease.address)) {
        return { ...base, type: 'nak', yiaddr: '0.0.0.0', leaseSeconds: 0 };
      }
      return { ...base, type: 'ack', yiaddr: lease.address, leaseSeconds: lease.seconds };
    }
    default:
      return null;
  }
}

/** The provisioning network a request belongs to: the one holding the relay's giaddr, else the attached one. */
export function networkFor(
  request: DhcpRequest,
  networks: readonly ProvisioningNetwork[],
  attached?: string,
): ProvisioningNetwork | undefined {
  const inside = (address: string) => networks.find((n) => containsAddress(n.subnet, address));
  if (request.giaddr !== '0.0.0.0') return inside(request.giaddr);
  return attached === undefined ? (networks.length === 1 ? networks[0] : undefined) : inside(attached);
}

function containsAddress(subnet: string, address: string): boolean {
  const block = parseCidr(subnet) as Cidr;
  const value = parseAddress(address)?.value;
  return value !== undefined && value >= block.network && value < block.network + blockSize(4, block.prefix);
}

/** Candidate addresses of a network, in order (the range is small: a provisioning segment). */
export function rangeAddresses(network: ProvisioningNetwork): string[] {
  const start = parseAddress(network.rangeStart)!.value;
  const end = parseAddress(network.rangeEnd)!.value;
  const addresses: string[] = [];
  for (let value = start; value <= end; value++) addresses.push(formatAddress(4, value));
  return addresses;
}

/** Checks a network's fields; returns the problem naming the field and the fix, or undefined. */
export function networkProblem(network: ProvisioningNetwork): string | undefined {
  const subnet = parseCidr(network.subnet);
  if ('problem' in subnet) return `provisioning network ${network.name}: subnet ${subnet.problem}`;
  if (subnet.family !== 4) return `provisioning network ${network.name}: subnet must be IPv4 (DHCPv4 hands out IPv4 addresses)`;
  for (const field of ['rangeStart', 'rangeEnd'] as const) {
    if (!containsAddress(network.subnet, network[field]))
      return `provisioning network ${network.name}: ${field} ${network[field]} is not an address inside ${network.subnet}`;
  }
  if (parseAddress(network.rangeStart)!.value > parseAddress(network.rangeEnd)!.value)
    return `provisioning network ${network.name}: rangeStart comes after rangeEnd; swap them`;
  if (rangeAddresses(network).length > 65536)
    return `provisioning network ${network.name}: the range holds more than 65536 addresses; narrow it`;
  return undefined;
}

/** The reply's bytes (a BOOTREPLY echoing the request's xid, flags, giaddr and chaddr). */
export function encodeDhcpReply(reply: DhcpReply): Buffer {
  const header = Buffer.alloc(FIXED_HEADER);
  header[0] = 2;
  header[1] = 1;
  header[2] = 6;
  header.writeUInt32BE(reply.request.xid, 4);
  header.writeUInt16BE(reply.request.flags, 10);
  writeIp(header, 16, reply.yiaddr);
  writeIp(header, 20, reply.boot.kind === 'tftp' ? reply.serverAddress : '0.0.0.0');
  writeIp(header, 24, reply.request.giaddr);
  reply.request.chaddr.copy(header, 28);
  const bootfile = reply.boot.kind === 'tftp' ? reply.boot.file : reply.boot.kind === 'ipxe' ? reply.boot.url : undefined;
  if (bootfile !== undefined && bootfile.length < 128) header.write(bootfile, 108, 'latin1');
  const cookie = Buffer.alloc(4);
  cookie.writeUInt32BE(MAGIC_COOKIE);
  return Buffer.concat([header, cookie, encodeOptions(replyOptions(reply, bootfile)), Buffer.from([OPTION.end])]);
}

function replyOptions(reply: DhcpReply, bootfile: string | undefined): [number, Buffer][] {
  const options: [number, Buffer][] = [
    [OPTION.messageType, Buffer.from([DHCP_MESSAGE[reply.type]])],
    [OPTION.serverId, ipBytes(reply.serverAddress)],
  ];
  if (reply.type === 'nak') return options;
  const subnet = parseCidr(reply.network.subnet) as Cidr;
  const lease = Buffer.alloc(4);
  lease.writeUInt32BE(reply.leaseSeconds);
  options.push([OPTION.leaseTime, lease], [OPTION.subnetMask, ipBytes(maskOf(subnet.prefix))]);
  if (reply.network.router) options.push([OPTION.router, ipBytes(reply.network.router)]);
  if (reply.network.dnsServers?.length) options.push([OPTION.dnsServers, Buffer.concat(reply.network.dnsServers.map(ipBytes))]);
  // No vendor class 60 "PXEClient" in replies: EDK2 would take the offer for a PXE boot server's and ask port 4011
  // for the file; without it, it boots the offer's bootfile from the next-server.
  if (bootfile !== undefined) options.push([OPTION.bootfile, Buffer.from(bootfile, 'latin1')]);
  if (reply.boot.kind === 'ipxe') options.push([OPTION.ipxeEncapsulated, Buffer.from([IPXE_NO_PXEDHCP, 1, 1])]);
  return options;
}

function encodeOptions(options: [number, Buffer][]): Buffer {
  return Buffer.concat(
    options.flatMap(([code, value]) => {
      // Values over 255 bytes are split into consecutive instances of the code (RFC 3396).
      const parts: Buffer[] = [];
      for (let at = 0; at < value.length || at === 0; at += 255) {
        const chunk = value.subarray(at, at + 255);
        parts.push(Buffer.from([code, chunk.length]), chunk);
        if (value.length === 0) break;
      }
      return parts;
    }),
  );
}

const maskOf = (prefix: number) => formatAddress(4, prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n));
const ipBytes = (address: string) => Buffer.from(address.split('.').map(Number));
const writeIp = (buffer: Buffer, offset: number, address: string) => ipBytes(address).copy(buffer, offset);

/** Where a reply goes: to the relay, to a client that already has its address, else broadcast on the segment. */
export function replyDestination(reply: DhcpReply): { address: string; port: number } {
  const { giaddr, ciaddr } = reply.request;
  if (giaddr !== '0.0.0.0') return { address: giaddr, port: DHCP_SERVER_PORT };
  if (ciaddr !== '0.0.0.0' && reply.type !== 'nak') return { address: ciaddr, port: DHCP_CLIENT_PORT };
  return { address: '255.255.255.255', port: DHCP_CLIENT_PORT };
}

/** Leases kept in the store: one address per MAC and network, the same one again while it is held. */
export interface DhcpLeaseStore {
  /** The client's lease (renewed for `seconds`), or a new one on the first free candidate; null when all are taken. */
  lease(network: string, mac: string, candidates: string[], seconds: number): Promise<string | null>;
  release(network: string, mac: string): Promise<void>;
}

export interface DhcpServerOptions extends BootServices {
  networks: ProvisioningNetwork[];
  leases: DhcpLeaseStore;
  /** Address to bind; 0.0.0.0 receives the segment's broadcasts (one interface per namespace), a unicast address only relayed requests. @default 0.0.0.0 */
  bindAddress?: string;
  /** @default 67 */
  port?: number;
  /** @default 3600 */
  leaseSeconds?: number;
  /** Told each message that was dropped and why (bad packets, no network, exhausted pools). */
  onProblem?: (problem: string) => void;
  /** Told each reply sent (for logs and boot timelines). */
  onReply?: (reply: { type: DhcpReply['type']; mac: string; address: string; network: string; boot: BootAnswer }) => void;
}

export class DhcpServer {
  private socket?: Socket;

  constructor(private readonly options: DhcpServerOptions) {
    for (const network of options.networks) {
      const problem = networkProblem(network);
      if (problem) throw new Error(problem);
    }
  }

  async listen(): Promise<{ address: string; port: number }> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (packet) => void this.handle(packet).catch((err: Error) => this.options.onProblem?.(err.message)));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port ?? DHCP_SERVER_PORT, this.options.bindAddress ?? '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setBroadcast(true);
    return socket.address();
  }

  private async handle(packet: Buffer): Promise<void> {
    const parsed = parseDhcpRequest(packet);
    if ('problem' in parsed) return this.options.onProblem?.(parsed.problem);
    const { request } = parsed;
    const bound = this.options.bindAddress;
    const network = networkFor(request, this.options.networks, bound && bound !== '0.0.0.0' ? bound : undefined);
    if (!network) return this.options.onProblem?.(`no provisioning network holds ${request.giaddr} (request from ${request.mac})`);
    const seconds = this.options.leaseSeconds ?? 3600;
    if (request.type === 'release' || request.type === 'decline') return this.options.leases.release(network.name, request.mac);
    if (request.type !== 'discover' && request.type !== 'request') return;
    const address = await this.options.leases.lease(network.name, request.mac, rangeAddresses(network), seconds);
    if (address === null) this.options.onProblem?.(`provisioning network ${network.name} has no free address for ${request.mac}`);
    const reply = answerRequest(request, network, address === null ? null : { address, seconds }, this.options);
    if (!reply) return;
    const destination = replyDestination(reply);
    await new Promise<void>((resolve) => this.socket?.send(encodeDhcpReply(reply), destination.port, destination.address, () => resolve()));
    this.options.onReply?.({ type: reply.type, mac: request.mac, address: reply.yiaddr, network: network.name, boot: reply.boot });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
