/**
 * The provisioning network's TFTP server (RFC 1350, options RFC 2347/2348/2349), read-only: firmware PXE fetches
 * iPXE (undionly.kpxe, ipxe.efi) from it. Octet mode, blksize and tsize (UEFI asks tsize first, aborts with error
 * 8, then fetches: normal), one port per transfer, bounded retransmits. Packet rules are pure; TftpServer moves
 * the bytes.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

export const TFTP_PORT = 69;

export const TFTP_OPCODE = { rrq: 1, wrq: 2, data: 3, ack: 4, error: 5, oack: 6 } as const;

/** Error codes (RFC 1350, 2347). */
export const TFTP_ERROR = { undefined: 0, notFound: 1, accessViolation: 2, illegalOperation: 4, optionRefused: 8 } as const;

export const DEFAULT_BLOCK_SIZE = 512;
/** RFC 2348 bounds; 1468 fills an Ethernet frame, what PXE ROMs ask for. */
const BLOCK_SIZE_RANGE = { min: 8, max: 65464 };

export interface ReadRequest {
  filename: string;
  mode: string;
  /** Options as sent, names lower-cased. */
  options: Record<string, string>;
}

export type TftpRequestParse = { request: ReadRequest } | { error: { code: number; message: string } };

/** A read request, or the error to send back (writes are refused: this server only serves boot files). */
export function parseTftpRequest(packet: Buffer): TftpRequestParse {
  const opcode = packet.length >= 2 ? packet.readUInt16BE(0) : -1;
  if (opcode === TFTP_OPCODE.wrq) return { error: { code: TFTP_ERROR.accessViolation, message: 'this TFTP server is read-only' } };
  if (opcode !== TFTP_OPCODE.rrq)
    return { error: { code: TFTP_ERROR.illegalOperation, message: `opcode ${opcode} does not start a transfer` } };
  const fields = packet.subarray(2).toString('latin1').split('\0');
  // A well-formed request ends with NUL, so the last split element is empty.
  if (fields.length < 3 || fields[fields.length - 1] !== '') {
    return { error: { code: TFTP_ERROR.illegalOperation, message: 'a read request is filename NUL mode NUL [option NUL value NUL]...' } };
  }
  const [filename, mode, ...rest] = fields.slice(0, -1);
  const options: Record<string, string> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) options[rest[i].toLowerCase()] = rest[i + 1];
  return { request: { filename, mode: mode.toLowerCase(), options } };
}

export interface Negotiated {
  blockSize: number;
  /** The options to acknowledge in an OACK (empty: start with DATA block 1). */
  acknowledged: Record<string, string>;
}

/** The options this server accepts for a file of `size` bytes; unknown or out-of-range options are left out. */
export function negotiate(options: Record<string, string>, size: number): Negotiated {
  const acknowledged: Record<string, string> = {};
  let blockSize = DEFAULT_BLOCK_SIZE;
  const asked = Number(options.blksize);
  if (options.blksize !== undefined && Number.isInteger(asked) && asked >= BLOCK_SIZE_RANGE.min) {
    blockSize = Math.min(asked, BLOCK_SIZE_RANGE.max);
    acknowledged.blksize = String(blockSize);
  }
  if (options.tsize !== undefined) acknowledged.tsize = String(size);
  return { blockSize, acknowledged };
}

export function encodeData(block: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(TFTP_OPCODE.data, 0);
  header.writeUInt16BE(block & 0xffff, 2);
  return Buffer.concat([header, data]);
}

export function encodeOack(options: Record<string, string>): Buffer {
  const body = Object.entries(options).flatMap(([name, value]) => [name, value]);
  return Buffer.concat([Buffer.from([0, TFTP_OPCODE.oack]), Buffer.from(body.map((s) => `${s}\0`).join(''), 'latin1')]);
}

export function encodeError(code: number, message: string): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(TFTP_OPCODE.error, 0);
  header.writeUInt16BE(code, 2);
  return Buffer.concat([header, Buffer.from(`${message}\0`, 'latin1')]);
}

/** What a client sent during a transfer. */
export type ClientPacket = { kind: 'ack'; block: number } | { kind: 'error'; code: number; message: string } | { kind: 'other' };

export function parseClientPacket(packet: Buffer): ClientPacket {
  const opcode = packet.length >= 4 ? packet.readUInt16BE(0) : -1;
  if (opcode === TFTP_OPCODE.ack) return { kind: 'ack', block: packet.readUInt16BE(2) };
  if (opcode === TFTP_OPCODE.error)
    return { kind: 'error', code: packet.readUInt16BE(2), message: packet.subarray(4).toString('latin1').replace(/\0.*$/s, '') };
  return { kind: 'other' };
}

/** Files the server offers by name: iPXE's builds as Debian's `ipxe` package installs them. */
export const IPXE_FILES: Readonly<Record<string, string>> = {
  'undionly.kpxe': '/usr/lib/ipxe/undionly.kpxe',
  'ipxe.efi': '/usr/lib/ipxe/ipxe.efi',
  'snponly.efi': '/usr/lib/ipxe/snponly.efi',
};

export interface TftpServerOptions {
  /** Served file name → path on disk. Nothing else is reachable (no directory walking). @default IPXE_FILES */
  files?: Readonly<Record<string, string>>;
  /** @default 0.0.0.0 */
  bindAddress?: string;
  /** @default 69 */
  port?: number;
  /** Wait for each ACK this long before sending again. @default 1000 */
  retransmitMs?: number;
  /** Give a transfer up after this many unanswered sends of one packet. @default 5 */
  maxSends?: number;
  onTransfer?: (event: { file: string; peer: string; outcome: 'sent' | 'aborted' | 'timed_out' | 'refused'; detail?: string }) => void;
}

export class TftpServer {
  private socket?: Socket;
  private readonly transfers = new Set<Socket>();

  constructor(private readonly options: TftpServerOptions = {}) {}

  async listen(): Promise<{ address: string; port: number }> {
    const socket = await bound(this.options.bindAddress ?? '0.0.0.0', this.options.port ?? TFTP_PORT);
    this.socket = socket;
    socket.on('message', (packet, peer) => void this.start(packet, peer.address, peer.port));
    return socket.address();
  }

  private async start(packet: Buffer, address: string, port: number): Promise<void> {
    // Every transfer answers from a port of its own (its transfer ID), so the client can run several at once.
    const transfer = await bound(this.options.bindAddress ?? '0.0.0.0', 0);
    this.transfers.add(transfer);
    const peer = `${address}:${port}`;
    const report = this.options.onTransfer ?? (() => undefined);
    const finish = () => {
      if (this.transfers.delete(transfer)) transfer.close();
    };
    const send = (bytes: Buffer) => transfer.send(bytes, port, address);
    const parsed = parseTftpRequest(packet);
    if ('error' in parsed) {
      send(encodeError(parsed.error.code, parsed.error.message));
      report({ file: '', peer, outcome: 'refused', detail: parsed.error.message });
      return void setTimeout(finish, 100);
    }
    const { filename, mode, options } = parsed.request;
    const path = (this.options.files ?? IPXE_FILES)[filename.replace(/^\/+/, '')];
    const content = mode === 'octet' && path !== undefined ? await readFile(path).catch(() => undefined) : undefined;
    if (!content) {
      const message = mode !== 'octet' ? `mode ${mode} is not served; ask for octet` : `no file ${filename} here`;
      send(encodeError(mode !== 'octet' ? TFTP_ERROR.illegalOperation : TFTP_ERROR.notFound, message));
      report({ file: filename, peer, outcome: 'refused', detail: message });
      return void setTimeout(finish, 100);
    }
    const outcome = await this.transfer(transfer, send, content, negotiate(options, content.length));
    report({ file: filename, peer, outcome: outcome.kind, detail: outcome.detail });
    finish();
  }

  /** Sends OACK (when options were accepted) then DATA blocks, each until its ACK arrives or the sends run out. */
  private transfer(
    socket: Socket,
    send: (bytes: Buffer) => void,
    content: Buffer,
    { blockSize, acknowledged }: Negotiated,
  ): Promise<{ kind: 'sent' | 'aborted' | 'timed_out'; detail?: string }> {
    const retransmitMs = this.options.retransmitMs ?? 1000;
    const maxSends = this.options.maxSends ?? 5;
    // A file that is a whole number of blocks ends with an empty block.
    const lastBlock = Math.floor(content.length / blockSize) + 1;
    return new Promise((resolve) => {
      let block = Object.keys(acknowledged).length ? 0 : 1;
      let sends = 0;
      let timer: NodeJS.Timeout | undefined;
      const packetFor = (n: number) =>
        n === 0 ? encodeOack(acknowledged) : encodeData(n, content.subarray((n - 1) * blockSize, n * blockSize));
      const done = (result: { kind: 'sent' | 'aborted' | 'timed_out'; detail?: string }) => {
        clearTimeout(timer);
        socket.removeAllListeners('message');
        resolve(result);
      };
      const transmit = () => {
        if (!this.transfers.has(socket)) return done({ kind: 'aborted', detail: 'the server closed' });
        if (sends >= maxSends) return done({ kind: 'timed_out', detail: `no ACK for block ${block} after ${maxSends} sends` });
        sends++;
        send(packetFor(block));
        timer = setTimeout(transmit, retransmitMs);
      };
      socket.on('message', (packet) => {
        const answer = parseClientPacket(packet);
        if (answer.kind === 'error') return done({ kind: 'aborted', detail: `client error ${answer.code}: ${answer.message}` });
        // Block numbers wrap at 65535; a duplicate ACK of an earlier block is ignored (no sorcerer's apprentice).
        if (answer.kind !== 'ack' || answer.block !== (block & 0xffff)) return;
        clearTimeout(timer);
        if (block === lastBlock) return done({ kind: 'sent' });
        block++;
        sends = 0;
        transmit();
      });
      transmit();
    });
  }

  async close(): Promise<void> {
    for (const transfer of this.transfers) transfer.close();
    this.transfers.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

function bound(address: string, port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
