/**
 * When and whether a notification mail is tried again. Pure: the dispatcher gives the attempt count and what the
 * SMTP conversation ended with; nothing here reads a clock or a socket.
 *
 * @packageDocumentation
 */

/** First retry after half a minute, doubling, never more than an hour apart: a relay down for a day costs ~30 tries. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3_600_000;

/** How long to wait before attempt `attempts + 1`, after `attempts` failed ones (≥ 1). */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
}

/** What an SMTP failure means for the message: never again, or later. */
export type FailureClass = 'permanent' | 'transient';

/**
 * A 5xx reply to the recipient or to the message itself (RFC 5321 §4.2.1: "permanent negative completion") will be
 * the same tomorrow: recorded, not retried. Everything else is transient: 4xx replies, a relay that is down or slow,
 * and 5xx replies to the connection, authentication or our own sender, which are the operator's configuration to
 * fix and must not throw away every pending notice meanwhile.
 */
export function classifySmtpFailure(failure: {
  responseCode?: number | undefined;
  command?: string | undefined;
}): FailureClass {
  const code = failure.responseCode;
  const aboutThisMessage = failure.command === 'RCPT TO' || failure.command === 'DATA';
  return code !== undefined && code >= 500 && code < 600 && aboutThisMessage ? 'permanent' : 'transient';
}
