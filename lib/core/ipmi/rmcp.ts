/**
 * RMCP / IPMI packet framing: the IPMI message (with its two checksums), the IPMI v1.5 session wrapper used only
 * for the pre-session Get Channel Authentication Capabilities, and the IPMI v2.0 (RMCP+) session wrapper with
 * optional AES-CBC-128 confidentiality and truncated-HMAC integrity. Pure functions on Buffers: no I/O.
 */
import { decryptPayload, encryptPayload, integrityCode, SessionKeys } from './cipher';

/** RMCP header: version 6, reserved, sequence 0xFF (no RMCP ACK), class 7 (IPMI). */
const RMCP_IPMI_HEADER = Buffer.from([0x06, 0x00, 0xff, 0x07]);
const AUTH_TYPE_NONE = 0x00;
const AUTH_TYPE_RMCP_PLUS = 0x06;
const PAYLOAD_ENCRYPTED = 0x80;
const PAYLOAD_AUTHENTICATED = 0x40;
const NEXT_HEADER = 0x07;

export const PayloadType = {
  ipmi: 0x00,
  openSessionRequest: 0x10,
  openSessionResponse: 0x11,
  rakp1: 0x12,
  rakp2: 0x13,
  rakp3: 0x14,
  rakp4: 0x15,
} as const;

/** Responder (BMC) and requester (remote console software ID) addresses on the LAN channel. */
export const BMC_ADDRESS = 0x20;
export const CONSOLE_ADDRESS = 0x81;

/** Two's-complement checksum: the bytes plus the checksum sum to 0 mod 256. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** Thrown for bytes that are not a well-formed packet; callers drop the datagram or map it to a DriverError. */
export class MalformedPacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPacketError';
  }
}

export interface IpmiRequest {
  netFn: number;
  cmd: number;
  /** 6-bit requester sequence number matching a response to its request. */
  rqSeq: number;
  data: Buffer;
}

export interface IpmiResponse {
  /** Response netFn (request netFn + 1). */
  netFn: number;
  cmd: number;
  rqSeq: number;
  completionCode: number;
  data: Buffer;
}

export function encodeIpmiRequest(req: IpmiRequest): Buffer {
  const head = Buffer.from([BMC_ADDRESS, (req.netFn << 2) & 0xff]);
  const body = Buffer.concat([Buffer.from([CONSOLE_ADDRESS, (req.rqSeq << 2) & 0xff, req.cmd]), req.data]);
  return Buffer.concat([head, Buffer.from([checksum(head)]), body, Buffer.from([checksum(body)])]);
}

export function decodeIpmiResponse(msg: Buffer): IpmiResponse {
  if (msg.length < 8) throw new MalformedPacketError(`IPMI response of ${msg.length} bytes is too short`);
  if (checksum(msg.subarray(0, 2)) !== msg[2]) throw new MalformedPacketError('IPMI response header checksum mismatch');
  if (checksum(msg.subarray(3, msg.length - 1)) !== msg[msg.length - 1]) {
    throw new MalformedPacketError('IPMI response body checksum mismatch');
  }
  return {
    netFn: msg[1] >> 2,
    rqSeq: msg[4] >> 2,
    cmd: msg[5],
    completionCode: msg[6],
    data: Buffer.from(msg.subarray(7, msg.length - 1)),
  };
}

/** IPMI v1.5 session wrapper with authentication type none, session 0 (pre-session commands only). */
export function encodeV15Packet(message: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header[0] = AUTH_TYPE_NONE; // sequence (4) and session ID (4) stay 0
  header[9] = message.length;
  return Buffer.concat([RMCP_IPMI_HEADER, header, message]);
}

export interface V20Packet {
  payloadType: number;
  sessionId: number;
  sequence: number;
  payload: Buffer;
}

/** IPMI v2.0 wrapper. With keys the payload is encrypted and the packet carries an integrity AuthCode. */
export function encodeV20Packet(packet: V20Packet, keys?: SessionKeys): Buffer {
  const body = keys ? encryptPayload(keys.aesKey, packet.payload) : packet.payload;
  const header = Buffer.alloc(12);
  header[0] = AUTH_TYPE_RMCP_PLUS;
  header[1] = packet.payloadType | (keys ? PAYLOAD_ENCRYPTED | PAYLOAD_AUTHENTICATED : 0);
  header.writeUInt32LE(packet.sessionId >>> 0, 2);
  header.writeUInt32LE(packet.sequence >>> 0, 6);
  header.writeUInt16LE(body.length, 10);
  if (!keys) return Buffer.concat([RMCP_IPMI_HEADER, header, body]);
  // Integrity pad (0xFF) makes AuthType..NextHeader a whole number of 32-bit words.
  const padLength = (4 - ((header.length + body.length + 2) % 4)) % 4;
  const covered = Buffer.concat([header, body, Buffer.alloc(padLength, 0xff), Buffer.from([padLength, NEXT_HEADER])]);
  return Buffer.concat([RMCP_IPMI_HEADER, covered, integrityCode(keys, covered)]);
}

export type DecodedPacket =
  { version: '1.5'; sessionId: number; message: Buffer } | ({ version: '2.0'; encrypted: boolean; authenticated: boolean } & V20Packet);

/**
 * Decodes one datagram. An authenticated v2.0 packet is verified (and decrypted) with keys; one that fails
 * verification, or arrives authenticated when no keys are known, is rejected.
 */
export function decodePacket(datagram: Buffer, keys?: SessionKeys): DecodedPacket {
  if (datagram.length < 5 || datagram[0] !== 0x06 || datagram[3] !== 0x07) {
    throw new MalformedPacketError('not an RMCP IPMI-class datagram');
  }
  const authType = datagram[4];
  if (authType !== AUTH_TYPE_RMCP_PLUS) {
    const authCodeLength = authType === AUTH_TYPE_NONE ? 0 : 16;
    const lengthAt = 4 + 9 + authCodeLength;
    if (datagram.length < lengthAt + 1) throw new MalformedPacketError('truncated IPMI v1.5 session header');
    const length = datagram[lengthAt];
    const message = datagram.subarray(lengthAt + 1, lengthAt + 1 + length);
    if (message.length !== length) throw new MalformedPacketError('truncated IPMI v1.5 payload');
    return { version: '1.5', sessionId: datagram.readUInt32LE(9), message: Buffer.from(message) };
  }
  if (datagram.length < 16) throw new MalformedPacketError('truncated IPMI v2.0 session header');
  const typeByte = datagram[5];
  const encrypted = (typeByte & PAYLOAD_ENCRYPTED) !== 0;
  const authenticated = (typeByte & PAYLOAD_AUTHENTICATED) !== 0;
  const length = datagram.readUInt16LE(14);
  const bodyEnd = 16 + length;
  if (datagram.length < bodyEnd) throw new MalformedPacketError('truncated IPMI v2.0 payload');
  if ((encrypted || authenticated) && !keys) throw new MalformedPacketError('protected packet outside an established session');
  if (authenticated && keys) {
    const authCodeAt = datagram.length - keys.suite.icvLength;
    if (authCodeAt < bodyEnd + 2) throw new MalformedPacketError('missing integrity trailer');
    const expected = integrityCode(keys, datagram.subarray(4, authCodeAt));
    if (!expected.equals(datagram.subarray(authCodeAt))) throw new MalformedPacketError('integrity check failed');
  }
  let payload = datagram.subarray(16, bodyEnd);
  if (encrypted && keys) {
    try {
      payload = decryptPayload(keys.aesKey, payload);
    } catch (err) {
      throw new MalformedPacketError(`cannot decrypt payload: ${(err as Error).message}`);
    }
  }
  return {
    version: '2.0',
    encrypted,
    authenticated,
    payloadType: typeByte & 0x3f,
    sessionId: datagram.readUInt32LE(6),
    sequence: datagram.readUInt32LE(10),
    payload: Buffer.from(payload),
  };
}
