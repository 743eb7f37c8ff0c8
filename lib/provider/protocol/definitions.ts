/** Loads the gRPC service definitions: Terraform's tfplugin6.8 plus go-plugin's and gRPC's own services. */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { embeddedProtoDescriptor } from './proto-embedded';

export const PROTO_DIR = path.join(__dirname, 'proto');
export const PROTO_FILES = ['tfplugin6.8.proto', 'grpc_controller.proto', 'grpc_stdio.proto', 'grpc_broker.proto', 'health.proto'];

/** int64 fields carry schema versions and item counts, all far below 2^53; bytes stay Buffers for msgpack. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

export interface ServiceDefinitions {
  provider: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

let loaded: ServiceDefinitions | undefined;

export function serviceDefinitions(): ServiceDefinitions {
  if (loaded) return loaded;
  const packageDefinition = embeddedProtoDescriptor
    ? protoLoader.fromJSON(embeddedProtoDescriptor, LOADER_OPTIONS)
    : protoLoader.loadSync(PROTO_FILES.map((f) => path.join(PROTO_DIR, f)), LOADER_OPTIONS);
  const service = (name: string) => packageDefinition[name] as grpc.ServiceDefinition;
  loaded = {
    provider: service('tfplugin6.Provider'),
    controller: service('plugin.GRPCController'),
    stdio: service('plugin.GRPCStdio'),
    broker: service('plugin.GRPCBroker'),
    health: service('grpc.health.v1.Health'),
  };
  return loaded;
}
