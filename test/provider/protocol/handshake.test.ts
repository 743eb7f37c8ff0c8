import { eventually } from '../../support/eventually';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { createProviderRuntime } from '../../../lib/provider/framework/provider-runtime';
import { providerSchemaOf } from '../../../lib/provider/framework/schema';
import { generateServerCertificate } from '../../../lib/provider/protocol/cert';
import { serviceDefinitions } from '../../../lib/provider/protocol/definitions';
import { MAGIC_COOKIE_VALUE, checkHandshakeEnvironment, handshakeLine } from '../../../lib/provider/protocol/handshake';
import { startPluginServer, type PluginServer } from '../../../lib/provider/protocol/server';
import { testDefinitions, testSchemaDocument } from '../fixtures/thing-provider';

describe('handshake environment', () => {
  it('refuses to run without the magic cookie, with a message for a human', () => {
    const result = checkHandshakeEnvironment({});
    expect(typeof result).toBe('string');
    expect(result).toMatch(/plugin/i);
    expect(result).toMatch(/terraform/);
  });

  it('refuses a Terraform that does not offer protocol 6', () => {
    expect(checkHandshakeEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '4,5' })).toMatch(
      /protocol 6/,
    );
  });

  it('accepts the cookie and picks up the client certificate', () => {
    expect(
      checkHandshakeEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: 'PEM' }),
    ).toEqual({
      clientCertPem: 'PEM',
    });
    expect(checkHandshakeEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE })).toEqual({ clientCertPem: undefined });
  });

  it('formats the handshake line', () => {
    expect(handshakeLine({ host: '127.0.0.1', port: 4321 }, 'CERT')).toBe('1|6|tcp|127.0.0.1:4321|grpc|CERT');
  });
});

type Client = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

describe('plugin gRPC server with AutoMTLS', () => {
  const clientCertificate = generateServerCertificate();
  let server: PluginServer;
  let shutdowns = 0;
  const clients: grpc.Client[] = [];

  beforeAll(async () => {
    const runtime = createProviderRuntime(providerSchemaOf(testSchemaDocument()).schema, testDefinitions);
    server = await startPluginServer(runtime, { clientCertPem: clientCertificate.certPem, onShutdown: () => shutdowns++ });
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server.close();
  });

  const connect = (definition: grpc.ServiceDefinition, withClientCert = true): Client => {
    const [, , , address, , cert] = server.handshake.split('|');
    const serverPem = new X509Certificate(Buffer.from(cert, 'base64')).toString();
    const credentials = withClientCert
      ? grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(clientCertificate.keyPem), Buffer.from(clientCertificate.certPem))
      : grpc.credentials.createSsl(Buffer.from(serverPem));
    const Constructor = grpc.makeGenericClientConstructor(definition, 'Service');
    const client = new Constructor(address, credentials, { 'grpc.ssl_target_name_override': 'localhost' }) as unknown as Client;
    clients.push(client);
    return client;
  };
  const call = (client: Client, method: string, request: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      client[method](request, (error: Error | null, response: Record<string, unknown>) => (error ? reject(error) : resolve(response))),
    );

  it('prints a handshake line with a loopback port and the server certificate', () => {
    expect(server.handshake).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|[A-Za-z0-9+/]+$/);
    expect(server.handshake.split('|')[3]).toBe(`127.0.0.1:${server.port}`);
  });

  it('serves the provider schema to a client holding the expected certificate', async () => {
    const response = await call(connect(serviceDefinitions().provider), 'GetProviderSchema', {});
    expect(Object.keys(response.resource_schemas as object)).toEqual(['metal_test_thing']);
    expect(response.server_capabilities).toMatchObject({ get_provider_schema_optional: true, plan_destroy: true });
  });

  it('rejects a client without a certificate', async () => {
    await expect(call(connect(serviceDefinitions().provider, false), 'GetProviderSchema', {})).rejects.toThrow();
  });

  it('answers health checks', async () => {
    expect(await call(connect(serviceDefinitions().health), 'Check', { service: 'plugin' })).toEqual({ status: 'SERVING' });
  });

  it('reports UNIMPLEMENTED for ephemeral resources', async () => {
    await expect(call(connect(serviceDefinitions().provider), 'OpenEphemeralResource', { type_name: 'x' })).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  it('ends the stdio stream and shuts down on GRPCController.Shutdown', async () => {
    const stdio = connect(serviceDefinitions().stdio);
    const stream = stdio.StreamStdio({}) as grpc.ClientReadableStream<unknown>;
    const ended = new Promise<void>((resolve) => {
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
      stream.on('data', () => undefined);
    });
    await call(connect(serviceDefinitions().controller), 'Shutdown', {});
    await ended;
    // The shutdown runs after the stream ends; on a loaded machine that can take a while.
    await eventually(async () => shutdowns > 0, 'the server to shut down', 10_000);
    expect(shutdowns).toBe(1);
  });
});
