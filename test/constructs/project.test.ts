import './setup-cdktf';
import { Testing } from 'cdktf';
import { MetalProvider as MetalProviderL1 } from '../../lib/gen/providers/metal/provider';
import { Project } from '../../lib/gen/providers/metal/project';
import { ProjectSshKey as ProjectSshKeyL1 } from '../../lib/gen/providers/metal/project-ssh-key';
import { MetalProject, MetalProvider, ProjectSshKey } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject } from './helpers';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop';

describe('MetalProvider', () => {
  test('with no props leaves api_url and auth_token to METAL_API_URL / METAL_AUTH_TOKEN', () => {
    const { stack } = stackWithProject();
    const synth = JSON.parse(Testing.synth(stack));
    expect(synth.provider.metal).toEqual([{}]);
    expect(synth.terraform.required_providers.metal).toEqual({ source: 'metalforge/metal', version: '0.1.0' });
  });

  test('passes settings and validates them', () => {
    const { stack } = stackWithProject();
    new MetalProvider(stack, 'other', { apiUrl: 'http://127.0.0.1:9000/metal/v1', alias: 'other', maxRetries: 3 });
    expect(Testing.synth(stack)).toHaveProviderWithProperties(MetalProviderL1, {
      api_url: 'http://127.0.0.1:9000/metal/v1',
      max_retries: 3,
    });
    expectProblems(
      () => new MetalProvider(stack, 'bad', { apiUrl: '127.0.0.1:8080', maxRetries: -1, requestTimeout: 0 }),
      ['apiUrl "127.0.0.1:8080" is not an http(s) URL', 'maxRetries is -1', 'requestTimeout is 0; it must be a number greater than 0'],
    );
  });
});

describe('MetalProject', () => {
  test('creates a project named after the id unless named', () => {
    const { stack } = stackWithProject();
    new MetalProject(stack, 'named', { name: 'Web Tier', backendTransfer: true });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Project, { name: 'project' });
    expect(synth).toHaveResourceWithProperties(Project, { name: 'Web Tier', backend_transfer: true });
    expect(synth).toMatchSnapshot();
  });

  test('fromProjectId imports without creating anything', () => {
    const { stack } = stackWithProject();
    const imported = MetalProject.fromProjectId(stack, 'existing', '5f0e6a8c-0000-4000-8000-000000000002');
    expect(imported.projectId).toBe('5f0e6a8c-0000-4000-8000-000000000002');
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.metal_project)).toHaveLength(1);
    expectProblems(() => MetalProject.fromProjectId(stack, 'empty', ' '), ['projectId is empty']);
  });

  test('a name over 80 characters is an error', () => {
    const { stack } = stackWithProject();
    expectProblems(() => new MetalProject(stack, 'long', { name: 'x'.repeat(81) }), ['must be 1 to 80 characters long (it has 81)']);
  });

  test('enables BGP with a private ASN and local deployment by default, and checks the options', () => {
    const { stack } = stackWithProject();
    new MetalProject(stack, 'bgp', { bgp: {} });
    new MetalProject(stack, 'global', { bgp: { asn: 64512, deploymentType: 'global', md5: 'C179c28c41a85b' } });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Project, { name: 'bgp', bgp_config: { asn: 65000, deployment_type: 'local' } });
    expect(synth).toHaveResourceWithProperties(Project, {
      name: 'global',
      bgp_config: { asn: 64512, deployment_type: 'global', md5: 'C179c28c41a85b' },
    });
    const error = expectProblems(
      () => new MetalProject(stack, 'bad', { bgp: { asn: 2 ** 32, md5: 'password' } }),
      [
        'bgp.asn: 4294967296 must be at most 4294967295',
        'bgp.md5: the password must be 10 to 20 letters and digits, with at least one lowercase letter, one uppercase letter and one digit (it is 8 characters long)',
      ],
    );
    expect(error.message).not.toContain('"password"');
  });
});

describe('ProjectSshKey', () => {
  test('creates a project key and exposes its id', () => {
    const { stack, project } = stackWithProject();
    const key = new ProjectSshKey(stack, 'deploy', { project, publicKey: `${KEY}\n` });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ProjectSshKeyL1, { name: 'deploy', public_key: KEY });
    expect(synth).toMatchSnapshot();
    expect(resolved(stack, key.sshKeyId)).toMatch(/^\$\{metal_project_ssh_key\.deploy_key_\w+\.id\}$/);
    expect(ProjectSshKey.fromSshKeyId(stack, 'k', 'abc')).toMatchObject({ sshKeyId: 'abc', scope: 'project' });
  });

  test('a malformed public key is an error showing the value and the expected format', () => {
    const { stack, project } = stackWithProject();
    expectProblems(
      () => new ProjectSshKey(stack, 'bad', { project, publicKey: 'ssh-dss AAAA me' }),
      ['publicKey "ssh-dss AAAA me" is not an OpenSSH public key; pass the one line of a .pub file'],
    );
  });
});
