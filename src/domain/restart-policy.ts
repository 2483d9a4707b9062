/** How `npm start` brings back an embedded server that died (PostgreSQL, Temporal, Mailpit). */
export interface RestartPolicy {
  /** Wait before the first restart; doubled for each further death within the window. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** More deaths than this within `windowMs` and the service is given up: something is wrong that restarts won't fix. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

export const EMBEDDED_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 10 * 60_000,
};

export type RestartDecision = { readonly restartInMs: number } | { readonly giveUp: string };

/**
 * What to do after a death at `now`, given every death so far (this one included; a failed restart counts as one).
 * Deaths older than the window are forgotten, so a server that dies once a day is restarted at once every time.
 */
export function nextRestart(deaths: readonly number[], now: number, policy: RestartPolicy): RestartDecision {
  const recent = deaths.filter((at) => now - at < policy.windowMs).length;
  if (recent > policy.maxRestarts) {
    return { giveUp: `${recent} deaths within ${policy.windowMs / 1_000} s` };
  }
  const delay = policy.initialDelayMs * 2 ** Math.max(0, recent - 1);
  return { restartInMs: Math.min(delay, policy.maxDelayMs) };
}
