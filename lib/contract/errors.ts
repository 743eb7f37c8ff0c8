/**
 * The one error catalogue shared by the API server and the client.
 * Every error body is Metal-shaped: `{"errors": ["..."], "code": "<code>"}`.
 * 5xx messages are fixed here so no internal detail leaks into a response.
 */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, message: 'The request could not be understood.' },
  unauthorized: { status: 401, message: 'Missing or invalid X-Auth-Token header: send a valid API key.' },
  forbidden: { status: 403, message: 'This API key may not perform this request.' },
  not_found: { status: 404, message: 'Not found.' },
  request_timeout: { status: 408, message: 'The request was not received in time: send it again.' },
  conflict: { status: 409, message: 'The request conflicts with the current state of the resource.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  uri_too_long: { status: 414, message: 'The request URL is too long.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  validation_failed: { status: 422, message: 'The request is invalid.' },
  capacity_unavailable: { status: 422, message: 'No capacity is available for this request.' },
  rate_limited: { status: 429, message: 'Too many requests: retry after the time in the Retry-After header.' },
  headers_too_large: { status: 431, message: 'The request headers are too large: send fewer or shorter headers.' },
  internal: { status: 500, message: 'Internal error: the request was not completed. Retry, or report it to the operator.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable: retry later.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorBody {
  errors: string[];
  code?: ErrorCode;
}

/** A domain error carrying a catalogue code and user-facing messages (each names the field and the fix). */
export class MetalError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: string[];

  constructor(code: ErrorCode, errors?: string | string[]) {
    const list = errors === undefined ? [ERROR_CATALOGUE[code].message] : Array.isArray(errors) ? errors : [errors];
    super(list.join('; '));
    this.name = 'MetalError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = list;
  }

  toBody(): ErrorBody {
    return { errors: this.errors, code: this.code };
  }
}

/** Maps an HTTP status to the catalogue code used when a body carries none (e.g. from a proxy). */
export function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).find((c) => ERROR_CATALOGUE[c].status === status);
  if (match) return match;
  return status >= 500 ? 'internal' : 'bad_request';
}
