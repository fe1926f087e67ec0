/**
 * Publish-to-WebSocket latency by watermark. Each load worker reports, every few tens of
 * milliseconds, how many reports it has written so far. At a marker time t the reports written by
 * then number S(t) (the sum of every worker's latest count at or before t, the newest of those
 * samples taken at t' <= t). The first `kpis` frame a dashboard receives at or after t' whose
 * ingest.accepted reaches S(t) shows all of them; its arrival minus t' is the latency of the
 * newest report counted.
 */

export interface CountSample {
  /** Epoch ms. */
  t: number;
  /** Cumulative reports written by one worker. */
  sent: number;
}

export interface FrameSample {
  /** Epoch ms the frame arrived. */
  t: number;
  /** ingest.accepted carried by the frame. */
  accepted: number;
}

/**
 * For each marker t: S(t), the sum over workers of the latest count at or before t, and the time
 * of the newest sample it used, the latest moment a report counted in S(t) can have been written.
 * Latency is measured from that moment, so staleness of the samples never shortens it.
 */
export function sentAt(workers: CountSample[][], markers: number[]): Array<{ sent: number; at: number }> {
  const sorted = byTime(workers);
  return markers.map((t) => {
    let total = 0;
    let at = Number.NEGATIVE_INFINITY;
    for (const samples of sorted) {
      const found = firstAfter(samples, t, false) - 1;
      if (found >= 0) {
        total += samples[found].sent;
        at = Math.max(at, samples[found].t);
      }
    }
    return { sent: total, at: Number.isFinite(at) ? at : t };
  });
}

/**
 * For each time t: the sum over workers of the first count sampled at or after t (a worker's last
 * one if it has none later). Every report written before t is in it, so against what was consumed
 * by t it gives a lag that is never negative: too large by at most one sampling interval of sending.
 */
export function sentBy(workers: CountSample[][], times: number[]): number[] {
  const sorted = byTime(workers);
  return times.map((t) => {
    let total = 0;
    for (const samples of sorted) {
      if (samples.length === 0) continue;
      total += samples[Math.min(firstAfter(samples, t, true), samples.length - 1)].sent;
    }
    return total;
  });
}

/** Each worker's samples in time order. */
function byTime(workers: CountSample[][]): CountSample[][] {
  return workers.map((samples) => [...samples].sort((a, b) => a.t - b.t));
}

/** Index of the first sample (in time order) later than t, or at t too with `orAt`; the length if none. */
function firstAfter(samples: CountSample[], t: number, orAt: boolean): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t > t || (orAt && samples[mid].t === t)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Latency (ms) of each marker (from sentAt, in time order) against one client's frames (in
 * arrival order), with the moment t' each was measured from; markers that no frame covers are
 * left out and counted in `uncovered`.
 */
export function watermarkLatencies(markers: Array<{ sent: number; at: number }>, frames: FrameSample[]): { latencies: number[]; at: number[]; uncovered: number } {
  const latencies: number[] = [];
  const at: number[] = [];
  let uncovered = 0;
  let start = 0;
  for (const { sent, at: t } of markers) {
    while (start < frames.length && frames[start].t < t) start++;
    let j = start;
    while (j < frames.length && frames[j].accepted < sent) j++;
    if (j < frames.length) {
      latencies.push(frames[j].t - t);
      at.push(t);
    } else uncovered++;
  }
  return { latencies, at, uncovered };
}

/**
 * The latency over time: for each moment measured from, the largest latency of any client, as
 * [ms since `from`, latency ms] in time order. Shows when the tail happens (set beside a server
 * trace such as `--trace-gc`).
 */
export function latencySeries(perClient: Array<{ latencies: number[]; at: number[] }>, from: number): Array<[number, number]> {
  const worst = new Map<number, number>();
  for (const { latencies, at } of perClient) {
    for (let i = 0; i < latencies.length; i++) worst.set(at[i], Math.max(worst.get(at[i]) ?? Number.NEGATIVE_INFINITY, latencies[i]));
  }
  return [...worst].sort((a, b) => a[0] - b[0]).map(([t, ms]) => [t - from, ms]);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; null for none. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Marker times every `stepMs` in [from, to). */
export function markerTimes(from: number, to: number, stepMs: number): number[] {
  const markers: number[] = [];
  for (let t = from; t < to; t += stepMs) markers.push(t);
  return markers;
}

/**
 * Least-squares slope of y over x (points as [x, y]); null for fewer than two distinct x. With
 * the lag sampled every second of the window, it is the growth of the backlog in reports per
 * second: two snapshots (start and end) measure where the lag happens to stand in its swing
 * (latency × rate, several thousand reports at 20,000 gateways), not whether it grows.
 */
export function slope(points: Array<[number, number]>): number | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
  }
  return sxx === 0 ? null : sxy / sxx;
}
