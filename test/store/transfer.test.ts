/**
 * Whole-store copies: a cloud with projects, keys, BMC secrets, devices at several stages, events and jobs is
 * dumped and loaded into a fresh store (PGlite and PostgreSQL); every table arrives with the same rows, sequences
 * continue after them, and a damaged dump or a mismatched schema is refused.
 */
import type { Cloud } from '../../lib/cloud';
import { parseDump, serializeDump } from '../../lib/store/backup-file';
import { Database, openDatabase } from '../../lib/store/database';
import { migrated } from '../../lib/store/migrations';
import { dumpStore, firstTableWithRows, loadStore, StoreDump, tablesInOrder } from '../../lib/store/transfer';
import { adminProject, deviceInput, settle, stepUntil, testCloud } from '../support/cloud';
import { describeWithPostgres, PgCluster, startPgCluster } from '../support/pg-cluster';

jest.setTimeout(120_000);

let cloud: Cloud;
let dump: StoreDump;

beforeAll(async () => {
  cloud = await testCloud('pglite', { startWorkers: false });
  const { principal, projectId } = await adminProject(cloud, 'transfer');
  const active = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'done' }));
  await stepUntil(cloud, active.id, 'active');
  // Left with its provisioning job queued: a job in flight.
  await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'queued', metro: 'da' }));
  await settle(cloud);
  dump = await dumpStore(cloud.db);
});

afterAll(async () => {
  await cloud?.close();
});

function tableRows(d: StoreDump, name: string): number {
  return d.tables.find((t) => t.name === name)?.rows ?? -1;
}

it('dumps every table, parents before the tables that reference them', async () => {
  const names = dump.tables.map((t) => t.name);
  expect(names).toEqual(await tablesInOrder(cloud.db));
  for (const [parent, child] of [
    ['organizations', 'projects'],
    ['projects', 'api_keys'],
    ['facilities', 'machines'],
    ['machines', 'machine_macs'],
  ]) {
    expect(names.indexOf(parent)).toBeLessThan(names.indexOf(child));
  }
  for (const table of ['devices', 'events', 'jobs', 'api_keys', 'machines', 'projects', 'schema_migrations'])
    expect(tableRows(dump, table)).toBeGreaterThan(0);
  expect(dump.schemaVersion).toBeGreaterThan(0);
});

it('survives the backup file format unchanged', () => {
  const files = { 'secret.key': Buffer.from('key').toString('base64') };
  const back = parseDump(serializeDump(dump, files));
  expect(back.files).toEqual(files);
  expect(back.dump).toEqual(dump);
  expect(() => parseDump('{"hello":1}\n')).toThrow(/not a metalforge backup/);
  expect(() => parseDump(serializeDump(dump) + 'no_such_table\t{}\n')).toThrow(/damaged/);
});

/** Loads the dump into `target` (schema migrated, empty), then checks rows and that the store keeps working. */
async function loadsIntact(target: Database) {
  await migrated(target);
  expect(await firstTableWithRows(target)).toBeUndefined();
  const tables = await loadStore(target, dump);
  expect(tables.map((t) => [t.name, t.rows, t.checksum])).toEqual(dump.tables.map((t) => [t.name, t.rows, t.checksum]));
  expect(await firstTableWithRows(target)).toBeDefined();
  const again = await dumpStore(target);
  expect(again.tables.map((t) => t.data.sort())).toEqual(dump.tables.map((t) => [...t.data].sort()));
  // Sequences continue after the loaded rows.
  const [{ max }] = await target.query<{ max: number }>('SELECT max(seq) AS max FROM events');
  const [{ seq }] = await target.query<{ seq: number }>(
    `INSERT INTO events (id, type, body, created_at) VALUES (gen_random_uuid(), 't', 'b', now()) RETURNING seq`,
  );
  expect(seq).toBeGreaterThan(max);
  // A second load into the same store collides instead of duplicating rows, and changes nothing.
  await expect(loadStore(target, dump)).rejects.toThrow();
}

it('loads into a fresh embedded store with every table intact', async () => {
  const target = await openDatabase();
  try {
    await loadsIntact(target);
  } finally {
    await target.close();
  }
});

it('refuses a dump whose rows were changed on the way', async () => {
  const target = await migrated(await openDatabase());
  try {
    const tampered: StoreDump = { ...dump, tables: dump.tables.map((t) => (t.name === 'devices' ? { ...t, data: t.data.slice(1) } : t)) };
    await expect(loadStore(target, tampered)).rejects.toThrow(/devices did not arrive intact/);
    expect(await firstTableWithRows(target)).toBeUndefined();
  } finally {
    await target.close();
  }
});

describeWithPostgres('into PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('loads with every table intact', async () => {
    const target = await openDatabase({ url: await cluster.createDatabase('transfer'), poolSize: 2 });
    try {
      await loadsIntact(target);
    } finally {
      await target.close();
    }
  });
});
