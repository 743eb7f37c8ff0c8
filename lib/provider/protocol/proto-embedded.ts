/**
 * The protobuf descriptor (protobufjs JSON) of proto/*.proto. Empty in the source tree, where the .proto files
 * are read from disk; installProvider's bundle replaces this module with the precompiled descriptor.
 */
export const embeddedProtoDescriptor: Record<string, unknown> | undefined = undefined;
