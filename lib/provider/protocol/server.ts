/**
 * The plugin process side of go-plugin: a gRPC server on loopback serving tfplugin6.Provider plus go-plugin's
 * controller, stdio and broker services and the gRPC health service, with AutoMTLS and the handshake line.
 */
import * as grpc from '@grpc/grpc-js';
import type { ProviderRuntime } from '../framework/runtime';
import { generateServerCertificate, handshakeCertificate } from './cert';
import { preloadMessageTypes, serviceDefinitions } from './definitions';
import { checkHandshakeEnvironment, handshakeLine } from './handshake';
import { createProviderService, type Message, type ProviderService } from './provider-service';

export interface PluginServer {
  /** The handshake line (without newline) Terraform reads from stdout. */
  handshake: string;
  port: number;
  /** Ends open streams and stops the server. */
  close(): Promise<void>;
}

export interface PluginServerOptions {
  /** PEM of the client certificate to require; without it the server runs without TLS. */
  clientCertPem?: string;
  /** Called after GRPCController.Shutdown has been answered and the server has stopped. */
  onShutdown?: () => void;
}

const SERVER_OPTIONS = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };

type UnaryHandler = (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => void;

function unary(handler: (request: Message) => Promise<Message>): UnaryHandler {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback({ code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) }),
    );
  };
}

function unaryHandlers(service: ProviderService): grpc.UntypedServiceImplementation {
  return Object.fromEntries(Object.entries(service).map(([rpc, handler]) => [rpc, unary(handler)]));
}

export async function startPluginServer(runtime: ProviderRuntime, options: PluginServerOptions = {}): Promise<PluginServer> {
  const definitions = serviceDefinitions();
  const server = new grpc.Server(SERVER_OPTIONS);
  const openStreams = new Set<grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>>();
  const track = (stream: grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>) => {
    openStreams.add(stream);
    stream.on('cancelled', () => openStreams.delete(stream));
    stream.on('close', () => openStreams.delete(stream));
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      for (const stream of openStreams) stream.end();
      openStreams.clear();
      // Terraform may hold idle connections open; give in-flight replies a moment, then cut them.
      const force = setTimeout(() => server.forceShutdown(), 500);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }));

  server.addService(definitions.provider, unaryHandlers(createProviderService(runtime)));
  server.addService(definitions.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
      callback(null, {});
      setImmediate(() => void close().then(() => options.onShutdown?.()));
    },
  });
  server.addService(definitions.stdio, {
    // This provider writes its logs to stderr directly; the stream stays open and silent until shutdown.
    StreamStdio: (call: grpc.ServerWritableStream<Message, Message>) => track(call),
  });
  server.addService(definitions.broker, {
    // No sub-plugins are ever brokered; keep the stream open so go-plugin does not log a broken broker.
    StartStream: (call: grpc.ServerDuplexStream<Message, Message>) => {
      track(call);
      call.on('data', () => undefined);
      call.on('end', () => call.end());
    },
  });
  server.addService(definitions.health, {
    Check: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => callback(null, { status: 'SERVING' }),
    List: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) =>
      callback(null, { statuses: { plugin: { status: 'SERVING' } } }),
    Watch: (call: grpc.ServerWritableStream<Message, Message>) => {
      track(call);
      call.write({ status: 'SERVING' });
    },
  });

  let credentials: grpc.ServerCredentials;
  let certificateField = '';
  if (options.clientCertPem) {
    const certificate = generateServerCertificate();
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(options.clientCertPem),
      [{ private_key: Buffer.from(certificate.keyPem), cert_chain: Buffer.from(certificate.certPem) }],
      true,
    );
    certificateField = handshakeCertificate(certificate.der);
  } else {
    credentials = grpc.ServerCredentials.createInsecure();
  }

  const host = '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return { handshake: handshakeLine({ host, port }, certificateField), port, close };
}

/**
 * Runs the current process as a Terraform plugin: checks the handshake environment, serves, prints the handshake
 * line and exits once Terraform says Shutdown. stdout carries the handshake line and nothing else.
 */
export async function runPlugin(createRuntime: () => Promise<ProviderRuntime>): Promise<void> {
  // Anything printed to stdout besides the handshake line breaks go-plugin ("Unrecognized remote plugin message").
  console.log = console.info = console.debug = console.error;
  const environment = checkHandshakeEnvironment(process.env);
  if (typeof environment === 'string') {
    process.stderr.write(environment + '\n');
    process.exit(1);
  }
  // Ctrl-C reaches the whole process group; Terraform asks plugins to stop with StopProvider instead.
  process.on('SIGINT', () => undefined);
  // A stray promise in resource code must not take the provider (and Terraform's run) down with it.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `terraform-provider-metal: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
    );
  });
  try {
    const server = await startPluginServer(await createRuntime(), {
      clientCertPem: environment.clientCertPem,
      onShutdown: () => process.exit(0),
    });
    process.stdout.write(server.handshake + '\n');
    // Terraform's first calls (GetProviderSchema) need the message codecs; make them while it connects.
    setImmediate(preloadMessageTypes);
  } catch (error) {
    process.stderr.write(`terraform-provider-metal: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
