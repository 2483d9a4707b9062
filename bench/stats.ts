// Small numeric helpers shared by the benchmarks: a monotonic clock, percentiles and a fixed-concurrency runner.
import { performance } from 'node:perf_hooks';

/** Milliseconds on the monotonic clock (never jumps with the wall clock). */
export const now = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds to `digits` decimals (for the report; raw samples keep full precision until then). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Summary of a sample of durations in ms, rounded for the report. */
export function distribution(samples: readonly number[]): Distribution {
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return {
    n: samples.length,
    min: round(Math.min(...samples)),
    p50: round(percentile(samples, 50)),
    p90: round(percentile(samples, 90)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
    mean: round(mean),
  };
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/**
 * Runs `task(i)` for i = 0..count-1 with at most `concurrency` in flight; returns the wall time in ms and each
 * task's own duration. The first failure stops new tasks and is rethrown once the in-flight ones settle.
 */
export async function runPool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<{ wallMs: number; latenciesMs: number[]; results: T[] }> {
  const latenciesMs: number[] = new Array<number>(count);
  const results: T[] = new Array<T>(count);
  let next = 0;
  let failure: unknown;
  const started = now();
  const lane = async (): Promise<void> => {
    while (failure === undefined) {
      const i = next++;
      if (i >= count) return;
      const t0 = now();
      try {
        results[i] = await task(i);
      } catch (error) {
        failure ??= error;
        return;
      }
      latenciesMs[i] = now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('task failed', { cause: failure });
  return { wallMs: now() - started, latenciesMs, results };
}

/** Polls `read` every `intervalMs` (after each answer) until `done` accepts its value; throws after `timeoutMs`. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  intervalMs: number,
  timeoutMs: number,
  what: string,
): Promise<{ value: T; polls: number }> {
  const deadline = now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const value = await read();
    if (done(value)) return { value, polls };
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
