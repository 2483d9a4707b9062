import pino from 'pino';
import type { Logger } from 'pino';

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

/** The root logger of one process; modules take children (`logger.child({ module: 'api' })`). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'lethe' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
