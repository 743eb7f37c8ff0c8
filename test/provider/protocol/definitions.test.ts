import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  LOADER_OPTIONS,
  PROTO_DIR,
  PROTO_FILES,
  serviceDefinitions,
  type ServiceDefinitions,
} from '../../../lib/provider/protocol/definitions';

// The definitions are built without @grpc/proto-loader for start-up time; they must behave as its output would.
const reference = protoLoader.loadSync(
  PROTO_FILES.map((file) => path.join(PROTO_DIR, file)),
  LOADER_OPTIONS,
);
const services: Record<keyof ServiceDefinitions, string> = {
  provider: 'tfplugin6.Provider',
  controller: 'plugin.GRPCController',
  stdio: 'plugin.GRPCStdio',
  broker: 'plugin.GRPCBroker',
  health: 'grpc.health.v1.Health',
};
const referenceService = (name: string) => reference[name] as grpc.ServiceDefinition;

describe('gRPC service definitions', () => {
  it.each(Object.entries(services))("%s has proto-loader's method table", (key, name) => {
    const ours = serviceDefinitions()[key as keyof ServiceDefinitions];
    const theirs = referenceService(name);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const [method, definition] of Object.entries(theirs)) {
      const { path: rpcPath, requestStream, responseStream, originalName } = definition;
      expect(ours[method]).toMatchObject({ path: rpcPath, requestStream, responseStream, originalName });
    }
  });

  const schemaResponse = {
    provider: {
      version: 1,
      block: { version: 2, attributes: [{ name: 'endpoint', type: Buffer.from('"string"'), optional: true, description_kind: 'PLAIN' }] },
    },
    resource_schemas: {
      metal_device: { version: 3, block: { attributes: [{ name: 'id', type: Buffer.from('"string"'), computed: true }] } },
    },
    diagnostics: [{ severity: 'ERROR', summary: 'broken', attribute: { steps: [{ attribute_name: 'a' }, { element_key_int: 7 }] } }],
  };

  it('serializes messages byte for byte as proto-loader does and reads them back the same way', () => {
    const ours = serviceDefinitions().provider.GetProviderSchema;
    const theirs = referenceService('tfplugin6.Provider').GetProviderSchema;
    const bytes = ours.responseSerialize(schemaResponse);
    expect(bytes.equals(theirs.responseSerialize(schemaResponse))).toBe(true);
    const decoded = ours.responseDeserialize(bytes);
    expect(decoded).toEqual(theirs.responseDeserialize(bytes));
    // Options as proto-loader's: enums as names, int64 as numbers, bytes as Buffers, defaults and oneof names filled in.
    expect(decoded).toMatchObject({
      provider: {
        version: 1,
        block: { version: 2, attributes: [{ name: 'endpoint', optional: true, required: false, description_kind: 'PLAIN' }] },
      },
      diagnostics: [
        {
          severity: 'ERROR',
          attribute: {
            steps: [
              { attribute_name: 'a', selector: 'attribute_name' },
              { element_key_int: 7, selector: 'element_key_int' },
            ],
          },
        },
      ],
    });
    expect(Buffer.isBuffer((decoded as typeof schemaResponse).provider.block.attributes[0].type)).toBe(true);
  });

  it('refuses an array where a message belongs, naming the message', () => {
    expect(() => serviceDefinitions().health.Check.requestSerialize([])).toThrow(/HealthCheckRequest/);
  });
});
