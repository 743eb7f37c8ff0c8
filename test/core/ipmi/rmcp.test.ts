import { CIPHER_SUITES, deriveSessionKeys } from '../../../lib/core/ipmi/cipher';
import {
  checksum,
  decodeIpmiResponse,
  decodePacket,
  encodeIpmiRequest,
  encodeV15Packet,
  encodeV20Packet,
  MalformedPacketError,
  PayloadType,
} from '../../../lib/core/ipmi/rmcp';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('checksum', () => {
  it('makes the bytes plus the checksum sum to zero mod 256', () => {
    expect(checksum(hex('2018'))).toBe(0xc8);
    expect(checksum(hex('81 00 38 8e 04'))).toBe(0xb5);
    expect(checksum(Buffer.alloc(0))).toBe(0);
    const bytes = hex('ff ff 10');
    expect((bytes.reduce((a, b) => a + b, 0) + checksum(bytes)) & 0xff).toBe(0);
  });
});

describe('IPMI messages', () => {
  it('encodes Get Channel Authentication Capabilities in v1.5 framing byte for byte as ipmitool does', () => {
    const message = encodeIpmiRequest({ netFn: 0x06, cmd: 0x38, rqSeq: 0, data: hex('8e 04') });
    expect(encodeV15Packet(message).toString('hex')).toBe('0600ff07' + '00' + '00000000' + '00000000' + '09' + '2018c8' + '8100388e04b5');
  });

  it('decodes a response: netFn, rqSeq, cmd, completion code, data', () => {
    const body = hex('20 04 01 00 01 00 00'); // rsAddr, rqSeq 1, cmd, cc 0, data 01 00 00
    const response = Buffer.concat([hex('81 04'), Buffer.from([checksum(hex('81 04'))]), body, Buffer.from([checksum(body)])]);
    expect(decodeIpmiResponse(response)).toEqual({
      netFn: 0x01,
      rqSeq: 1,
      cmd: 0x01,
      completionCode: 0,
      data: hex('01 00 00'),
    });
  });

  it('rejects a response whose checksum does not add up', () => {
    const body = hex('20 04 01 00 01');
    const response = Buffer.concat([hex('81 04'), Buffer.from([checksum(hex('81 04'))]), body, Buffer.from([checksum(body) ^ 1])]);
    expect(() => decodeIpmiResponse(response)).toThrow(MalformedPacketError);
  });

  it('keeps only six bits of the requester sequence', () => {
    const message = encodeIpmiRequest({ netFn: 0, cmd: 1, rqSeq: 63, data: Buffer.alloc(0) });
    expect(message[4] >> 2).toBe(63);
  });
});

describe('IPMI v2.0 packets', () => {
  const keys = deriveSessionKeys(CIPHER_SUITES[3], Buffer.alloc(20, 7));

  it('encodes a pre-session payload in the clear', () => {
    const packet = encodeV20Packet({
      payloadType: PayloadType.openSessionRequest,
      sessionId: 0,
      sequence: 0,
      payload: hex('aa bb'),
    });
    expect(packet.toString('hex')).toBe('0600ff07' + '06' + '10' + '00000000' + '00000000' + '0200' + 'aabb');
    expect(decodePacket(packet)).toMatchObject({
      version: '2.0',
      payloadType: 0x10,
      encrypted: false,
      payload: hex('aa bb'),
    });
  });

  it('encrypts and authenticates session payloads, padding the integrity range to 32-bit words', () => {
    const payload = hex('20 00 e0 81 04 01 7a');
    const packet = encodeV20Packet({ payloadType: PayloadType.ipmi, sessionId: 0x01020304, sequence: 9, payload }, keys);
    expect(packet[5]).toBe(0xc0); // encrypted + authenticated
    expect(packet.readUInt32LE(6)).toBe(0x01020304);
    expect((packet.length - 4 - keys.suite.icvLength) % 4).toBe(0);
    expect(packet[packet.length - keys.suite.icvLength - 1]).toBe(0x07); // next header
    const decoded = decodePacket(packet, keys);
    expect(decoded).toMatchObject({ version: '2.0', sessionId: 0x01020304, sequence: 9, payloadType: 0, payload });
  });

  it('rejects a packet whose AuthCode does not verify', () => {
    const packet = encodeV20Packet({ payloadType: PayloadType.ipmi, sessionId: 1, sequence: 1, payload: hex('00') }, keys);
    packet[20] ^= 0x01;
    expect(() => decodePacket(packet, keys)).toThrow('integrity check failed');
    const otherKeys = deriveSessionKeys(CIPHER_SUITES[3], Buffer.alloc(20, 8));
    const intact = encodeV20Packet({ payloadType: PayloadType.ipmi, sessionId: 1, sequence: 1, payload: hex('00') }, keys);
    expect(() => decodePacket(intact, otherKeys)).toThrow(MalformedPacketError);
  });

  it('rejects protected packets when no session keys are known', () => {
    const packet = encodeV20Packet({ payloadType: PayloadType.ipmi, sessionId: 1, sequence: 1, payload: hex('00') }, keys);
    expect(() => decodePacket(packet)).toThrow(MalformedPacketError);
  });

  it('rejects datagrams that are not RMCP IPMI class or are truncated', () => {
    expect(() => decodePacket(hex('06 00 ff 06 00 00 11 be'))).toThrow(MalformedPacketError);
    expect(() => decodePacket(hex('06 00 ff 07 06 00 00 00'))).toThrow(MalformedPacketError);
    expect(() => decodePacket(hex('06 00 ff 07 06 00 00000000 00000000 0900 aa'))).toThrow('truncated IPMI v2.0 payload');
  });
});
