/**
 * Secrets at rest (BMC passwords) are sealed with AES-256-GCM under the server's key; the key also derives
 * per-install phone-home tokens, so no plain token is ever stored.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Queryable } from '../store/database';
import { setting, settingOrInit } from '../store/settings';
import { hmac } from '../core/ids';

const FINGERPRINT_SETTING = 'secret_key_fingerprint';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  static random(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  /** Loads the key from a file (base64), creating it with mode 0600 on first use. */
  static fromFile(path: string): SecretBox {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    return new SecretBox(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
  }

  static fromBase64(value: string): SecretBox {
    return new SecretBox(Buffer.from(value, 'base64'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join(':');
  }

  open(sealed: string): string {
    const [iv, tag, data] = sealed.split(':').map((p) => Buffer.from(p, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }

  /** Names the key without revealing it: servers sharing a database compare it (see verifySecretKey). */
  fingerprint(): string {
    return this.derive('metalforge secret key fingerprint').slice(0, 32);
  }

  /** A token derived from the key and a purpose string (stable, unguessable without the key). */
  derive(purpose: string): string {
    return hmac(this.key, purpose);
  }
}

/**
 * Servers sharing a database must share the key that seals its secrets: the first server records the key's
 * fingerprint, and a server with another key refuses to start (it could not read BMC passwords, install tokens
 * or webhook secrets that the others wrote). An `ephemeral` key (made up for this run) records nothing.
 */
export async function verifySecretKey(db: Queryable, box: SecretBox, options: { ephemeral: boolean }): Promise<void> {
  const mine = box.fingerprint();
  const recorded = options.ephemeral ? await setting(db, FINGERPRINT_SETTING) : await settingOrInit(db, FINGERPRINT_SETTING, mine);
  if (recorded === undefined || recorded === mine) return;
  throw new Error(
    `this server's secret key (fingerprint ${mine.slice(0, 12)}) is not the key this database was first started with (fingerprint ${recorded.slice(0, 12)}): ` +
      'secrets sealed by the other servers could not be read. Start every server on this database with the same METALFORGE_SECRET_KEY ' +
      "(or copy secret.key from the first server's --data-dir)",
  );
}
