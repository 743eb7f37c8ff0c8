import './setup-cdktf';
import { App, TerraformStack, Testing } from 'cdktf';
import { MetalStateBackend } from '../../lib/constructs';
import { expectProblems, stackWithProject, synthObject } from './helpers';

const PROJECT = '4f1c6c2e-8d0e-4d59-9a52-3d7f1f1f2a10';
const API = 'https://metal.example.com/metal/v1';

describe('MetalStateBackend', () => {
  test("configures the http backend with locking on the project's state, named after the stack, and no password", () => {
    const { stack } = stackWithProject();
    const backend = new MetalStateBackend(stack, 'state', { apiUrl: `${API}/`, projectId: PROJECT });
    const address = `${API}/projects/${PROJECT}/terraform/state/test`;
    expect(backend.address).toBe(address);
    const synth = synthObject(stack) as unknown as { terraform: { backend: Record<string, Record<string, unknown>> } };
    expect(synth.terraform.backend).toEqual({
      http: {
        address,
        lock_address: address,
        unlock_address: address,
        lock_method: 'LOCK',
        unlock_method: 'UNLOCK',
        update_method: 'POST',
        username: 'metalforge',
      },
    });
    expect(Testing.synth(stack)).not.toMatch(/password/);
  });

  test('takes a state name and a user name', () => {
    const { stack } = stackWithProject();
    new MetalStateBackend(stack, 'state', { apiUrl: API, projectId: PROJECT, stateName: 'prod.web', username: 'ci' });
    const { http } = (synthObject(stack) as unknown as { terraform: { backend: { http: Record<string, string> } } }).terraform.backend;
    expect(http.address).toBe(`${API}/projects/${PROJECT}/terraform/state/prod.web`);
    expect(http.username).toBe('ci');
  });

  test('reports every bad prop at once', () => {
    const { stack } = stackWithProject();
    expectProblems(
      () => new MetalStateBackend(stack, 'bad', { apiUrl: 'metal.example.com', projectId: 'web', stateName: 'prod/web' }),
      [
        'MetalStateBackend test/bad',
        'apiUrl "metal.example.com" is not an http(s) URL',
        'projectId "web" is not a project id',
        'stateName "prod/web" is not a valid state name; use 1 to 128 letters',
      ],
      3,
    );
  });

  test('fromEnvironment opts in only when METALFORGE_STATE_PROJECT is set', () => {
    const app = Testing.app();
    const local = new TerraformStack(app, 'local');
    expect(MetalStateBackend.fromEnvironment(local, {})).toBeUndefined();
    expect(JSON.parse(Testing.synth(local)).terraform?.backend?.http).toBeUndefined();

    const remote = new TerraformStack(new App(), 'web-ny');
    const backend = MetalStateBackend.fromEnvironment(remote, { METALFORGE_STATE_PROJECT: PROJECT, METAL_API_URL: API });
    expect(backend?.address).toBe(`${API}/projects/${PROJECT}/terraform/state/web-ny`);
    expect(JSON.parse(Testing.synth(remote)).terraform.backend.http.address).toBe(backend?.address);

    expectProblems(
      () => MetalStateBackend.fromEnvironment(new TerraformStack(new App(), 'x'), { METALFORGE_STATE_PROJECT: PROJECT }),
      ['apiUrl "" is not an http(s) URL'],
      1,
    );
  });
});
