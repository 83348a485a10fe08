/**
 * Disjoint sets over numeric ids (dense indices or sparse ids such as OSM node ids), with path
 * compression. Of two sets joined, the smaller root id becomes the root, so `find` gives the same
 * answer whatever order the unions came in: the lowest id of a set, when every id was joined
 * through `union`.
 *
 * @example
 * const sets = new UnionFind();
 * sets.union(7, 3); sets.union(3, 9);
 * sets.find(9); // 3
 */
export class UnionFind {
  private readonly parent = new Map<number, number>();

  /** The root of `a`'s set (`a` itself when it was never joined to anything). */
  find(a: number): number {
    let r = a;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    // path compression
    let x = a;
    while (x !== r) {
      const next = this.parent.get(x)!;
      this.parent.set(x, r);
      x = next;
    }
    return r;
  }

  /** Join the sets of `a` and `b`; false when they were already one. */
  union(a: number, b: number): boolean {
    const ra = this.find(a),
      rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
    return true;
  }
}
