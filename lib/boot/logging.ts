/**
 * Boot tokens may arrive in a query string (`?token=`), and access logs record URLs. The server that mounts
 * bootRoutes passes this serializer to its logger (`logger: { serializers: { req: bootRequestSerializer } }`).
 */
import type { FastifyRequest } from 'fastify';

export function redactTokens(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

/** Fastify's default request fields, with tokens redacted from the URL. */
export function bootRequestSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactTokens(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
