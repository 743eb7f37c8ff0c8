/** Facts about the installation itself (server_settings): written once, read at start. */
import type { Queryable } from './database';

/** The setting's value; when it is not set yet, stores `value` first (the first writer wins). */
export async function settingOrInit(db: Queryable, name: string, value: string): Promise<string> {
  await db.query('INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
  const [row] = await db.query<{ value: string }>('SELECT value FROM server_settings WHERE name = $1', [name]);
  return row.value;
}

export async function setting(db: Queryable, name: string): Promise<string | undefined> {
  const [row] = await db.query<{ value: string }>('SELECT value FROM server_settings WHERE name = $1', [name]);
  return row?.value;
}
