import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. A second line of defence only: code logs ids and counts,
 * never personal data or secrets, in the first place.
 */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'totp',
  '*.totp',
  'email',
  '*.email',
  'name',
  '*.name',
  'phone',
  '*.phone',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["lethe-signature"]',
];

export type LogFormat = 'json' | 'pretty';

/**
 * The root logger of one process; modules take children (`logger.child({ module: 'api' })`). JSON lines with ISO
 * times for collectors, or one readable line per entry for a person at a terminal (`pretty`: what `npm start` uses
 * when its output is a terminal, LOG_FORMAT decides otherwise).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'lethe' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'json') return pino(options, destination);
  const readable = pretty({
    destination: destination ?? 1,
    colorize: destination === undefined && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    sync: true,
  });
  return pino(options, readable);
}

/** LOG_FORMAT when set (`json`, `pretty`), else pretty at a terminal and JSON anywhere else. */
export function logFormatFor(configured: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return configured ?? (stdoutIsTerminal ? 'pretty' : 'json');
}
