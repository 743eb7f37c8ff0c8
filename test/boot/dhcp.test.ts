/**
 * DHCP answer rules (what firmware PXE, iPXE and an installer's udhcpc are told) and the server over loopback,
 * relayed the way a provisioning segment's relay forwards, with leases kept in the store.
 */
import { createSocket, type Socket } from 'node:dgram';
import {
  DhcpServer,
  answerRequest,
  encodeDhcpReply,
  networkFor,
  networkProblem,
  parseDhcpOptions,
  parseDhcpRequest,
  replyDestination,
  type DhcpRequest,
  type ProvisioningNetwork,
} from '../../lib/boot/dhcp';
import { ManualClock } from '../../lib/core/clock';
import { DhcpLeases } from '../../lib/store/dhcp-leases';
import { openDatabase, type Database } from '../../lib/store/database';
import { migrated } from '../../lib/store/migrations';

const SERVICES = { serverAddress: '192.168.77.1', ipxeScriptUrl: 'http://192.168.77.1:8081/boot/auto.ipxe' };
const NETWORK: ProvisioningNetwork = {
  name: 'prov-a',
  subnet: '192.168.77.0/24',
  rangeStart: '192.168.77.100',
  rangeEnd: '192.168.77.199',
  router: '192.168.77.1',
  dnsServers: ['192.168.77.1'],
};

interface ClientPacket {
  type: number;
  mac?: string;
  xid?: number;
  giaddr?: string;
  ciaddr?: string;
  vendorClass?: string;
  userClass?: string;
  arch?: number;
  requested?: string;
  serverId?: string;
}

const ip = (address: string) => Buffer.from(address.split('.').map(Number));
const option = (code: number, value: Buffer) => Buffer.concat([Buffer.from([code, value.length]), value]);

/** A client's BOOTREQUEST as firmware, iPXE or udhcpc sends it. */
function clientPacket(p: ClientPacket): Buffer {
  const header = Buffer.alloc(236);
  header[0] = 1;
  header[1] = 1;
  header[2] = 6;
  header.writeUInt32BE(p.xid ?? 0x1234abcd, 4);
  header.writeUInt16BE(0x8000, 10);
  ip(p.ciaddr ?? '0.0.0.0').copy(header, 12);
  ip(p.giaddr ?? '0.0.0.0').copy(header, 24);
  Buffer.from((p.mac ?? '52:54:00:12:34:56').split(':').map((h) => parseInt(h, 16))).copy(header, 28);
  const arch = Buffer.alloc(2);
  arch.writeUInt16BE(p.arch ?? 0);
  return Buffer.concat([
    header,
    Buffer.from([0x63, 0x82, 0x53, 0x63]),
    option(53, Buffer.from([p.type])),
    ...(p.vendorClass ? [option(60, Buffer.from(p.vendorClass))] : []),
    ...(p.userClass ? [option(77, Buffer.from(p.userClass))] : []),
    ...(p.arch !== undefined ? [option(93, arch)] : []),
    ...(p.requested ? [option(50, ip(p.requested))] : []),
    ...(p.serverId ? [option(54, ip(p.serverId))] : []),
    Buffer.from([255]),
  ]);
}

const request = (p: ClientPacket): DhcpRequest => {
  const parsed = parseDhcpRequest(clientPacket(p));
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.request;
};

interface Decoded {
  type: number;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  file: string;
  options: Map<number, Buffer>;
}

function decode(reply: Buffer): Decoded {
  const options = parseDhcpOptions(reply.subarray(240));
  return {
    type: options.get(53)![0],
    yiaddr: [...reply.subarray(16, 20)].join('.'),
    siaddr: [...reply.subarray(20, 24)].join('.'),
    giaddr: [...reply.subarray(24, 28)].join('.'),
    file: reply.subarray(108, 236).toString('latin1').replace(/\0+$/, ''),
    options,
  };
}

const LEASE = { address: '192.168.77.100', seconds: 600 };
const answer = (p: ClientPacket) => {
  const reply = answerRequest(request(p), NETWORK, LEASE, SERVICES);
  return reply && { reply, decoded: decode(encodeDhcpReply(reply)) };
};

describe('DHCP answers', () => {
  it('sends BIOS firmware PXE to TFTP undionly.kpxe on the next-server', () => {
    const { decoded } = answer({ type: 1, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', arch: 0 })!;
    expect(decoded.type).toBe(2);
    expect(decoded.yiaddr).toBe('192.168.77.100');
    expect(decoded.siaddr).toBe('192.168.77.1');
    expect(decoded.file).toBe('undionly.kpxe');
    expect(decoded.options.get(67)?.toString()).toBe('undionly.kpxe');
    expect(decoded.options.has(60)).toBe(false);
    expect(decoded.options.has(175)).toBe(false);
  });

  it.each([7, 9])('sends UEFI x64 firmware (arch %i) to TFTP ipxe.efi', (arch) => {
    const { decoded } = answer({ type: 1, vendorClass: `PXEClient:Arch:0000${arch}:UNDI:003000`, arch })!;
    expect(decoded.file).toBe('ipxe.efi');
    expect(decoded.siaddr).toBe('192.168.77.1');
  });

  it('gives firmware it has no iPXE build for (EFI IA32, arch 6) an address and no bootfile', () => {
    const { decoded } = answer({ type: 1, vendorClass: 'PXEClient:Arch:00006:UNDI:003000', arch: 6 })!;
    expect(decoded.yiaddr).toBe('192.168.77.100');
    expect(decoded.file).toBe('');
    expect(decoded.siaddr).toBe('0.0.0.0');
  });

  it('sends iPXE to the HTTP script with 175.176=1, so it does not wait for a ProxyDHCP', () => {
    const { decoded } = answer({ type: 1, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE', arch: 0 })!;
    expect(decoded.file).toBe(SERVICES.ipxeScriptUrl);
    expect(decoded.options.get(67)?.toString()).toBe(SERVICES.ipxeScriptUrl);
    expect([...decoded.options.get(175)!]).toEqual([176, 1, 1]);
    expect(decoded.siaddr).toBe('0.0.0.0');
  });

  it('gives a plain DHCP client (an installer’s udhcpc) an address, mask, router and lease, and no bootfile', () => {
    const { decoded } = answer({ type: 1, vendorClass: 'udhcp 1.35.0' })!;
    expect(decoded.yiaddr).toBe('192.168.77.100');
    expect(decoded.file).toBe('');
    expect(decoded.options.has(67)).toBe(false);
    expect([...decoded.options.get(1)!].join('.')).toBe('255.255.255.0');
    expect([...decoded.options.get(3)!].join('.')).toBe('192.168.77.1');
    expect(decoded.options.get(51)!.readUInt32BE(0)).toBe(600);
    expect([...decoded.options.get(54)!].join('.')).toBe('192.168.77.1');
  });

  it('acknowledges a request for its own offer, refuses a wrong address, ignores a request for another server', () => {
    expect(answer({ type: 3, requested: '192.168.77.100', serverId: '192.168.77.1' })!.decoded.type).toBe(5);
    expect(answer({ type: 3, requested: '192.168.77.150' })!.decoded.type).toBe(6);
    expect(answer({ type: 3, requested: '192.168.77.100', serverId: '192.168.77.9' })).toBeNull();
    expect(answerRequest(request({ type: 1 }), NETWORK, null, SERVICES)).toBeNull();
  });

  it('answers a relayed request to the relay and a local one by broadcast', () => {
    const other: ProvisioningNetwork = {
      ...NETWORK,
      name: 'prov-b',
      subnet: '10.9.0.0/24',
      rangeStart: '10.9.0.10',
      rangeEnd: '10.9.0.20',
    };
    const relayed = request({ type: 1, giaddr: '10.9.0.1' });
    expect(networkFor(relayed, [NETWORK, other])?.name).toBe('prov-b');
    expect(networkFor(request({ type: 1, giaddr: '172.16.0.1' }), [NETWORK, other])).toBeUndefined();
    expect(replyDestination(answerRequest(relayed, other, LEASE, SERVICES)!)).toEqual({ address: '10.9.0.1', port: 67 });
    expect(replyDestination(answer({ type: 1 })!.reply)).toEqual({ address: '255.255.255.255', port: 68 });
    expect(decode(encodeDhcpReply(answerRequest(relayed, other, LEASE, SERVICES)!)).giaddr).toBe('10.9.0.1');
  });

  it('names the field and the fix for a bad provisioning network', () => {
    expect(networkProblem({ ...NETWORK, subnet: '192.168.77.1/24' })).toMatch(/subnet .*host bits set; the block is 192.168.77.0\/24/);
    expect(networkProblem({ ...NETWORK, rangeEnd: '10.0.0.1' })).toMatch(/rangeEnd 10.0.0.1 is not an address inside 192.168.77.0\/24/);
    expect(networkProblem({ ...NETWORK, rangeStart: '192.168.77.200' })).toMatch(/rangeStart comes after rangeEnd/);
    expect(networkProblem(NETWORK)).toBeUndefined();
    expect(parseDhcpRequest(Buffer.alloc(20))).toEqual({ problem: '20 bytes is shorter than a DHCP message' });
  });
});

describe('the DHCP server behind a relay, over loopback, leases in the store', () => {
  const RELAY = '127.0.0.3';
  const network: ProvisioningNetwork = { name: 'loop', subnet: '127.0.0.0/24', rangeStart: '127.0.0.100', rangeEnd: '127.0.0.101' };
  const clock = new ManualClock(new Date('2026-12-06T12:00:00Z'));
  let db: Database;
  let server: DhcpServer;
  let relay: Socket;
  let port: number;
  const replies: Buffer[] = [];

  beforeAll(async () => {
    db = await migrated(await openDatabase({}));
    server = new DhcpServer({
      ...SERVICES,
      serverAddress: '127.0.0.2',
      networks: [network],
      leases: new DhcpLeases(db, clock),
      bindAddress: '127.0.0.2',
      port: 0,
    });
    port = (await server.listen()).port;
    // The relay agent listens on the server port of its own address, as a relay does.
    relay = createSocket('udp4');
    relay.on('message', (packet) => replies.push(packet));
    await new Promise<void>((resolve) => relay.bind(67, RELAY, resolve));
  }, 60_000);

  afterAll(async () => {
    await server.close();
    relay.close();
    await db.close();
  });

  /** Sends one relayed packet and waits (bounded) for the server's answer; null when it stays silent. */
  const exchange = async (p: ClientPacket): Promise<Decoded | null> => {
    const xid = Math.floor(Math.random() * 0xffffffff);
    relay.send(clientPacket({ ...p, xid, giaddr: RELAY }), port, '127.0.0.2');
    for (let waited = 0; waited < 2000; waited += 20) {
      const found = replies.find((r) => r.readUInt32BE(4) === xid);
      if (found) return decode(found);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  };

  it('keeps one address per MAC, runs out when the range is taken, and reuses a released lease', async () => {
    const a = await exchange({ type: 1, mac: '52:54:00:00:00:0a', userClass: 'iPXE' });
    expect(a?.type).toBe(2);
    expect(a?.file).toBe(SERVICES.ipxeScriptUrl);
    const again = await exchange({ type: 3, mac: '52:54:00:00:00:0a', requested: a!.yiaddr, serverId: '127.0.0.2' });
    expect(again?.type).toBe(5);
    expect(again?.yiaddr).toBe(a!.yiaddr);
    const b = await exchange({ type: 1, mac: '52:54:00:00:00:0b' });
    expect(b?.yiaddr).not.toBe(a!.yiaddr);
    expect(await exchange({ type: 1, mac: '52:54:00:00:00:0c' })).toBeNull();
    relay.send(clientPacket({ type: 7, mac: '52:54:00:00:00:0a', giaddr: RELAY, ciaddr: a!.yiaddr }), port, '127.0.0.2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await exchange({ type: 1, mac: '52:54:00:00:00:0c' }))?.yiaddr).toBe(a!.yiaddr);
    expect((await new DhcpLeases(db, clock).list('loop')).map((l) => l.mac)).toEqual(['52:54:00:00:00:0c', '52:54:00:00:00:0b']);
  });

  it('stays silent for a request from a segment it does not serve', async () => {
    const silent = await new Promise<Buffer | null>((resolve) => {
      const xid = 0x5eed;
      relay.send(clientPacket({ type: 1, xid, giaddr: '10.1.1.1' }), port, '127.0.0.2');
      setTimeout(() => resolve(replies.find((r) => r.readUInt32BE(4) === xid) ?? null), 300);
    });
    expect(silent).toBeNull();
  });
});
