import { TOTP_STEP_SECONDS } from '../../src/security/totp';

/** Unix seconds now, as TOTP counts. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** Waits until at least `margin` seconds remain in the current TOTP step, so codes computed now stay current. */
export async function awayFromStepBoundary(margin = 6): Promise<void> {
  const left = TOTP_STEP_SECONDS - (now() % TOTP_STEP_SECONDS);
  if (left < margin) await new Promise((r) => setTimeout(r, (left + 0.2) * 1000));
}
