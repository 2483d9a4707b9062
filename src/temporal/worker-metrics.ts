import type { MetricMeter } from '@temporalio/common';
import type { TransitionCause } from '../domain/account-lifecycle';

/**
 * Lethe's own worker metrics, recorded through the Temporal SDK's metric meter so that they leave by the same
 * Prometheus endpoint as the SDK's (WORKER_METRICS_PORT). Labels are states, causes, kinds and table names: never an
 * id.
 */
export interface WorkerMetrics {
  transition(from: string, to: string, cause: string): void;
  /** How late a timer-driven transition took effect: now − the deadline it was due at. */
  lateness(cause: string, ms: number): void;
  erasureCompleted(kind: string): void;
  rowsDeleted(step: string, rows: number): void;
  mail(outcome: 'sent' | 'failed'): void;
}

/** The causes that are timers firing; the others are somebody asking, with nothing to be late for. */
export const DEADLINE_CAUSES: readonly TransitionCause[] = [
  'trial_expired',
  'grace_expired',
  'suspension_expired',
  'removal_expired',
  'retention_expired',
];

export function meterMetrics(meter: MetricMeter): WorkerMetrics {
  const transitions = meter.createCounter('lethe_account_transitions', '1', 'Account state transitions recorded');
  const lateness = meter.createHistogram(
    'lethe_deadline_lateness',
    'int',
    'ms',
    'Time from a lifecycle deadline to the transition it caused being recorded',
  );
  const erasures = meter.createCounter('lethe_erasures_completed', '1', 'Erasures completed, receipts signed');
  const rows = meter.createCounter('lethe_erasure_rows_deleted', '1', 'Rows deleted or scrubbed by erasures');
  const mail = meter.createCounter('lethe_outbox_mail', '1', 'Outbox mails by outcome');
  return {
    transition: (from, to, cause) => transitions.add(1, { from, to, cause }),
    lateness: (cause, ms) => lateness.record(Math.max(0, Math.round(ms)), { cause }),
    erasureCompleted: (kind) => erasures.add(1, { kind }),
    rowsDeleted: (step, n) => {
      if (n > 0) rows.add(n, { step });
    },
    mail: (outcome) => mail.add(1, { outcome }),
  };
}

/** For code run without a worker (tests of activities on their own). */
export const NO_METRICS: WorkerMetrics = {
  transition: () => undefined,
  lateness: () => undefined,
  erasureCompleted: () => undefined,
  rowsDeleted: () => undefined,
  mail: () => undefined,
};

/** The Runtime's telemetry: the SDK's Prometheus endpoint on `host:port` when one is configured. */
export function prometheusTelemetry(address: { host: string; port: number } | undefined) {
  if (address === undefined) return {};
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return { telemetryOptions: { metrics: { prometheus: { bindAddress: `${host}:${address.port}` } } } };
}
