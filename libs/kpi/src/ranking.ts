/**
 * Nearest-rank percentile (p in 0..100) of the values; null for none. Nearest-rank returns a value
 * that occurs in the data, which is what a leaderboard's "p90 maker" should be.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be in 0..100, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The n items with the highest score, best first; ties keep the input order. */
export function topN<T>(items: readonly T[], n: number, score: (item: T) => number | null): T[] {
  return items
    .map((item, index) => ({ item, index, value: score(item) }))
    .filter((entry): entry is { item: T; index: number; value: number } => entry.value !== null && !Number.isNaN(entry.value))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, Math.max(0, n))
    .map((entry) => entry.item);
}
