/**
 * The TFTP server over loopback, as PXE firmware uses it: octet reads with blksize and tsize, the UEFI habit of
 * asking tsize and aborting, a lost ACK answered by a retransmit, one port per transfer, refusals with a reason.
 */
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TFTP_ERROR, TftpServer, negotiate, parseTftpRequest } from '../../lib/boot/tftp';
import { removeTempDirs, tempDir } from '../support/cloud';

const rrq = (filename: string, options: Record<string, string> = {}, mode = 'octet') =>
  Buffer.concat([Buffer.from([0, 1]), Buffer.from([filename, mode, ...Object.entries(options).flat()].map((s) => `${s}\0`).join(''))]);
const ack = (block: number) => Buffer.from([0, 4, block >> 8, block & 255]);
const errorPacket = (code: number) => Buffer.from([0, 5, 0, code, 0]);

describe('TFTP packet rules', () => {
  it('parses a read request with options and refuses writes', () => {
    expect(parseTftpRequest(rrq('ipxe.efi', { BLKSIZE: '1468', tsize: '0' }))).toEqual({
      request: { filename: 'ipxe.efi', mode: 'octet', options: { blksize: '1468', tsize: '0' } },
    });
    expect(parseTftpRequest(Buffer.concat([Buffer.from([0, 2]), Buffer.from('x\0octet\0')]))).toEqual({
      error: { code: TFTP_ERROR.accessViolation, message: 'this TFTP server is read-only' },
    });
  });

  it('accepts blksize within bounds, reports tsize, ignores what it does not know', () => {
    expect(negotiate({ blksize: '1468', tsize: '0', windowsize: '4' }, 9000)).toEqual({
      blockSize: 1468,
      acknowledged: { blksize: '1468', tsize: '9000' },
    });
    expect(negotiate({ blksize: '100000' }, 1)).toEqual({ blockSize: 65464, acknowledged: { blksize: '65464' } });
    expect(negotiate({ blksize: 'x' }, 1)).toEqual({ blockSize: 512, acknowledged: {} });
  });
});

describe('the TFTP server over loopback', () => {
  let server: TftpServer;
  let port: number;
  let content: Buffer;
  let client: Socket;
  const inbox: { packet: Buffer; port: number }[] = [];
  const events: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('metalforge-tftp-');
    // 3 full 512-byte blocks and a 100-byte tail; 1024 bytes for the exact-multiple case.
    content = Buffer.from(Array.from({ length: 1636 }, (_, i) => (i * 7) & 255));
    writeFileSync(join(dir, 'boot.bin'), content);
    writeFileSync(join(dir, 'even.bin'), content.subarray(0, 1024));
    server = new TftpServer({
      files: { 'boot.bin': join(dir, 'boot.bin'), 'even.bin': join(dir, 'even.bin') },
      bindAddress: '127.0.0.1',
      port: 0,
      retransmitMs: 250,
      maxSends: 3,
      onTransfer: (e) => events.push(`${e.file}:${e.outcome}`),
    });
    port = (await server.listen()).port;
    client = createSocket('udp4');
    client.on('message', (packet, peer) => inbox.push({ packet, port: peer.port }));
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    client.close();
    await server.close();
    removeTempDirs();
  });

  /** The next packet from the server (bounded wait). */
  const next = async (): Promise<{ packet: Buffer; port: number }> => {
    for (let waited = 0; waited < 3000; waited += 10) {
      const got = inbox.shift();
      if (got) return got;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the server sent nothing for 3 s');
  };
  const opcode = (p: Buffer) => p.readUInt16BE(0);
  const send = (bytes: Buffer, to: number) => client.send(bytes, to, '127.0.0.1');

  /** Reads a file to the end, acknowledging each block, from the transfer's own port; a resent block is skipped. */
  const readAll = async (first: { packet: Buffer; port: number }): Promise<Buffer> => {
    const parts: Buffer[] = [];
    let got = first;
    for (;;) {
      expect(opcode(got.packet)).toBe(3);
      expect(got.port).toBe(first.port);
      const block = got.packet.readUInt16BE(2);
      if (block === parts.length + 1) parts.push(got.packet.subarray(4));
      send(ack(block), got.port);
      if (got.packet.length - 4 < 512) return Buffer.concat(parts);
      got = await next();
    }
  };

  // A transfer's last resend may land after its test: each test starts with an empty inbox.
  beforeEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    inbox.length = 0;
  });

  it('sends a file in 512-byte blocks from a port of its own', async () => {
    send(rrq('boot.bin'), port);
    const first = await next();
    expect(first.port).not.toBe(port);
    expect(await readAll(first)).toEqual(content);
  });

  it('ends a file that fills whole blocks with an empty block', async () => {
    send(rrq('even.bin'), port);
    expect(await readAll(await next())).toEqual(content.subarray(0, 1024));
  });

  it('acknowledges blksize and tsize, and lets a client abort after learning the size (what UEFI does)', async () => {
    send(rrq('boot.bin', { tsize: '0', blksize: '1000' }), port);
    const oack = await next();
    expect(opcode(oack.packet)).toBe(6);
    expect(oack.packet.subarray(2).toString().split('\0')).toEqual(['blksize', '1000', 'tsize', '1636', '']);
    send(errorPacket(TFTP_ERROR.optionRefused), oack.port);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inbox).toHaveLength(0);
    expect(events).toContain('boot.bin:aborted');

    send(rrq('boot.bin', { blksize: '1000' }), port);
    const again = await next();
    send(ack(0), again.port);
    const one = await next();
    expect(one.packet.length - 4).toBe(1000);
    send(ack(1), one.port);
    const two = await next();
    expect(Buffer.concat([one.packet.subarray(4), two.packet.subarray(4)])).toEqual(content);
    send(ack(2), two.port);
  });

  it('sends a block again when its ACK is lost, and gives up after its bounded sends', async () => {
    send(rrq('boot.bin'), port);
    const first = await next();
    const resent = await next();
    expect(resent.packet).toEqual(first.packet);
    expect(resent.port).toBe(first.port);
    await next(); // the third and last send
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(inbox).toHaveLength(0);
    expect(events).toContain('boot.bin:timed_out');
  });

  it('refuses a missing file, a path outside its list and netascii, naming why', async () => {
    for (const [name, mode, code, text] of [
      ['nothing.bin', 'octet', TFTP_ERROR.notFound, 'no file nothing.bin here'],
      ['../../etc/passwd', 'octet', TFTP_ERROR.notFound, 'no file ../../etc/passwd here'],
      ['boot.bin', 'netascii', TFTP_ERROR.illegalOperation, 'mode netascii is not served; ask for octet'],
    ] as const) {
      send(rrq(name, {}, mode), port);
      const { packet } = await next();
      expect(opcode(packet)).toBe(5);
      expect(packet.readUInt16BE(2)).toBe(code);
      expect(packet.subarray(4).toString().replace(/\0$/, '')).toBe(text);
    }
  });
});
