/**
 * RMCP+ cipher suites and key derivation (IPMI v2.0 §13.28–13.32).
 * Suite 3: RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128. Suite 17: RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128.
 * Session IDs enter every HMAC as on the wire (least significant byte first).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export type CipherSuiteId = 3 | 17;

export interface CipherSuite {
  id: CipherSuiteId;
  /** Algorithm numbers offered in the Open Session request. */
  authAlgorithm: number;
  integrityAlgorithm: number;
  confidentialityAlgorithm: number;
  hash: 'sha1' | 'sha256';
  /** Length of the RAKP4 integrity check value and of each packet's AuthCode (HMAC truncated). */
  icvLength: number;
}

export const CIPHER_SUITES: Readonly<Record<CipherSuiteId, CipherSuite>> = {
  3: {
    id: 3,
    authAlgorithm: 0x01,
    integrityAlgorithm: 0x01,
    confidentialityAlgorithm: 0x01,
    hash: 'sha1',
    icvLength: 12,
  },
  17: {
    id: 17,
    authAlgorithm: 0x03,
    integrityAlgorithm: 0x04,
    confidentialityAlgorithm: 0x01,
    hash: 'sha256',
    icvLength: 16,
  },
};

/** IPMI v2.0 passwords and K_G are at most 20 bytes, zero-padded to 20. */
export const KEY_LENGTH = 20;
export const MAX_USERNAME_LENGTH = 16;

export function userKey(password: string): Buffer {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > KEY_LENGTH) throw new RangeError(`IPMI v2.0 passwords are at most ${KEY_LENGTH} bytes`);
  const key = Buffer.alloc(KEY_LENGTH);
  bytes.copy(key);
  return key;
}

export function hmac(suite: CipherSuite, key: Buffer, ...parts: Buffer[]): Buffer {
  const mac = createHmac(suite.hash, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function uint32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

/** The values both sides know after RAKP2; every RAKP HMAC is built from a subset. */
export interface RakpExchange {
  consoleSessionId: number; // SIDm
  bmcSessionId: number; // SIDc
  consoleRandom: Buffer; // Rm, 16 bytes
  bmcRandom: Buffer; // Rc, 16 bytes
  bmcGuid: Buffer; // GUIDc, 16 bytes
  /** Requested role byte exactly as sent in RAKP1 (privilege | name-only-lookup bit). */
  role: number;
  username: Buffer;
}

function roleAndUser(x: RakpExchange): Buffer {
  return Buffer.concat([Buffer.from([x.role, x.username.length]), x.username]);
}

/** RAKP2 key exchange auth code: HMAC_K_UID(SIDm | SIDc | Rm | Rc | GUIDc | ROLE | ULEN | USER). */
export function rakp2AuthCode(suite: CipherSuite, kuid: Buffer, x: RakpExchange): Buffer {
  return hmac(suite, kuid, uint32le(x.consoleSessionId), uint32le(x.bmcSessionId), x.consoleRandom, x.bmcRandom, x.bmcGuid, roleAndUser(x));
}

/** RAKP3 key exchange auth code: HMAC_K_UID(Rc | SIDm | ROLE | ULEN | USER). */
export function rakp3AuthCode(suite: CipherSuite, kuid: Buffer, x: RakpExchange): Buffer {
  return hmac(suite, kuid, x.bmcRandom, uint32le(x.consoleSessionId), roleAndUser(x));
}

/** SIK = HMAC_K_G(Rm | Rc | ROLE | ULEN | USER); without a BMC key K_G is K_UID. */
export function sessionIntegrityKey(suite: CipherSuite, kg: Buffer, x: RakpExchange): Buffer {
  return hmac(suite, kg, x.consoleRandom, x.bmcRandom, roleAndUser(x));
}

/** RAKP4 integrity check value: HMAC_SIK(Rm | SIDc | GUIDc), truncated. */
export function rakp4Icv(suite: CipherSuite, sik: Buffer, x: RakpExchange): Buffer {
  return hmac(suite, sik, x.consoleRandom, uint32le(x.bmcSessionId), x.bmcGuid).subarray(0, suite.icvLength);
}

export interface SessionKeys {
  suite: CipherSuite;
  /** K1: key of the per-packet integrity HMAC. */
  k1: Buffer;
  /** First 16 bytes of K2: the AES-CBC-128 key. */
  aesKey: Buffer;
}

/** K1 = HMAC_SIK(0x01 × 20), K2 = HMAC_SIK(0x02 × 20), AES key = K2[0:16] (the constants are 20 bytes for every suite). */
export function deriveSessionKeys(suite: CipherSuite, sik: Buffer): SessionKeys {
  const k1 = hmac(suite, sik, Buffer.alloc(KEY_LENGTH, 0x01));
  const k2 = hmac(suite, sik, Buffer.alloc(KEY_LENGTH, 0x02));
  return { suite, k1, aesKey: k2.subarray(0, 16) };
}

export function integrityCode(keys: SessionKeys, covered: Buffer): Buffer {
  return hmac(keys.suite, keys.k1, covered).subarray(0, keys.suite.icvLength);
}

const AES_BLOCK = 16;

/** AES-CBC-128 confidentiality: IV | E(payload | pad 1,2,3… | pad length), padded to whole blocks (§13.29). */
export function encryptPayload(aesKey: Buffer, payload: Buffer, iv: Buffer = randomBytes(AES_BLOCK)): Buffer {
  const padLength = (AES_BLOCK - ((payload.length + 1) % AES_BLOCK)) % AES_BLOCK;
  const pad = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const plain = Buffer.concat([payload, pad, Buffer.from([padLength])]);
  const cipher = createCipheriv('aes-128-cbc', aesKey, iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
}

/** Inverse of encryptPayload; throws RangeError on a malformed body. */
export function decryptPayload(aesKey: Buffer, body: Buffer): Buffer {
  if (body.length < 2 * AES_BLOCK || body.length % AES_BLOCK !== 0) throw new RangeError('encrypted payload is not whole AES blocks');
  const decipher = createDecipheriv('aes-128-cbc', aesKey, body.subarray(0, AES_BLOCK)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(body.subarray(AES_BLOCK)), decipher.final()]);
  const padLength = plain[plain.length - 1];
  if (padLength >= AES_BLOCK) throw new RangeError('bad confidentiality pad length');
  return plain.subarray(0, plain.length - 1 - padLength);
}
