/** Units accepted in duration strings, in milliseconds. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/**
 * Parses a duration string such as `14d`, `36h`, `90s`, `1d12h` or `500ms` into milliseconds.
 * Returns `undefined` for anything else (empty, negative, decimals, unknown units, a total of zero).
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total > 0 && Number.isSafeInteger(total) ? total : undefined;
}

/** Formats milliseconds as the shortest exact duration string (`1209600000` → `14d`). */
export function formatDuration(ms: number): string {
  const units = ['d', 'h', 'm', 's'] as const;
  let rest = ms;
  let out = '';
  for (const unit of units) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest > 0 || out === '') out += `${rest}ms`;
  return out;
}
