import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const compiled = path.resolve(__dirname, '../dist/common/heap-growth.js');

/**
 * A process that keeps about 85 MB and then churns garbage that lives long enough to reach the old
 * generation, with `--trace-gc`: what each full collection of the main heap found before it and kept.
 */
function fullCollections(percent: number): Array<{ before: number; kept: number }> {
  const script = `
    require(${JSON.stringify(compiled)}).applyHeapGrowingPercent(${percent});
    const live = (globalThis.live = []);
    for (let i = 0; i < 1e6; i++) live.push({ i, s: 'k' + i });
    const ring = new Array(200000);
    let k = 0;
    const until = Date.now() + 2500;
    while (Date.now() < until) for (let j = 0; j < 1000; j++) ring[k++ % ring.length] = { k, a: [k, k, k] };
  `;
  const run = spawnSync(process.execPath, ['--trace-gc', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`child exited with ${run.status}: ${run.stderr}`);
  // "[pid:0x...]  1234 ms: Mark-Compact 308.1 (345.9) -> 170.0 (...) MB": sizes of the main heap, young generation included.
  return [...run.stdout.matchAll(/Mark-Compact (?:\(reduce\) )?([\d.]+) \([\d.]+\) -> ([\d.]+)/g)].map((m) => ({ before: Number(m[1]), kept: Number(m[2]) }));
}

describe('HEAP_GROWING_PERCENT (applyHeapGrowingPercent)', () => {
  beforeAll(() => {
    if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first`);
  });

  it('set while the process runs, makes V8 collect the old generation before it grows past the factor', () => {
    const collections = fullCollections(50).slice(2); // the first ones come while the kept set is built
    expect(collections.length).toBeGreaterThanOrEqual(3);
    const kept = Math.max(...collections.map((c) => c.kept));
    // 1.5 times what was kept, plus the young generation (up to 32 MB here) and what is allocated
    // while marking. V8's own factor lets this heap reach 4-5 times what it kept.
    for (const c of collections) expect(c.before).toBeLessThan(kept * 1.5 + 64);
  }, 90_000);

  it('refuses what is not a whole number of percent, and 0 leaves V8 alone', () => {
    const { applyHeapGrowingPercent } = require(compiled) as typeof import('../src/common/heap-growth');
    expect(() => applyHeapGrowingPercent(-1)).toThrow(RangeError);
    expect(() => applyHeapGrowingPercent(1.5)).toThrow(RangeError);
    expect(() => applyHeapGrowingPercent(0)).not.toThrow();
  });
});
