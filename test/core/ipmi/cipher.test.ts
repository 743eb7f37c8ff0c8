/**
 * Key derivation against vectors computed independently with Python's hmac/hashlib and `openssl enc`
 * (suite 17 cannot be exercised against ipmi_sim 2.0.33, which does not offer it).
 */
import {
  CIPHER_SUITES,
  decryptPayload,
  deriveSessionKeys,
  encryptPayload,
  integrityCode,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  RakpExchange,
  sessionIntegrityKey,
  userKey,
} from '../../../lib/core/ipmi/cipher';

const range = (from: number, to: number) => Buffer.from(Array.from({ length: to - from }, (_, i) => from + i));

const exchange: RakpExchange = {
  consoleSessionId: 0x11223344,
  bmcSessionId: 0xa0b0c0d0,
  consoleRandom: range(0x00, 0x10),
  bmcRandom: range(0x10, 0x20),
  bmcGuid: range(0xa0, 0xb0),
  role: 0x14,
  username: Buffer.from('admin'),
};

const VECTORS = {
  3: {
    rakp2: '67c6d0322e52e54620b8dff64574387d22a9a295',
    rakp3: '8f43aa885b2a4117690de9545ab47fc820740dc4',
    sik: '253c926bb5c5ec7d7445ad46d7b449ff1c8e3ab1',
    rakp4: '59aedd8864b13fa51653068b',
    k1: '5a8e1b408ac5001d7a35ba15260fcd05a620bfe9',
    aes: 'b393e8d973634952ba8c42e8dfb6b7df',
  },
  17: {
    rakp2: '731a5414455cb9b168ddc646d9144aeee0aeda8a636e44c826d20dd264b0880a',
    rakp3: '396f3a72623af2d4306724d0afa4b54cec38da70112fed6f032d8241f61fde44',
    sik: '02746560405ef5777cce19e432f302eefc66ce2fb74d74c46c1a07322eeda9b5',
    rakp4: '0e98ab12d4e7c865aa0d69f857f75b39',
    k1: '7b7503eedcc0dc1688a2fe2fc12092f93e54f5c133b2a69aa3ab2bd18e66a5f9',
    aes: '17da6518bee8bc8b602a4864b22b20bd',
  },
} as const;

describe.each([3, 17] as const)('cipher suite %i key derivation', (id) => {
  const suite = CIPHER_SUITES[id];
  const kuid = userKey('secretpw');
  const expected = VECTORS[id];

  it('computes the RAKP2 and RAKP3 auth codes', () => {
    expect(rakp2AuthCode(suite, kuid, exchange).toString('hex')).toBe(expected.rakp2);
    expect(rakp3AuthCode(suite, kuid, exchange).toString('hex')).toBe(expected.rakp3);
  });

  it('derives SIK, the truncated RAKP4 check value, K1 and the AES key', () => {
    const sik = sessionIntegrityKey(suite, kuid, exchange);
    expect(sik.toString('hex')).toBe(expected.sik);
    expect(rakp4Icv(suite, sik, exchange).toString('hex')).toBe(expected.rakp4);
    const keys = deriveSessionKeys(suite, sik);
    expect(keys.k1.toString('hex')).toBe(expected.k1);
    expect(keys.aesKey.toString('hex')).toBe(expected.aes);
  });

  it('changes the RAKP2 code when the password differs by one byte', () => {
    expect(rakp2AuthCode(suite, userKey('secretpx'), exchange).toString('hex')).not.toBe(expected.rakp2);
  });
});

describe('userKey', () => {
  it('zero-pads the password to 20 bytes', () => {
    expect(userKey('abc').toString('hex')).toBe('616263' + '00'.repeat(17));
  });

  it('rejects passwords longer than 20 bytes', () => {
    expect(() => userKey('x'.repeat(21))).toThrow(RangeError);
  });
});

describe('AES-CBC-128 confidentiality', () => {
  const keys = deriveSessionKeys(CIPHER_SUITES[3], Buffer.from(VECTORS[3].sik, 'hex'));
  const iv = range(0, 16);

  it('pads with 1,2,3… plus a pad length and matches openssl enc -aes-128-cbc -nopad', () => {
    const body = encryptPayload(keys.aesKey, Buffer.from([1, 2, 3, 4, 5]), iv);
    expect(body.subarray(0, 16)).toEqual(iv);
    expect(body.subarray(16).toString('hex')).toBe('f95b7bf00e2ec5acfed14468e2183e95');
  });

  it.each([0, 1, 15, 16, 31])('round-trips a %i-byte payload', (length) => {
    const payload = range(0, length);
    const body = encryptPayload(keys.aesKey, payload);
    expect(body.length % 16).toBe(0);
    expect(decryptPayload(keys.aesKey, body)).toEqual(payload);
  });

  it('rejects a body that is not whole blocks', () => {
    expect(() => decryptPayload(keys.aesKey, Buffer.alloc(20))).toThrow(RangeError);
  });
});

describe('integrity AuthCode', () => {
  it('is HMAC-SHA1 with K1 truncated to 96 bits (Python hmac vector)', () => {
    const keys = deriveSessionKeys(CIPHER_SUITES[3], Buffer.from(VECTORS[3].sik, 'hex'));
    expect(integrityCode(keys, Buffer.from('0600aabbccdd', 'hex')).toString('hex')).toBe('b8c6ddd656d03a53ea8a04fb');
  });

  it('is 128 bits for suite 17', () => {
    const keys = deriveSessionKeys(CIPHER_SUITES[17], Buffer.from(VECTORS[17].sik, 'hex'));
    expect(integrityCode(keys, Buffer.from('0600', 'hex'))).toHaveLength(16);
  });
});
