/**
 * One HTTP(S) connection pool to one BMC: JSON in and out, a timeout on every request, TLS with a custom CA or
 * an explicit insecure opt-in, and network failures mapped to DriverError.
 */
import http from 'node:http';
import https from 'node:https';
import { DriverError } from '../types';

export interface TransportOptions {
  /** PEM CA to trust for the BMC's certificate. */
  caCert?: string;
  /** Skip certificate verification (explicit opt-in only). */
  insecure?: boolean;
  /** Per request, from sending to the last byte of the answer. */
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there is none. */
  body: unknown;
}

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class Transport {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;

  constructor(
    readonly origin: URL,
    private readonly options: TransportOptions,
  ) {
    const secure = origin.protocol === 'https:';
    this.client = secure ? https : http;
    this.agent = secure
      ? new https.Agent({ keepAlive: true, ca: options.caCert, rejectUnauthorized: !options.insecure })
      : new http.Agent({ keepAlive: true });
  }

  request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const where = `${method} ${this.origin.host}${path}`;
    return new Promise((resolve, reject) => {
      const req = this.client.request(
        {
          protocol: this.origin.protocol,
          hostname: this.origin.hostname,
          port: this.origin.port,
          method,
          path,
          agent: this.agent,
          headers: {
            Accept: 'application/json',
            'Accept-Encoding': 'identity',
            'OData-Version': '4.0',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(this.networkError(where, error)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            if (text.trim().length > 0 && /json/i.test(res.headers['content-type'] ?? 'application/json')) {
              try {
                parsed = JSON.parse(text);
              } catch (error) {
                reject(
                  new DriverError('protocol', `${where}: the BMC answered ${res.statusCode} with malformed JSON`, {
                    cause: error,
                  }),
                );
                return;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
        },
      );
      req.setTimeout(this.options.timeoutMs, () => {
        req.destroy(
          new DriverError('timeout', `${where}: no answer within ${this.options.timeoutMs} ms; the BMC may be hung or overloaded`),
        );
      });
      req.on('error', (error) => reject(this.networkError(where, error)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private networkError(where: string, error: Error & { code?: string }): DriverError {
    if (error instanceof DriverError) return error;
    if (error.code && (TLS_TRUST_CODES.has(error.code) || error.code.startsWith('ERR_TLS') || error.code.startsWith('ERR_SSL'))) {
      return new DriverError(
        'protocol',
        `${where}: the BMC's TLS certificate is not trusted (${error.code}); set the endpoint's caCert to the CA that signed it, or insecure: true to skip verification`,
        { cause: error },
      );
    }
    return new DriverError('unreachable', `${where}: ${error.code ?? error.message}; check the BMC address and its network`, {
      cause: error,
    });
  }
}
