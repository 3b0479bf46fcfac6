// The one logger: pino JSON lines with secrets redacted; the destination is injectable for tests.
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths that may carry secrets, wherever a log call puts them. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.query',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  'api_key',
  'state',
  'link_verifier',
  'redirect_verifier',
  'webhookSecret',
  'secret',
  'secrets',
  '*.state',
  '*.link_verifier',
  '*.redirect_verifier',
  '*.apiKey',
  '*.secret',
  '*.secrets',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  destination?: DestinationStream;
  name?: string;
  /** Human-readable lines through pino-pretty (a worker thread), for a developer's terminal. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'login-link-receiver',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ??
      (options.pretty
        ? pino.transport({ target: 'pino-pretty', options: { colorize: true } })
        : pino.destination({ sync: false })),
  );
}
