/**
 * The boot network's own HTTP server: the machine-facing routes alone, for a listener on the provisioning
 * network, apart from the public API. Unknown paths answer 404 in the Metal error shape.
 */
import Fastify, { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MetalError } from '../contract/errors';
import { bootRequestSerializer } from './logging';
import { bootRoutes, BootRoutesOptions } from './routes';

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
