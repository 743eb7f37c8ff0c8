import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { generateBindings, GEN_DIR, REGENERATE_BINDINGS } from '../../lib/codegen/bindings';
import { CATALOG_CODES_FILE, REGENERATE_CATALOG_CODES, renderCatalogCodes } from '../../lib/codegen/catalog-codes';
import { DOCS_DIR, REGENERATE_DOCS, renderDocs } from '../../lib/codegen/docs';
import { PROVIDER_MODELS_FILE, renderProviderModels } from '../../lib/codegen/provider-models';
import { loadProviderPin, loadSchemaFile, metalProvider, SchemaAttribute, SchemaBlock } from '../../lib/codegen/schema';
import { changeDescriptions, UPDATES_IN_PLACE } from '../../lib/provider/framework/plan-modifiers';
import { definitions } from '../../lib/provider/registry';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Compares generated with committed files; a difference names the files and the command that fixes it. */
function expectSame(generated: Map<string, string>, committed: Map<string, string>, what: string, command: string): void {
  const stale = [...new Set([...generated.keys(), ...committed.keys()])]
    .filter((path) => generated.get(path) !== committed.get(path))
    .sort();
  if (stale.length) {
    throw new Error(`${what} is stale (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}); regenerate with: ${command}`);
  }
}

/** expectSame for one generated file. */
function expectFileSame(generated: string, path: string, what: string, command: string): void {
  const name = basename(path);
  expectSame(new Map([[name, generated]]), new Map([[name, readFileSync(path, 'utf8')]]), what, command);
}

describe('generated files match provider-schema/', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'metalforge-codegen-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('docs/', () => {
    const committed = new Map([...files(DOCS_DIR)].filter(([path]) => path === 'index.md' || /^(resources|data-sources)\//.test(path)));
    expectSame(renderDocs(), committed, 'docs/', REGENERATE_DOCS);
  });

  test('lib/gen/', async () => {
    await generateBindings(tmp);
    expectSame(files(join(tmp, 'providers')), files(join(GEN_DIR, 'providers')), 'lib/gen/', REGENERATE_BINDINGS);
  });

  test('lib/provider/generated/models.ts', () => {
    expectFileSame(renderProviderModels(), PROVIDER_MODELS_FILE, 'lib/provider/generated/models.ts', REGENERATE_BINDINGS);
  });

  test('lib/constructs/catalog-codes.ts', () => {
    expectFileSame(renderCatalogCodes(), CATALOG_CODES_FILE, 'lib/constructs/catalog-codes.ts', REGENERATE_CATALOG_CODES);
  });

  test('a stale copy fails with the regenerate command', () => {
    expect(() => expectSame(new Map([['a.md', 'new']]), new Map([['a.md', 'old']]), 'docs/', REGENERATE_DOCS)).toThrow(
      'docs/ is stale (a.md); regenerate with: npx tsx lib/codegen/docs.ts',
    );
  });
});

describe('provider-schema/metal.json', () => {
  const file = loadSchemaFile();
  const { fqpn, schema } = metalProvider(file);
  const groups: Array<[string, Record<string, { block: SchemaBlock }>]> = [
    ['provider', { provider: schema.provider }],
    ['resource', schema.resource_schemas],
    ['data source', schema.data_source_schemas],
  ];

  /** Every attribute with its dotted path, nested blocks included. */
  function attributes(block: SchemaBlock, prefix = ''): Array<[string, SchemaAttribute]> {
    return [
      ...Object.entries(block.attributes ?? {}).map(([n, a]): [string, SchemaAttribute] => [prefix + n, a]),
      ...Object.entries(block.block_types ?? {}).flatMap(([n, b]) => attributes(b.block, `${prefix}${n}.`)),
    ];
  }

  function isCtyType(t: unknown): boolean {
    if (typeof t === 'string') return ['string', 'number', 'bool', 'dynamic'].includes(t);
    if (!Array.isArray(t) || t.length !== 2) return false;
    if (t[0] === 'object') return Object.values(t[1] as object).every(isCtyType);
    return ['list', 'set', 'map'].includes(t[0]) && isCtyType(t[1]);
  }

  test('is the terraform providers schema -json shape, its version pinned in provider.json', () => {
    expect(Object.keys(file).sort()).toEqual(['format_version', 'provider_schemas']);
    expect(file.format_version).toBe('1.0');
    expect(fqpn).toBe('registry.terraform.io/metalforge/metal');
    expect(loadProviderPin()).toEqual({ source: 'metalforge/metal', version: '0.1.0' });
    expect(Object.keys(schema.resource_schemas).sort()).toEqual([
      'metal_bgp_session',
      'metal_device',
      'metal_device_network_type',
      'metal_gateway',
      'metal_ip_attachment',
      'metal_port',
      'metal_port_vlan_attachment',
      'metal_project',
      'metal_project_api_key',
      'metal_project_ssh_key',
      'metal_reserved_ip_block',
      'metal_spot_market_request',
      'metal_ssh_key',
      'metal_vlan',
    ]);
    expect(Object.keys(schema.data_source_schemas).sort()).toEqual([
      'metal_capacity',
      'metal_device',
      'metal_device_bgp_neighbors',
      'metal_devices',
      'metal_facility',
      'metal_gateway',
      'metal_ip_block_ranges',
      'metal_metro',
      'metal_operating_system',
      'metal_plans',
      'metal_port',
      'metal_precreated_ip_block',
      'metal_project',
      'metal_reserved_ip_block',
      'metal_spot_market_price',
      'metal_spot_market_request',
      'metal_vlan',
    ]);
  });

  test.each(groups)('every %s attribute and block has a description, a valid type and consistent flags', (_kind, entries) => {
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(entries)) {
      const blocks: Array<[string, SchemaBlock]> = [[name, entry.block]];
      for (let i = 0; i < blocks.length; i++) {
        const [path, block] = blocks[i];
        if (!block.description?.trim()) problems.push(`${path}: block has no description`);
        for (const [n, b] of Object.entries(block.block_types ?? {})) {
          blocks.push([`${path}.${n}`, b.block]);
          if (!['single', 'list', 'set', 'map', 'group'].includes(b.nesting_mode)) problems.push(`${path}.${n}: bad nesting_mode`);
        }
      }
      for (const [path, attr] of attributes(entry.block)) {
        const where = `${name}.${path}`;
        if (!attr.description?.trim()) problems.push(`${where}: no description`);
        if (!isCtyType(attr.type)) problems.push(`${where}: type ${JSON.stringify(attr.type)} is not a cty type`);
        if (!attr.required && !attr.optional && !attr.computed) problems.push(`${where}: neither required, optional nor computed`);
        if (attr.required && (attr.optional || attr.computed)) problems.push(`${where}: required together with optional/computed`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every resource and data source has a computed id', () => {
    for (const entries of [schema.resource_schemas, schema.data_source_schemas]) {
      for (const [name, entry] of Object.entries(entries)) {
        expect([name, entry.block.attributes?.id?.computed]).toEqual([name, true]);
      }
    }
  });

  test('metal_device keeps the equinix/metal attribute names and says how each change applies', () => {
    const device = schema.resource_schemas.metal_device.block;
    const attrs = device.attributes!;
    for (const name of [
      'project_id',
      'hostname',
      'description',
      'plan',
      'metro',
      'facilities',
      'operating_system',
      'billing_cycle',
      'user_data',
      'custom_data',
      'ipxe_script_url',
      'always_pxe',
      'hardware_reservation_id',
      'tags',
      'locked',
      'project_ssh_key_ids',
      'user_ssh_key_ids',
      'termination_time',
      'wait_for_reservation_deprovision',
      'force_detach_volumes',
      'id',
      'state',
      'access_public_ipv4',
      'access_public_ipv6',
      'access_private_ipv4',
      'network',
      'ports',
      'root_password',
      'ssh_key_ids',
      'created',
      'updated',
      'deployed_facility',
      'sos_hostname',
      'network_type',
      'deployed_hardware_reservation_id',
    ]) {
      expect([name, name in attrs]).toEqual([name, true]);
    }
    expect(Object.keys(device.block_types!).sort()).toEqual(['behavior', 'ip_address', 'reinstall', 'timeouts']);
    expect(Object.keys(device.block_types!.reinstall.block.attributes!).sort()).toEqual(['deprovision_fast', 'enabled', 'preserve_data']);
    const says = (names: string[], text: string) =>
      names.forEach((n) => expect([n, attrs[n].description]).toEqual([n, expect.stringContaining(text)]));
    says(
      ['project_id', 'metro', 'plan', 'billing_cycle', 'hardware_reservation_id', 'project_ssh_key_ids', 'user_ssh_key_ids'],
      'forces a new resource',
    );
    says(['operating_system', 'user_data', 'custom_data'], 'then the device is reinstalled in place');
    says(['hostname', 'description', 'tags', 'locked', 'ipxe_script_url', 'always_pxe'], 'Updated in place');
    expect(['plan', 'operating_system', 'project_id'].every((n) => attrs[n].required)).toBe(true);
    expect(attrs.facilities.deprecated).toBe(true);
  });

  test('metal_spot_market_request keeps the equinix/metal attribute names and says how each change applies', () => {
    const request = schema.resource_schemas.metal_spot_market_request.block;
    const attrs = request.attributes!;
    for (const name of [
      'project_id',
      'max_bid_price',
      'facilities',
      'metro',
      'devices_min',
      'devices_max',
      'end_at',
      'wait_for_devices',
      'id',
      'device_ids',
      'devices',
      'kind',
    ]) {
      expect([name, name in attrs]).toEqual([name, true]);
    }
    expect(Object.keys(request.block_types!).sort()).toEqual(['instance_parameters', 'timeouts']);
    const params = request.block_types!.instance_parameters;
    for (const name of [
      'billing_cycle',
      'plan',
      'operating_system',
      'hostname',
      'always_pxe',
      'description',
      'features',
      'locked',
      'project_ssh_keys',
      'user_ssh_keys',
      'userdata',
      'customdata',
      'ipxe_script_url',
      'tags',
    ]) {
      expect([name, name in params.block.attributes!]).toEqual([name, true]);
    }
    expect(params.block.description).toContain('forces a new request');
    const says = (names: string[], text: string) =>
      names.forEach((n) => expect([n, attrs[n].description]).toEqual([n, expect.stringContaining(text)]));
    says(['project_id', 'kind'], 'forces a new request');
    says(['metro', 'facilities'], 'recorded in place');
    says(['devices_min', 'devices_max', 'max_bid_price', 'end_at', 'wait_for_devices'], 'Updated in place');
    for (const name of ['devices_min', 'devices_max', 'max_bid_price', 'end_at'])
      expect([name, attrs[name].description]).toEqual([name, expect.not.stringContaining('forces a new')]);
    expect(Object.keys(request.block_types!.timeouts.block.attributes!).sort()).toEqual(['create', 'delete', 'update']);
    expect([params.block.attributes!.userdata, params.block.attributes!.customdata].every((a) => a.sensitive)).toBe(true);
  });

  test("every resource argument's description agrees with its plan modifiers on whether a change forces replacement", () => {
    const problems: string[] = [];
    for (const [type, entry] of Object.entries(schema.resource_schemas)) {
      const definition = definitions.resources.find((d) => d.typeName === type)!;
      const described: Array<[string, string | undefined]> = [
        ...Object.entries(entry.block.attributes ?? {})
          .filter(([, a]) => a.required || a.optional)
          .map(([n, a]): [string, string] => [n, a.description]),
        ...Object.entries(entry.block.block_types ?? {}).map(([n, b]): [string, string | undefined] => [n, b.block.description]),
      ];
      for (const [name, description = ''] of described) {
        const replaces = changeDescriptions(definition, name, true)[0] !== UPDATES_IN_PLACE;
        if (/forces a new/.test(description) && !replaces)
          problems.push(`${type}.${name}: says it forces a new resource, but no plan modifier replaces it`);
        if (/Updated in place/.test(description) && replaces)
          problems.push(`${type}.${name}: says it is updated in place, but a plan modifier replaces it`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('secrets are sensitive', () => {
    const device = schema.resource_schemas.metal_device.block.attributes!;
    expect([device.user_data, device.custom_data, device.root_password].every((a) => a.sensitive)).toBe(true);
    expect(schema.provider.block.attributes!.auth_token.sensitive).toBe(true);
    expect(schema.resource_schemas.metal_project_api_key.block.attributes!.token.sensitive).toBe(true);
  });

  test('the IP block and BGP types keep the equinix/metal attribute names', () => {
    const names = (block: SchemaBlock) => [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})].sort();
    expect(names(schema.resource_schemas.metal_reserved_ip_block.block)).toEqual(
      [
        'address',
        'address_family',
        'cidr',
        'cidr_notation',
        'custom_data',
        'description',
        'facility',
        'gateway',
        'global',
        'id',
        'manageable',
        'management',
        'metro',
        'netmask',
        'network',
        'project_id',
        'public',
        'quantity',
        'tags',
        'type',
        'wait_for_state',
      ].sort(),
    );
    expect(names(schema.resource_schemas.metal_ip_attachment.block)).toEqual(
      [
        'address',
        'address_family',
        'cidr',
        'cidr_notation',
        'device_id',
        'gateway',
        'global',
        'id',
        'manageable',
        'management',
        'netmask',
        'network',
        'public',
      ].sort(),
    );
    expect(['device_id', 'cidr_notation'].every((n) => schema.resource_schemas.metal_ip_attachment.block.attributes![n].required)).toBe(
      true,
    );
    expect(names(schema.resource_schemas.metal_bgp_session.block)).toEqual([
      'address_family',
      'default_route',
      'device_id',
      'id',
      'status',
    ]);
    expect(names(schema.resource_schemas.metal_project.block.block_types!.bgp_config.block)).toEqual([
      'asn',
      'deployment_type',
      'max_prefix',
      'md5',
      'status',
    ]);
    expect(schema.resource_schemas.metal_project.block.block_types!.bgp_config.block.attributes!.md5.sensitive).toBe(true);
    expect(schema.data_source_schemas.metal_device_bgp_neighbors.block.attributes!.bgp_neighbors.sensitive).toBe(true);
  });

  test('the layer 2 types keep the equinix/metal attribute names and change rules', () => {
    const names = (block: SchemaBlock) => Object.keys(block.attributes ?? {}).sort();
    const resources = schema.resource_schemas;
    expect(names(resources.metal_vlan.block)).toEqual(['description', 'facility', 'id', 'metro', 'project_id', 'vxlan']);
    expect(names(resources.metal_port.block)).toEqual(
      [
        'bond_id',
        'bond_name',
        'bonded',
        'disbond_supported',
        'id',
        'layer2',
        'mac',
        'name',
        'native_vlan_id',
        'network_type',
        'port_id',
        'reset_on_delete',
        'type',
        'vlan_ids',
        'vxlan_ids',
      ].sort(),
    );
    expect(names(resources.metal_port_vlan_attachment.block)).toEqual(
      ['device_id', 'force_bond', 'id', 'native', 'port_id', 'port_name', 'vlan_id', 'vlan_vnid'].sort(),
    );
    expect(names(resources.metal_device_network_type.block)).toEqual(['device_id', 'id', 'type']);
    expect(names(resources.metal_gateway.block)).toEqual(
      ['id', 'ip_reservation_id', 'private_ipv4_subnet_size', 'project_id', 'state', 'vlan_id', 'vrf_id'].sort(),
    );
    const sources = schema.data_source_schemas;
    expect(names(sources.metal_vlan.block)).toEqual(
      ['assigned_devices_ids', 'description', 'facility', 'id', 'metro', 'project_id', 'vlan_id', 'vxlan'].sort(),
    );
    expect(names(sources.metal_gateway.block)).toEqual(
      ['gateway_id', 'id', 'ip_reservation_id', 'private_ipv4_subnet_size', 'project_id', 'state', 'vlan_id', 'vrf_id'].sort(),
    );
    expect(names(sources.metal_port.block)).toEqual(expect.arrayContaining(['port_id', 'device_id', 'name', 'vlan_ids', 'vxlan_ids']));
    // In place: the port's setup, the attachment's native flag, the device's network type; everything else replaces.
    const inPlace = (type: string, name: string) =>
      changeDescriptions(
        definitions.resources.find((d) => d.typeName === type)!,
        name,
        true,
      )[0] === UPDATES_IN_PLACE;
    expect(['bonded', 'layer2', 'vlan_ids', 'vxlan_ids', 'native_vlan_id'].every((n) => inPlace('metal_port', n))).toBe(true);
    expect(inPlace('metal_port', 'port_id')).toBe(false);
    expect(inPlace('metal_port_vlan_attachment', 'native')).toBe(true);
    expect(['device_id', 'port_name', 'vlan_vnid', 'force_bond'].some((n) => inPlace('metal_port_vlan_attachment', n))).toBe(false);
    expect([inPlace('metal_device_network_type', 'type'), inPlace('metal_device_network_type', 'device_id')]).toEqual([true, false]);
    expect(['project_id', 'metro', 'vxlan', 'description'].some((n) => inPlace('metal_vlan', n))).toBe(false);
    expect(['project_id', 'vlan_id', 'private_ipv4_subnet_size'].some((n) => inPlace('metal_gateway', n))).toBe(false);
  });

  test('metal_plans has the filter and sort blocks of the old provider', () => {
    const plans = schema.data_source_schemas.metal_plans.block.block_types!;
    expect(Object.keys(plans.filter.block.attributes!).sort()).toEqual(['all', 'attribute', 'match_by', 'values']);
    expect(Object.keys(plans.sort.block.attributes!).sort()).toEqual(['attribute', 'direction']);
  });
});
