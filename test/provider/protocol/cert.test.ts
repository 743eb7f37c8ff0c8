import { createPrivateKey, X509Certificate } from 'node:crypto';
import { generateServerCertificate, handshakeCertificate } from '../../../lib/provider/protocol/cert';

describe('AutoMTLS server certificate', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const certificate = generateServerCertificate(now);
  const x509 = new X509Certificate(certificate.der);

  it('is self-signed with the SAN go-plugin checks', () => {
    expect(x509.subjectAltName).toBe('DNS:localhost');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is a CA usable for server and client auth', () => {
    expect(x509.ca).toBe(true);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  });

  it('is valid now and has a positive serial', () => {
    expect(new Date(x509.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(now.getTime());
    expect(parseInt(x509.serialNumber[0], 16)).toBeLessThan(8);
  });

  it('matches its PEM and private key, and differs per process start', () => {
    expect(new X509Certificate(certificate.certPem).fingerprint256).toBe(x509.fingerprint256);
    expect(x509.checkPrivateKey(createPrivateKey(certificate.keyPem))).toBe(true);
    expect(generateServerCertificate(now).der.equals(certificate.der)).toBe(false);
  });

  it('goes into the handshake as unpadded standard base64 of the DER', () => {
    const field = handshakeCertificate(certificate.der);
    expect(field).not.toMatch(/=/);
    expect(field).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(Buffer.from(field, 'base64').equals(certificate.der)).toBe(true);
  });
});
