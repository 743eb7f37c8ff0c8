/**
 * The Terraform state repository on each engine: a version and the pointer to it are written in one transaction
 * (a failure between them leaves the previous version current and no orphan row), and concurrent writers of one
 * state get consecutive version numbers.
 */
import type { Cloud } from '../../lib/cloud';
import type { Database, Queryable } from '../../lib/store/database';
import { TerraformStateStore } from '../../lib/store/terraform-state';
import { adminProject, availableBackends, stopPostgres, testCloud } from '../support/cloud';

afterAll(stopPostgres);

const version = (content: string) => ({
  content,
  serial: 1,
  lineage: 'l',
  md5: 'm',
  writtenByKeyId: '00000000-0000-4000-8000-000000000000',
  writtenBy: 'test',
  restoredFrom: null,
});

/** The database, except that inside transactions the statement matching `failOn` fails (a crash mid-write). */
function failingDatabase(db: Database, failOn: RegExp): Database {
  return {
    ...db,
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    transaction: (fn) =>
      db.transaction((tx: Queryable) =>
        fn({ query: (sql, params) => (failOn.test(sql) ? Promise.reject(new Error('connection lost')) : tx.query(sql, params)) }),
      ),
  };
}

describe.each(availableBackends())('Terraform state store on %s', (backend) => {
  let cloud: Cloud;
  let projectId: string;
  let store: TerraformStateStore;
  const now = new Date('2026-12-06T12:00:00Z');

  beforeAll(async () => {
    cloud = await testCloud(backend, { startWorkers: false, catalog: false });
    projectId = (await adminProject(cloud)).projectId;
    store = new TerraformStateStore(cloud.db);
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
  });

  it.each([
    ['the version row', /^INSERT INTO terraform_state_versions/],
    ['the latest pointer', /^UPDATE terraform_states SET latest_version/],
  ])('a write that fails at %s leaves the previous version current and nothing half-written', async (_what, failOn) => {
    const name = `crash-${failOn.source.length}`;
    await store.change(projectId, name, { create: true, now }, (found) => found!.write.addVersion(version('{"serial":1}')));
    const failing = new TerraformStateStore(failingDatabase(cloud.db, failOn));
    await expect(
      failing.change(projectId, name, { create: true, now }, (found) => found!.write.addVersion(version('{"serial":2}'))),
    ).rejects.toThrow();

    expect(await store.latest(projectId, name)).toMatchObject({ version: 1, content: '{"serial":1}' });
    expect((await store.versions(projectId, name, { page: 1, perPage: 10 })).items.map((v) => v.version)).toEqual([1]);
    expect((await store.state(projectId, name))?.latest_version).toBe(1);
    // The next write carries on from the last committed version.
    await store.change(projectId, name, { create: true, now }, (found) => found!.write.addVersion(version('{"serial":2}')));
    expect(await store.latest(projectId, name)).toMatchObject({ version: 2, content: '{"serial":2}' });
  });

  it('gives concurrent writers of one state consecutive versions', async () => {
    const writes = Array.from({ length: 8 }, (_, i) =>
      store.change(projectId, 'busy', { create: true, now }, (found) => found!.write.addVersion(version(`{"n":${i}}`))),
    );
    expect((await Promise.all(writes)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await store.state(projectId, 'busy'))?.latest_version).toBe(8);
  });
});
