/**
 * OpenStreetMap data as read from an .osm (XML) or .osm.pbf file: plain maps keyed by OSM id.
 * Shared by the readers (osm-xml.ts, osm-pbf.ts) and the converter (osm.ts).
 */

export type Tags = Record<string, string>;

export interface OsmNode {
  lon: number;
  lat: number;
  tags: Tags;
}
export interface OsmWay {
  nodes: number[];
  tags: Tags;
}
export type OsmMemberType = "node" | "way" | "relation";
export interface OsmMember {
  type: OsmMemberType;
  ref: number;
  role: string;
}
export interface OsmRelation {
  members: OsmMember[];
  tags: Tags;
}

/** The nodes of an extract by id: a {@link NodeStore} from the readers (a Map does as well, e.g. in tests). */
export interface OsmNodes {
  get(id: number): OsmNode | undefined;
  has(id: number): boolean;
  readonly size: number;
  values(): Iterable<OsmNode>;
  keys(): Iterable<number>;
  [Symbol.iterator](): Iterator<[number, OsmNode]>;
}

export interface OsmData {
  nodes: OsmNodes;
  ways: Map<number, OsmWay>;
  relations: Map<number, OsmRelation>;
  /** [minLon, minLat, maxLon, maxLat] from the file's <bounds> or PBF header bbox, when given. */
  bounds?: [number, number, number, number];
}

/** Progress of a read: bytes done out of the file's size. */
export type ReadProgress = (done: number, total: number) => void;

/** One shared, frozen empty tag object for the many untagged nodes. */
export const NO_TAGS: Tags = Object.freeze({}) as Tags;

/** OSM data as a reader fills it. */
export type OsmBuild = OsmData & { nodes: NodeStore };

export function emptyOsmData(): OsmBuild {
  return { nodes: new NodeStore(), ways: new Map(), relations: new Map() };
}

/**
 * Nodes in typed arrays: id, lon and lat are 24 bytes a node, tags kept only for tagged nodes.
 * A city extract is mostly untagged shape nodes, which as one object each (and a Map entry) took
 * some 150 bytes and capped an import at Map's 16.7 million entries. Ids usually arrive in
 * ascending order (PBF and XML extracts are sorted) and are then found by binary search; out of
 * order (or repeated, the last one winning, as a Map would), they are sorted once on first read.
 */
export class NodeStore implements OsmNodes {
  private ids = new Float64Array(1024);
  private lons = new Float64Array(1024);
  private lats = new Float64Array(1024);
  private count = 0;
  private inOrder = true;
  private readonly tagsById = new Map<number, Tags>();

  set(id: number, node: OsmNode): this {
    let i = this.count;
    if (i > 0 && id <= this.ids[i - 1]) {
      if (id === this.ids[i - 1]) i--;
      else this.inOrder = false;
    }
    if (i === this.ids.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids);
      this.lons = grow(this.lons);
      this.lats = grow(this.lats);
    }
    this.ids[i] = id;
    this.lons[i] = node.lon;
    this.lats[i] = node.lat;
    if (i === this.count) this.count++;
    if (node.tags !== NO_TAGS && Object.keys(node.tags).length) this.tagsById.set(id, node.tags);
    else this.tagsById.delete(id);
    return this;
  }

  /** Sort by id once (stable, so of repeated ids the last one set is kept). */
  private order(): void {
    if (this.inOrder) return;
    const n = this.count;
    const perm = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.ids[a] - this.ids[b] || a - b);
    const ids = new Float64Array(n),
      lons = new Float64Array(n),
      lats = new Float64Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = perm[k];
      if (m > 0 && ids[m - 1] === this.ids[i]) m--;
      ids[m] = this.ids[i];
      lons[m] = this.lons[i];
      lats[m] = this.lats[i];
      m++;
    }
    this.ids = ids;
    this.lons = lons;
    this.lats = lats;
    this.count = m;
    this.inOrder = true;
  }

  private indexOf(id: number): number {
    this.order();
    let lo = 0,
      hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.ids[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private at(i: number): OsmNode {
    return { lon: this.lons[i], lat: this.lats[i], tags: this.tagsById.get(this.ids[i]) ?? NO_TAGS };
  }

  get(id: number): OsmNode | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.at(i);
  }

  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  get size(): number {
    this.order();
    return this.count;
  }

  *keys(): IterableIterator<number> {
    this.order();
    for (let i = 0; i < this.count; i++) yield this.ids[i];
  }

  *values(): IterableIterator<OsmNode> {
    this.order();
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  *[Symbol.iterator](): IterableIterator<[number, OsmNode]> {
    this.order();
    for (let i = 0; i < this.count; i++) yield [this.ids[i], this.at(i)];
  }
}
