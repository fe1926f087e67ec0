/**
 * Seeded pseudo-random numbers that are identical on every platform: integer-only 32-bit
 * arithmetic (sfc32 seeded through splitmix32), no Math.random, no platform float quirks beyond
 * IEEE-754 division. Every part of the model draws from its own stream, derived from the cluster
 * seed and a label, so adding a device to one maker never shifts another maker's numbers.
 */
export class Rng {
  // `declare`: assigned in the constructor only; an emitted field initializer first sets them to
  // undefined, which makes V8 generalize their representation and slows the hot path
  declare private a: number;
  declare private b: number;
  declare private c: number;
  declare private d: number;
  declare private spareNormal: number;

  constructor(seed: number, warmup = 12) {
    // splitmix32 expands one 32-bit seed into four well-mixed state words
    const s = seed >>> 0;
    this.a = splitmix32((s + 0x9e3779b9) >>> 0);
    this.b = splitmix32((s + 0x3c6ef372) >>> 0);
    this.c = splitmix32((s + 0xdaa66d2b) >>> 0);
    this.d = splitmix32((s + 0x78dde6e4) >>> 0);
    // discard the first outputs: sfc32 mixes poorly right after seeding
    this.spareNormal = Number.NaN;
    for (let i = 0; i < warmup; i++) this.nextUint32();
  }

  /**
   * A cheap stream keyed by two integers (a maker's seed and a day number), for the millions of
   * short daily streams of a simulated year. splitmix32 already decorrelates neighbouring keys.
   */
  static keyed(seed: number, key: number): Rng {
    return new Rng((Math.imul(seed ^ 0x5bd1e995, 0x01000193) ^ Math.imul(key + 0x6a09e667, 0x9e3779b1)) >>> 0, 4);
  }

  /** A new generator for a named sub-stream; the parent stream does not move. */
  static derive(seed: number, ...labels: Array<string | number>): Rng {
    return new Rng(deriveSeed(seed, ...labels));
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`bad range [${min}, ${max}]`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks an index with probability proportional to its weight. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /**
   * A count with the given mean: exact Poisson for small means, a rounded normal for large ones
   * (where the two are indistinguishable and the exact draw would cost mean iterations).
   */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 12) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

function splitmix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** FNV-1a over the labels, folded into the seed: stable sub-seeds for named streams. */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  h = Math.imul(h, 0x01000193) >>> 0;
  for (const label of labels) {
    const text = String(label);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x2f; // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
