/**
 * Seeded pseudo-random numbers for the demo-city generator. Nothing here reads the clock or
 * `Math.random`, so the same seed always gives the same city.
 *
 * Each part of the generator takes its own stream with {@link Rng.fork}, keyed by a label, so
 * drawing one more number in (say) the amenity step does not shift every compound name.
 */

/** 32-bit string hash (FNV-1a followed by a murmur3 finaliser). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a small, fast 32-bit PRNG; returns a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded random stream with the helpers the generator needs. */
export class Rng {
  readonly seed: number;
  private readonly gen: () => number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.gen = mulberry32(this.seed);
  }

  /** An independent stream derived from this stream's seed and a label (does not consume numbers). */
  fork(label: string | number): Rng {
    return new Rng(hashString(`${this.seed}:${label}`));
  }

  /** Float in [0, 1). */
  next(): number {
    return this.gen();
  }

  /** Float in [a, b). */
  float(a: number, b: number): number {
    return a + (b - a) * this.gen();
  }

  /** Integer in [a, b], both ends included. */
  int(a: number, b: number): number {
    return a + Math.floor(this.gen() * (b - a + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.gen() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty array");
    return items[Math.floor(this.gen() * items.length)];
  }

  /** One element, chosen with the given non-negative weights. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.gen() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.gen() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** Normally distributed number (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.gen();
    const v = this.gen();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Deterministic noise in [-1, 1) for an integer/string key, without keeping a stream. */
export function hashNoise(key: string): number {
  return (hashString(key) / 4294967296) * 2 - 1;
}
