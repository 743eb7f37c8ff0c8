/** The server key's fingerprint: servers sharing a database must share the key that seals its secrets. */
import { SecretBox, verifySecretKey } from '../../lib/engine/secrets';
import { openDatabase, type Database } from '../../lib/store/database';
import { migrate } from '../../lib/store/migrations';

describe('secret key fingerprint', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('records the first key, accepts it again and refuses another key with a clear message', async () => {
    const first = SecretBox.random();
    const other = SecretBox.random();
    // An ephemeral key records nothing: the next server with a real key is the first.
    await verifySecretKey(db, other, { ephemeral: true });
    expect(await db.query('SELECT name FROM server_settings')).toEqual([]);
    await verifySecretKey(db, first, { ephemeral: false });
    await verifySecretKey(db, first, { ephemeral: false });
    await expect(verifySecretKey(db, other, { ephemeral: false })).rejects.toThrow(
      `fingerprint ${other.fingerprint().slice(0, 12)}) is not the key this database was first started with (fingerprint ${first.fingerprint().slice(0, 12)})`,
    );
    await expect(verifySecretKey(db, other, { ephemeral: true })).rejects.toThrow(/same METALFORGE_SECRET_KEY/);
  });

  it('does not reveal the key', () => {
    const key = Buffer.alloc(32, 7);
    const box = new SecretBox(key);
    expect(box.fingerprint()).not.toContain(key.toString('hex').slice(0, 8));
    expect(box.fingerprint()).toBe(new SecretBox(Buffer.alloc(32, 7)).fingerprint());
  });
});
