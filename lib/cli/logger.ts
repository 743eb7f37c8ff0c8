/** JSON logs (pino) on stderr, or a readable single-line format with --log-format pretty. */
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat): Logger {
  const options = { level, redact: { paths: ['*.password', '*.token', '*.auth_token', 'req.headers["x-auth-token"]', 'req.headers.authorization'], censor: '[redacted]' } };
  if (format === 'pretty') {
    return pino(options, pretty({ destination: 2, colorize: process.stderr.isTTY, ignore: 'pid,hostname', translateTime: 'HH:MM:ss', sync: true }));
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
