// Captures pino output as parsed JSON lines, so tests assert on what was logged.
import { createLogger, type Logger } from '../../src/lib/logger';

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Everything logged, as raw text (for "never appears in any log line" checks). */
  text(): string;
}

export function captureLog(level: 'info' | 'debug' | 'trace' = 'debug'): CapturedLog {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines, text: () => raw.join('') };
}
