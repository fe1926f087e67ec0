import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the main heap's old generation grow past what the last full collection kept
 * before it collects again: a factor of 1 + percent/100. 0 leaves V8's own factor, which it picks
 * from its marking speed (up to 4). With the server's old-generation garbage cut down (item 24 of
 * docs/BENCHMARKS.md), full collections are rare, and V8's own factor let the heap of 18,976
 * gateways grow from about 310 MB kept to 865 MB between two of them: server RSS up to 1,106-1,380
 * MiB, against at most 899-901 MiB over five minutes with a factor of 2, at the same CPU per report
 * (docs/BENCHMARKS.md, item 31). With the default factor, 1.75, 20,000 gateways peaked at 917-949 MiB
 * summed over the server and its fronts in five minutes, against 998-1,029 with 2, for no CPU
 * measured at 10,000 (item 43).
 *
 * V8 reads the factor each time it sets the next limit, after a full collection, so setting it once
 * the process runs takes effect from the next one. It is a process-wide setting: the server's
 * entry point applies it, not `bootstrap`, which tests run inside their own process. Returns what
 * was set, for the entry point's log.
 */
export function applyHeapGrowingPercent(percent: number): string {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growing percent must be a whole number >= 0, got ${percent}`);
  if (percent === 0) return 'heap growth between full collections: V8 decides (HEAP_GROWING_PERCENT=0)';
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return `heap growth between full collections: up to ${1 + percent / 100} times what the last one kept (HEAP_GROWING_PERCENT=${percent})`;
}
