/**
 * One mistake, one sentence: the same bad metro, plan, operating system or bid is worded alike by the constructs
 * (at synth time), the API (its 422) and the provider (its plan-time diagnostics), since all three take the wording
 * from lib/contract. Each layer names the field its own way before the sentence ("operating_system: ..." in the API
 * and the provider, "operatingSystem: ..." in the constructs).
 */
import { Testing, TerraformStack } from 'cdktf';
import { BareMetalDevice, MetalProject, MetalProvider, MetalValidationError, SpotBid } from '../../lib/constructs';
import type { ValueObject } from '../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from '../provider/resources/runtime-harness';

jest.setTimeout(120_000);

/** The problems a construct reports, or [] when it is fine. */
function constructProblems(make: (stack: TerraformStack, project: MetalProject) => unknown): string[] {
  const stack = new TerraformStack(Testing.app(), 'wording');
  new MetalProvider(stack, 'metal');
  const project = new MetalProject(stack, 'project');
  try {
    make(stack, project);
    return [];
  } catch (err) {
    if (err instanceof MetalValidationError) return [...err.problems];
    throw err;
  }
}

/** The sentence after "field: " in the one problem about `field`. */
function sentenceAbout(field: string, problems: string[]): string {
  const about = problems.filter((p) => p.startsWith(`${field}: `));
  expect(about).toHaveLength(1);
  return about[0].slice(field.length + 2);
}

describe('one wording per problem, in the constructs, the API and the provider', () => {
  let world: RuntimeWorld;
  let projectId: string;

  beforeAll(async () => {
    world = await startRuntimeWorld();
    projectId = (await world.client.projects.create({ name: 'wording' })).id;
    await world.cloud.engine.spot.clear();
  });
  afterAll(async () => {
    await world?.close();
  });

  const apiErrors = async (path: string, body: object): Promise<string[]> => {
    const response = await world.cloud.app.inject({
      method: 'POST',
      url: `/metal/v1/projects/${projectId}/${path}`,
      headers: { 'x-auth-token': world.cloud.adminToken },
      payload: body,
    });
    expect(response.statusCode).toBe(422);
    return (response.json() as { errors: string[] }).errors;
  };
  const providerDetails = async (typeName: string, values: ValueObject): Promise<string[]> => {
    const validated = await world.runtime.validateResourceConfig(typeName, world.config(typeName, values));
    const planned = validated.length ? [] : (await world.plan(typeName, null, values)).diagnostics;
    return [...validated, ...planned].filter((d) => d.severity === 'error').map((d) => d.detail ?? '');
  };

  const device = { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' };
  test.each([
    ['an unknown metro', { metro: 'nyc' }, 'metro', 'metro', /^unknown metro "nyc"; did you mean "ny"\? \(valid values: am, /],
    ['an unknown plan', { plan: 'c3.smal.x86' }, 'plan', 'plan', /^unknown plan "c3.smal.x86"; did you mean "c3.small.x86"/],
    [
      'a plan not offered in the metro',
      { plan: 'g2.large.x86', metro: 'fr' },
      'plan',
      'plan',
      /^g2.large.x86 is not offered in metro fr; plans there: /,
    ],
    [
      'an unknown operating system',
      { operating_system: 'ubuntu_2404' },
      'operating_system',
      'operatingSystem',
      /^unknown operating system "ubuntu_2404"; did you mean "ubuntu_24_04"/,
    ],
    [
      'an operating system that does not run on the plan',
      { operating_system: 'windows_2022' },
      'operating_system',
      'operatingSystem',
      /^windows_2022 cannot be installed on plan c3.small.x86; it runs on /,
    ],
  ])('a device with %s', async (_what, change, field, propName, expected) => {
    const input = { ...device, ...change };
    const sentence = sentenceAbout(field, await apiErrors('devices', input));
    expect(sentence).toMatch(expected);
    expect(await providerDetails('metal_device', { project_id: projectId, hostname: 'wording', ...input })).toContain(
      `${field}: ${sentence}`,
    );
    const problems = constructProblems(
      (stack, project) =>
        new BareMetalDevice(stack, 'd', { project, metro: input.metro, plan: input.plan, operatingSystem: input.operating_system }),
    );
    expect(problems).toContain(`${propName}: ${sentence}`);
  });

  const bid = { devices_min: 1, devices_max: 2, max_bid_price: 0.3, metro: 'ny' };
  const params = { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'wording-{{index}}' };
  test.each([
    ['a bid of 0', { max_bid_price: 0 }, 'max_bid_price', 'maxBidPrice', /^must be greater than 0$/],
    ['devices_min of 0', { devices_min: 0 }, 'devices_min', 'devicesMin', /^must be at least 1$/],
    ['an unknown metro', { metro: 'nyc' }, 'metro', 'metros[0]', /^unknown metro "nyc"; did you mean "ny"\?/],
    ['an end that is not a time', { end_at: 'tomorrow' }, 'end_at', 'endAt', /^must be an RFC 3339 date-time such as /],
  ])('a spot bid with %s', async (_what, change, field, propName, expected) => {
    const input = { ...bid, ...change };
    const sentence = sentenceAbout(
      field,
      await apiErrors('spot-market-requests', { ...input, instance_parameters: { ...params, hostname: 'w' } }),
    );
    expect(sentence).toMatch(expected);
    expect(
      await providerDetails('metal_spot_market_request', {
        project_id: projectId,
        ...input,
        instance_parameters: [{ ...params, hostname: 'w' }],
      }),
    ).toContain(`${field}: ${sentence}`);
    const problems = constructProblems(
      (stack, project) =>
        new SpotBid(stack, 'b', {
          project,
          plan: params.plan,
          metros: [input.metro],
          devicesMin: input.devices_min,
          devicesMax: input.devices_max,
          maxBidPrice: input.max_bid_price,
          endAt: (input as { end_at?: string }).end_at,
        }),
    );
    expect(problems).toContain(`${propName}: ${sentence}`);
  });

  test("devices_max below devices_min: the same sentence, in each layer's names", async () => {
    const input = { ...bid, devices_min: 3, devices_max: 2 };
    const api = await apiErrors('spot-market-requests', {
      ...input,
      instance_parameters: { ...params, hostname: undefined, hostnames: ['a', 'b'] },
    });
    expect(api).toContain('devices_max: must be at least devices_min (3)');
    expect(
      await providerDetails('metal_spot_market_request', {
        project_id: projectId,
        ...input,
        instance_parameters: [{ ...params, hostname: 'w' }],
      }),
    ).toContain('devices_max: must be at least devices_min (3)');
    const problems = constructProblems(
      (stack, project) =>
        new SpotBid(stack, 'b', { project, plan: params.plan, metro: 'ny', devicesMin: 3, devicesMax: 2, maxBidPrice: 0.3 }),
    );
    expect(problems).toContain('devicesMax: must be at least devicesMin (3)');
  });

  test("one answer: a body the schema refuses also gets the domain rules' problems, each field named once", async () => {
    const deviceErrors = await apiErrors('devices', { ...device, hostname: '-bad-', metro: 'nyc', operating_system: 'windows_95' });
    expect(deviceErrors).toEqual([
      expect.stringMatching(/^hostname: must be a hostname/),
      expect.stringMatching(/^metro: unknown metro "nyc"/),
      expect.stringMatching(/^operating_system: unknown operating system "windows_95"/),
    ]);
    const spotErrors = await apiErrors('spot-market-requests', {
      ...bid,
      devices_min: 0,
      devices_max: 0,
      metro: 'nyc',
      instance_parameters: { ...params, hostname: 'w', operating_system: 'windows_95' },
    });
    expect(spotErrors).toEqual([
      'devices_min: must be at least 1',
      'devices_max: must be at least 1',
      expect.stringMatching(/^metro: unknown metro "nyc"/),
      expect.stringMatching(/^instance_parameters.operating_system: unknown operating system "windows_95"/),
    ]);
  });

  test('the OpenAPI document the server serves shows the bounds ajv enforces', async () => {
    const document = (await world.cloud.app.inject({ method: 'GET', url: '/metal/v1/openapi.json' })).json();
    const body = (path: string, method: string) => {
      const schema = document.paths[path][method].requestBody.content['application/json'].schema;
      return (schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema).properties;
    };
    expect(body('/projects/{id}/spot-market-requests', 'post')).toMatchObject({
      devices_min: { type: 'integer', minimum: 1 },
      devices_max: { type: 'integer', minimum: 1 },
      // OpenAPI 3.0's form of an exclusive bound.
      max_bid_price: { type: 'number', minimum: 0, exclusiveMinimum: true },
      instance_parameters: { properties: { hostname: { pattern: expect.any(String) } } },
    });
    expect(body('/spot-market-requests/{id}', 'put')).toMatchObject({ max_bid_price: { minimum: 0, exclusiveMinimum: true } });
  });
});
