/**
 * JSON logs (pino) on stderr, or readable lines with --log-format pretty: one line per entry, and per request
 * "GET /metal/v1/projects 200 4ms" (the JSON entry keeps the request's fields).
 */
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

interface RequestEntry {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  msg?: string;
}

/** The pretty message: a request's summary, or the entry's own message. */
export function prettyMessage(entry: RequestEntry): string {
  if (!entry.req || !entry.res) return entry.msg ?? '';
  const ms = typeof entry.responseTime === 'number' ? ` ${Math.round(entry.responseTime)}ms` : '';
  return `${entry.req.method} ${entry.req.url} ${entry.res.statusCode}${ms}`;
}

export function createLogger(level: string, format: LogFormat): Logger {
  const options = {
    level,
    redact: {
      paths: ['*.password', '*.token', '*.auth_token', 'req.headers["x-auth-token"]', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') {
    const stream = pretty({
      destination: 2,
      colorize: process.stderr.isTTY,
      ignore: 'pid,hostname,reqId,req,res,responseTime',
      translateTime: 'HH:MM:ss',
      singleLine: true,
      messageFormat: (entry) => prettyMessage(entry as RequestEntry),
      sync: true,
    });
    return pino(options, stream);
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
