/**
 * The device-create rules as pure functions: a catalog in memory, no database. Every problem of a request comes
 * back in one answer, and access and SSH keys are decided from the rows a batch loads.
 */
import { MetalError } from '../../lib/contract/errors';
import type { DeviceCreateInput } from '../../lib/contract/schemas';
import { accessAndKeys, checkCreate, type CheckedCreate } from '../../lib/engine/device-rules';
import { World } from '../../lib/engine/world';
import type { Queryable } from '../../lib/store/database';

const actor = { userId: 'u1', organizationId: 'org1', projectId: null };
const PROJECT = '00000000-0000-4000-8000-000000000001';

async function catalog(): Promise<World> {
  const rows: Record<string, unknown[]> = {
    metros: [{ id: 'm-ny', code: 'ny', name: 'New York', country: 'US', kind: 'core', latitude: 0, longitude: 0, price_factor: 1 }],
    facilities: [{ id: 'f-ny5', code: 'ny5', name: 'NY5', metro_id: 'm-ny', features: [] }],
    plans: [
      {
        id: 'p-c3',
        slug: 'c3.small.x86',
        name: 'c3',
        description: '',
        category: 'compute',
        line: 'baremetal',
        type: 'standard',
        specs: {},
        price_hour: 1,
        deployment_types: ['on_demand'],
      },
    ],
    operating_systems: [
      { id: 'o-u', slug: 'ubuntu_24_04', name: 'Ubuntu', distro: 'ubuntu', version: '24.04', provisionable_on: ['c3.small.x86'] },
    ],
    machines: [{ plan_id: 'p-c3', facility_id: 'f-ny5', metro_id: 'm-ny' }],
  };
  const db = {
    query: async (sql: string) => rows[Object.keys(rows).find((table) => sql.includes(`FROM ${table}`))!],
  } as unknown as Queryable;
  const world = new World();
  await world.load(db);
  return world;
}

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetalError) return err.errors;
    throw err;
  }
  return [];
};

describe('device create rules', () => {
  it('places a good request in its metro with the facilities there', async () => {
    const checked = checkCreate(await catalog(), actor, PROJECT, {
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'ubuntu_24_04',
    } as DeviceCreateInput);
    expect({ metro: checked.metro.code, facilities: checked.facilities.map((f) => f.code), os: checked.os.slug }).toEqual({
      metro: 'ny',
      facilities: ['ny5'],
      os: 'ubuntu_24_04',
    });
  });

  it('names every problem of a request, each with its field and a fix', async () => {
    const world = await catalog();
    const input = {
      plan: 'c9.huge',
      metro: 'nyc',
      operating_system: 'ubuntu_2404',
      project_id: 'other',
      spot_instance: true,
    } as unknown as DeviceCreateInput;
    expect(problems(() => checkCreate(world, actor, PROJECT, input))).toEqual([
      'plan: unknown plan "c9.huge"; valid values: c3.small.x86',
      `project_id: names project other but the path names ${PROJECT}; drop project_id or make them match`,
      expect.stringMatching(/^metro: unknown metro "nyc"; did you mean "ny"\?/),
      expect.stringMatching(/^operating_system: unknown operating system "ubuntu_2404"; did you mean "ubuntu_24_04"\?/),
      expect.stringMatching(/^spot_instance: spot devices are created through spot market requests/),
    ]);
  });

  it('gives each item of a batch its own verdict: foreign project, unknown key, or its keys', async () => {
    const item = (projectId: string, input: Partial<DeviceCreateInput> = {}) => ({ projectId, actor, input }) as unknown as CheckedCreate;
    const verdicts = accessAndKeys(
      [item(PROJECT), item('p-foreign'), item(PROJECT, { project_ssh_keys: ['k-missing'] }), item(PROJECT, { no_ssh_keys: true })],
      [
        { id: PROJECT, organization_id: 'org1' },
        { id: 'p-foreign', organization_id: 'org2' },
      ],
      [
        { id: 'k1', project_id: PROJECT, user_id: null },
        { id: 'k2', project_id: null, user_id: 'u1' },
        { id: 'k3', project_id: 'p-foreign', user_id: null },
      ],
    );
    expect(verdicts[0]).toEqual(['k1', 'k2']);
    expect(verdicts[1]).toEqual(new MetalError('not_found', 'project p-foreign not found'));
    expect((verdicts[2] as MetalError).errors).toEqual([
      'project_ssh_keys: ssh key k-missing does not exist in this project or for this user',
    ]);
    expect(verdicts[3]).toEqual([]);
  });
});
