/**
 * The face's TLS material, as a BMC ships it: a throwaway CA and a server certificate for the loopback address
 * signed by it, made with the openssl CLI. Clients trust the CA (the Redfish driver's caCert, sushy's verify=<path>)
 * instead of switching verification off.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FaceTls {
  /** PEM of the CA that signed `cert`: what clients trust. */
  caCert: string;
  /** PEM private key of the server certificate (a secret). */
  key: string;
  /** PEM server certificate for 127.0.0.1 and localhost. */
  cert: string;
}

/** A new CA and a server certificate valid for `days` (the temp dir holding the CA key is removed). */
export async function createFaceTls(days = 2): Promise<FaceTls> {
  const dir = await mkdtemp(join(tmpdir(), 'redfish-tls-'));
  const openssl = (...args: string[]) =>
    run('openssl', args, { cwd: dir }).catch((error: Error & { code?: string }) => {
      throw new Error(
        error.code === 'ENOENT'
          ? 'the Redfish face needs the openssl CLI to make its certificate; install openssl or start the face with http: true'
          : `openssl failed making the Redfish face certificate: ${error.message}`,
      );
    });
  try {
    const validity = ['-days', String(days)];
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...validity,
      '-subj',
      '/CN=metalforge simulated BMC CA',
    );
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'bmc.key', '-out', 'bmc.csr', '-subj', '/CN=127.0.0.1');
    await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    await openssl(
      'x509',
      '-req',
      '-in',
      'bmc.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'bmc.pem',
      ...validity,
      '-extfile',
      'san.ext',
    );
    const read = (name: string) => readFile(join(dir, name), 'utf8');
    return { caCert: await read('ca.pem'), key: await read('bmc.key'), cert: await read('bmc.pem') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
