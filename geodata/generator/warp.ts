/**
 * The city is laid out on a lattice in "uv" space (metres, u east, v north), where every street,
 * alley, block and compound is an axis-parallel rectangle or segment. A smooth, near-identity warp
 * Φ(u, v) → (x, y) then bends it into an irregular city: each lattice line gets its own slant,
 * long-wavelength bends and per-intersection jitter, and the lines near the river follow its
 * meanders. Because one function maps everything, a junction computed from the same (u, v) is
 * bit-for-bit the same point for every street that meets there.
 *
 * Φ interpolates, between two neighbouring lattice lines, the offset functions of those lines, so
 * lattice line i is mapped exactly onto the curve x = U[i] + gx_i(v).
 */

export interface Wave {
  amp: number;
  k: number;
  phase: number;
}

/** Offset function of one lattice line, along the line's own coordinate. */
export interface LineOffset {
  base: number;
  waves: Wave[];
  /** Piecewise-linear jitter through (knots[k], values[k]); knots are the crossing lines' coordinates. */
  knots: readonly number[];
  values: number[];
  /** Weight of the river meander term (horizontal lines only). */
  riverWeight: number;
}

function interval(xs: readonly number[], x: number): number {
  // index i with xs[i] <= x <= xs[i+1], clamped to [0, n-2]
  let lo = 0;
  let hi = xs.length - 2;
  if (x <= xs[0]) return 0;
  if (x >= xs[xs.length - 1]) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function piecewise(knots: readonly number[], values: number[], x: number): number {
  const i = interval(knots, x);
  const x0 = knots[i];
  const x1 = knots[i + 1];
  let t = (x - x0) / (x1 - x0);
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  return values[i] * (1 - t) + values[i + 1] * t;
}

export class Warp {
  constructor(
    readonly U: readonly number[],
    readonly V: readonly number[],
    private readonly gxs: LineOffset[],
    private readonly gys: LineOffset[],
    private readonly river: Wave[],
  ) {}

  /** River meander offset (metres north) at u. */
  riverOffset(u: number): number {
    let s = 0;
    for (const w of this.river) s += w.amp * Math.sin(w.k * u + w.phase);
    return s;
  }

  private offset(f: LineOffset, s: number, riverU: number | null): number {
    let d = f.base;
    for (const w of f.waves) d += w.amp * Math.sin(w.k * s + w.phase);
    d += piecewise(f.knots, f.values, s);
    if (riverU !== null && f.riverWeight > 0) d += f.riverWeight * this.riverOffset(riverU);
    return d;
  }

  /** Φ(u, v) → [x, y] in local metres. */
  map(u: number, v: number): [number, number] {
    const U = this.U;
    const V = this.V;
    const i = interval(U, u);
    let t = (u - U[i]) / (U[i + 1] - U[i]);
    if (t < 0) t = 0;
    else if (t > 1) t = 1;
    const j = interval(V, v);
    let s = (v - V[j]) / (V[j + 1] - V[j]);
    if (s < 0) s = 0;
    else if (s > 1) s = 1;
    let dx = 0;
    if (t < 1) dx += (1 - t) * this.offset(this.gxs[i], v, null);
    if (t > 0) dx += t * this.offset(this.gxs[i + 1], v, null);
    let dy = 0;
    if (s < 1) dy += (1 - s) * this.offset(this.gys[j], u, u);
    if (s > 0) dy += s * this.offset(this.gys[j + 1], u, u);
    return [u + dx, v + dy];
  }

  /** Unit vector along the image of the u axis at (u, v): "east" for rows of buildings. */
  east(u: number, v: number): [number, number] {
    const a = this.map(u - 1, v);
    const b = this.map(u + 1, v);
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const n = Math.hypot(dx, dy);
    return [dx / n, dy / n];
  }
}
