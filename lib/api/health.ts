/**
 * Public probes: `/health` says the process serves HTTP (liveness: restart it when this fails); `/ready` says it
 * can do its work (the store answers a trivial query in time, the job runner is alive), else 503 with reasons.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../contract/errors';
import { ErrorBody } from '../contract/schemas';
import type { Engine } from '../engine';

const Status = Type.Object({ status: Type.String() });

export function healthRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['health'], summary: 'Liveness: the process serves HTTP', response: { 200: Status } } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the store answers and the job runner is alive (503 with reasons otherwise)',
        response: { 200: Status, 503: ErrorBody },
      },
    },
    async () => {
      const problems = await engine.readiness();
      if (problems.length) throw new MetalError('unavailable', problems);
      return { status: 'ready' };
    },
  );
}
