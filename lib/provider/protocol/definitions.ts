/**
 * The gRPC service definitions: Terraform's tfplugin6.8 plus go-plugin's and gRPC's own services.
 *
 * Built straight from the protobufjs JSON descriptor rather than with @grpc/proto-loader, because proto-loader
 * resolves every type and encodes a FileDescriptorProto per message up front (measured: ~80 ms of a ~230 ms
 * provider start). The handshake needs only the method table; protobufjs is loaded and resolved on the first
 * message, and code-generates a type's codec on its first use. Conversion matches proto-loader's (LOADER_OPTIONS).
 */
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { embeddedProtoDescriptor } from './proto-embedded';

export const PROTO_DIR = path.join(__dirname, 'proto');
export const PROTO_FILES = ['tfplugin6.8.proto', 'grpc_controller.proto', 'grpc_stdio.proto', 'grpc_broker.proto', 'health.proto'];

/** int64 fields carry schema versions and item counts, all far below 2^53; bytes stay Buffers for msgpack. */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} satisfies protobuf.IConversionOptions & protobuf.IParseOptions;

export interface ServiceDefinitions {
  provider: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

/** protobufjs, the copy @grpc/proto-loader depends on. */
function protobufjs(): typeof protobuf {
  // A call-time require: the bundle evaluates protobufjs only when a message is first encoded or decoded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('protobufjs') as typeof protobuf;
}

/** Parses proto/*.proto; install.ts embeds the result's JSON into the executable. */
export function parseProtoFiles(): protobuf.Root {
  return new (protobufjs().Root)().loadSync(
    PROTO_FILES.map((file) => path.join(PROTO_DIR, file)),
    { keepCase: LOADER_OPTIONS.keepCase },
  );
}

let root: protobuf.Root | undefined;
function resolvedRoot(): protobuf.Root {
  if (!root) {
    root = embeddedProtoDescriptor ? protobufjs().Root.fromJSON(embeddedProtoDescriptor) : parseProtoFiles();
    root.resolveAll(); // also resolves editions features, which field encodings depend on
  }
  return root;
}

/** Loads protobufjs and resolves the descriptor now, e.g. while Terraform is still connecting. */
export function preloadMessageTypes(): void {
  resolvedRoot();
}

/** The codec pair of one side of a method; protobufjs resolves its type (relative names included) on first use. */
function codec(service: string, method: string, side: 'resolvedRequestType' | 'resolvedResponseType') {
  let type: protobuf.Type | undefined;
  const resolved = () => (type ??= resolvedRoot().lookupService(service).methods[method][side] as protobuf.Type);
  return {
    serialize(value: object): Buffer {
      if (Array.isArray(value))
        throw new Error(`Failed to serialize message: expected object with ${resolved().name} structure, got array instead`);
      const t = resolved();
      return Buffer.from(t.encode(t.fromObject(value)).finish());
    },
    deserialize: (bytes: Buffer): object => resolved().toObject(resolved().decode(bytes), LOADER_OPTIONS),
  };
}

interface JsonNamespace {
  nested?: Record<string, JsonNamespace>;
  methods?: Record<string, { requestStream?: boolean; responseStream?: boolean }>;
}

function serviceDefinition(descriptor: JsonNamespace, fullName: string): grpc.ServiceDefinition {
  const methods = fullName
    .split('.')
    .reduce<JsonNamespace | undefined>((namespace, name) => namespace?.nested?.[name], descriptor)?.methods;
  if (!methods) throw new Error(`protocol descriptor has no service ${fullName}`);
  return Object.fromEntries(
    Object.entries(methods).map(([name, method]) => {
      const request = codec(fullName, name, 'resolvedRequestType');
      const response = codec(fullName, name, 'resolvedResponseType');
      const definition: grpc.MethodDefinition<object, object> = {
        path: `/${fullName}/${name}`,
        requestStream: !!method.requestStream,
        responseStream: !!method.responseStream,
        requestSerialize: request.serialize,
        requestDeserialize: request.deserialize,
        responseSerialize: response.serialize,
        responseDeserialize: response.deserialize,
        originalName: name.charAt(0).toLowerCase() + name.slice(1), // proto-loader's camelCase of these names
      };
      return [name, definition];
    }),
  );
}

let loaded: ServiceDefinitions | undefined;

export function serviceDefinitions(): ServiceDefinitions {
  if (loaded) return loaded;
  const descriptor = (embeddedProtoDescriptor ?? resolvedRoot().toJSON()) as JsonNamespace;
  const service = (name: string) => serviceDefinition(descriptor, name);
  loaded = {
    provider: service('tfplugin6.Provider'),
    controller: service('plugin.GRPCController'),
    stdio: service('plugin.GRPCStdio'),
    broker: service('plugin.GRPCBroker'),
    health: service('grpc.health.v1.Health'),
  };
  return loaded;
}
