/**
 * The boot network's own servers: the machine-facing HTTP routes alone, for a listener on the provisioning
 * network, apart from the public API (unknown paths answer 404 in the Metal error shape); and, each optional, the
 * provisioning network's DHCP and TFTP servers.
 */
import Fastify, { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MetalError } from '../contract/errors';
import { bootRequestSerializer } from './logging';
import { bootRoutes, BootRoutesOptions } from './routes';
import { DHCP_SERVER_PORT, DhcpServer, type DhcpServerOptions } from './dhcp';
import { TFTP_PORT, TftpServer, type TftpServerOptions } from './tftp';

export interface BootServerOptions extends BootRoutesOptions {
  logger?: Logger;
  /**
   * Proxies (addresses or CIDRs) in front of the boot listener, e.g. a load balancer: their X-Forwarded-For,
   * -Proto and -Host name the machine, so metadata by source address finds it. From any other peer the headers
   * are ignored. @default none
   */
  trustedProxies?: string[];
}

/** Installer bodies are a token and a progress line. */
const BOOT_BODY_LIMIT = 16 * 1024;

export async function buildBootServer(options: BootServerOptions): Promise<FastifyInstance> {
  const { logger, trustedProxies, ...routes } = options;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger.child({}, { serializers: { req: bootRequestSerializer } }) } : { logger: false }),
    trustProxy: trustedProxies?.length ? trustedProxies : false,
    bodyLimit: BOOT_BODY_LIMIT,
  }) as unknown as FastifyInstance;
  app.setNotFoundHandler((request, reply) => {
    const route = `${request.method} ${request.url.split('?')[0]}`;
    return reply.code(404).send(new MetalError('not_found', `no route ${route} on the boot service`).toBody());
  });
  await app.register(bootRoutes, routes);
  return app;
}

export interface ProvisioningServicesOptions {
  /** Omitted: no DHCP server (an operator with their own DHCP points it at the TFTP files and the iPXE script). */
  dhcp?: DhcpServerOptions;
  /** Omitted: no TFTP server (UEFI and plain PXE ROMs then need the operator's TFTP, or HTTP boot). */
  tftp?: TftpServerOptions;
}

export interface ProvisioningServices {
  /** Where each started service listens. */
  dhcp?: { address: string; port: number };
  tftp?: { address: string; port: number };
  close(): Promise<void>;
}

/**
 * Starts the UDP services of the provisioning network next to the HTTP boot server, each only when asked for.
 * A service that cannot bind closes the ones already started and throws naming the address and port.
 */
export async function startProvisioningServices(options: ProvisioningServicesOptions): Promise<ProvisioningServices> {
  const started: { close(): Promise<void> }[] = [];
  const services: ProvisioningServices = {
    async close() {
      await Promise.all(started.splice(0).map((s) => s.close()));
    },
  };
  const start = async <S extends { listen(): Promise<{ address: string; port: number }>; close(): Promise<void> }>(
    name: string,
    server: S,
    where: string,
  ) => {
    try {
      const address = await server.listen();
      started.push(server);
      return address;
    } catch (err) {
      await services.close();
      throw new Error(
        `the ${name} server cannot listen on ${where}: ${(err as Error).message}; free the port or choose another bind address`,
      );
    }
  };
  if (options.dhcp) {
    const { bindAddress = '0.0.0.0', port = DHCP_SERVER_PORT } = options.dhcp;
    services.dhcp = await start('DHCP', new DhcpServer(options.dhcp), `${bindAddress}:${port}`);
  }
  if (options.tftp) {
    const { bindAddress = '0.0.0.0', port = TFTP_PORT } = options.tftp;
    services.tftp = await start('TFTP', new TftpServer(options.tftp), `${bindAddress}:${port}`);
  }
  return services;
}
