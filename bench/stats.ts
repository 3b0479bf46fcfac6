// Percentiles and small arithmetic over latency samples.
export interface Percentiles {
  p50: number;
  p99: number;
  mean: number;
  max: number;
  count: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p99: NaN, mean: NaN, max: NaN, count: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    p50: at(0.5),
    p99: at(0.99),
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1]!,
    count: sorted.length,
  };
}

/** Runs `task` for each index with at most `limit` in flight. */
export async function forEachLimit(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
