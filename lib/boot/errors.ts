/**
 * Every error from the boot routes is Metal-shaped ({"errors": [...], "code"}). Validation failures name the
 * field; 5xx bodies carry only the catalogue message (the detail goes to the log).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MetalError, codeForStatus } from '../contract/errors';

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', body: 'body', headers: 'headers', params: 'path' };

export function toMetalError(error: FastifyError): MetalError {
  if (error instanceof MetalError) return error;
  if (error.validation) {
    const context = CONTEXT_NAMES[error.validationContext ?? ''] ?? error.validationContext ?? 'request';
    return new MetalError(
      'validation_failed',
      error.validation.map((issue) => describeIssue(context, issue)),
    );
  }
  const status = error.statusCode ?? 500;
  // Fastify's own 4xx messages (bad JSON, wrong content type, body too large) are safe and say what to fix.
  if (status >= 400 && status < 500) return new MetalError(codeForStatus(status), error.message);
  return new MetalError('internal');
}

type Issue = NonNullable<FastifyError['validation']>[number];

/** "<context>/<field> <problem>": a missing property is named as the field itself. */
function describeIssue(context: string, issue: Issue): string {
  const at = `${context}${issue.instancePath}`;
  if (issue.keyword === 'required') return `${at}/${String(issue.params.missingProperty)} is required`;
  return `${at} ${issue.message ?? 'is invalid'}`;
}

export function sendMetalError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const metal = toMetalError(error);
  if (metal.status >= 500) request.log.error({ err: error }, 'boot route failed');
  return reply.code(metal.status).type('application/json; charset=utf-8').send(metal.toBody());
}
