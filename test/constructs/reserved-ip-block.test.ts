import './setup-cdktf';
import { TerraformVariable, Testing } from 'cdktf';
import { DataMetalReservedIpBlock } from '../../lib/gen/providers/metal/data-metal-reserved-ip-block';
import { ReservedIpBlock as ReservedIpBlockL1 } from '../../lib/gen/providers/metal/reserved-ip-block';
import { Metro, ReservedIpBlock } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject } from './helpers';

describe('ReservedIpBlock', () => {
  test('reserves one public IPv4 address in a metro by default, and passes description, tags and custom data', () => {
    const { stack, project } = stackWithProject();
    new ReservedIpBlock(stack, 'one', { project, metro: 'ny' });
    const block = new ReservedIpBlock(stack, 'web', {
      project,
      metro: Metro.of('da'),
      quantity: 8,
      description: 'web VIPs',
      tags: ['web'],
      customData: { owner: 'web' },
    });
    const anycast = new ReservedIpBlock(stack, 'anycast', { project, type: 'global_ipv4' });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, { type: 'public_ipv4', quantity: 1, metro: 'ny' });
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, {
      type: 'public_ipv4',
      quantity: 8,
      metro: 'da',
      description: 'web VIPs',
      tags: ['web'],
      custom_data: '{"owner":"web"}',
    });
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, { type: 'global_ipv4', quantity: 1 });
    expect([block.type, block.metro, anycast.metro]).toEqual(['public_ipv4', 'da', undefined]);
    expect(resolved(stack, anycast.cidrNotation)).toMatch(/^\$\{metal_reserved_ip_block\.anycast_block_[0-9A-F]+\.cidr_notation\}$/);
    expect(synth).toMatchSnapshot();
  });

  test('collects every problem of type, quantity, metro, tags and custom data into one error', () => {
    const { stack, project } = stackWithProject();
    expectProblems(
      () => new ReservedIpBlock(stack, 'bad', { project, metro: 'nyc', quantity: 6, tags: ['a', 'a', ''], customData: '[1]' }),
      [
        'metro: unknown metro "nyc"',
        'quantity is 6; it must be a power of two',
        'tag "a" is listed twice',
        'tags contains an empty tag',
        `customData "[1]" is not a JSON object`,
      ],
    );
    expectProblems(
      () => new ReservedIpBlock(stack, 'global', { project, type: 'global_ipv4', metro: 'ny', quantity: 2 }),
      [
        'quantity is 2; a global_ipv4 block is reserved one address at a time: use 1',
        'a global_ipv4 address serves every metro; leave metro out',
      ],
    );
    expectProblems(
      () => new ReservedIpBlock(stack, 'nowhere', { project, quantity: 512 }),
      ['quantity: 512 must be at most 256', 'metro is not set; a public_ipv4 block belongs to one metro'],
    );
    expectProblems(
      () => new ReservedIpBlock(stack, 'typo', { project, type: 'public_ip4' as never, metro: 'ny' }),
      ['type "public_ip4" is not an IP block type; did you mean "public_ipv4"'],
    );
  });

  test('values known only at deploy time are not checked', () => {
    const { stack, project } = stackWithProject();
    const quantity = new TerraformVariable(stack, 'quantity', { type: 'number' }).numberValue;
    const metro = new TerraformVariable(stack, 'metro', { type: 'string' }).stringValue;
    new ReservedIpBlock(stack, 'late', { project, metro, quantity });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ReservedIpBlockL1, { quantity: '${var.quantity}', metro: '${var.metro}' });
  });

  test('fromBlockId reads an existing block and reserves nothing', () => {
    const { stack } = stackWithProject();
    const block = ReservedIpBlock.fromBlockId(stack, 'existing', '3f1f3e4c-0000-4000-8000-000000000001');
    expect(block.blockId).toBe('3f1f3e4c-0000-4000-8000-000000000001');
    const synth = Testing.synth(stack);
    expect(synth).toHaveDataSourceWithProperties(DataMetalReservedIpBlock, { id: '3f1f3e4c-0000-4000-8000-000000000001' });
    expect(synth).not.toHaveResource(ReservedIpBlockL1);
    expectProblems(() => ReservedIpBlock.fromBlockId(stack, 'empty', ' '), ['blockId is empty']);
  });
});
