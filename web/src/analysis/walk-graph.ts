/**
 * The walk graph in the compact binary form the API serves at `GET /api/network/walk`.
 *
 * Layout (little-endian):
 *
 * | bytes | content |
 * |---|---|
 * | 0–7 | magic `WALKGRF2` (ASCII) |
 * | 8–11 | uint32: byte length H of the JSON header |
 * | 12 … 12+H | UTF-8 JSON header |
 * | … | the sections listed in the header, one after another |
 *
 * The header is `{ version, nodeCount, edgeCount, classes, coordScale, lengthScale, sections:
 * [{ name, offset, length }] }` (offsets and lengths in bytes). Every section but `edgeClass` is
 * a run of LEB128 varints (7 bits a byte, low first); "zigzag" maps …, −1, 0, 1, … to 1, 0, 2, …:
 *
 * - `nodeIds` (N): database ids, sorted ascending, each as its step from the previous one.
 * - `nodeLon`, `nodeLat` (N each): coordinates quantised to 1/coordScale degree (1e-7°, about
 *   1 cm), zigzag steps from the previous node's.
 * - `edgeIds` (E): zigzag steps from the previous edge's id (edges keep their order).
 * - `edgeSource` (E): node index, zigzag step from the previous edge's source.
 * - `edgeTarget` (E): node index, zigzag step from the edge's own source.
 * - `edgeLength` (E): metres quantised to 1/lengthScale (0.1 mm), as they are.
 * - `edgeClass` (E bytes): index into `classes` (street class, e.g. "arterial", "alley").
 *
 * The reader rebuilds the CSR adjacency (`adjOffsets`, `adjTargets`, `adjEdges`) from the edges.
 * Edges are walkable both ways. This module is pure TypeScript: it runs in Node and in a Web Worker.
 */

export const WALK_GRAPH_MAGIC = "WALKGRF2";
export const WALK_GRAPH_VERSION = 2;
/** Coordinates are sent in steps of 1/COORD_SCALE degree; lengths in steps of 1/LENGTH_SCALE metre. */
const COORD_SCALE = 1e7;
const LENGTH_SCALE = 1e4;

export interface WalkGraph {
  nodeCount: number;
  edgeCount: number;
  classes: string[];
  nodeIds: Float64Array;
  nodeLonLat: Float64Array;
  adjOffsets: Uint32Array;
  adjTargets: Uint32Array;
  adjEdges: Uint32Array;
  edgeIds: Float64Array;
  edgeSource: Uint32Array;
  edgeTarget: Uint32Array;
  edgeLengthM: Float64Array;
  edgeClass: Uint8Array;
}

/** Input to {@link buildWalkGraph}: nodes and undirected edges referring to node ids. */
export interface WalkGraphInput {
  nodes: Array<{ id: number; lon: number; lat: number }>;
  edges: Array<{ id: number; source: number; target: number; lengthM: number; class: string }>;
}

/** Build the CSR walk graph from node and edge lists. Throws when an edge names an unknown node. */
export function buildWalkGraph(input: WalkGraphInput): WalkGraph {
  const nodes = [...input.nodes].sort((a, b) => a.id - b.id);
  const n = nodes.length;
  const e = input.edges.length;
  const index = new Map<number, number>();
  const nodeIds = new Float64Array(n);
  const nodeLonLat = new Float64Array(2 * n);
  nodes.forEach((node, i) => {
    index.set(node.id, i);
    nodeIds[i] = node.id;
    nodeLonLat[2 * i] = node.lon;
    nodeLonLat[2 * i + 1] = node.lat;
  });
  const classes: string[] = [];
  const classIndex = new Map<string, number>();
  const edgeIds = new Float64Array(e);
  const edgeSource = new Uint32Array(e);
  const edgeTarget = new Uint32Array(e);
  const edgeLengthM = new Float64Array(e);
  const edgeClass = new Uint8Array(e);
  input.edges.forEach((edge, i) => {
    const s = index.get(edge.source);
    const t = index.get(edge.target);
    if (s === undefined || t === undefined) {
      throw new Error(`walk edge ${edge.id} refers to missing node ${s === undefined ? edge.source : edge.target}`);
    }
    let c = classIndex.get(edge.class);
    if (c === undefined) {
      c = classes.length;
      if (c > 255) throw new Error("more than 256 street classes");
      classes.push(edge.class);
      classIndex.set(edge.class, c);
    }
    edgeIds[i] = edge.id;
    edgeSource[i] = s;
    edgeTarget[i] = t;
    edgeLengthM[i] = edge.lengthM;
    edgeClass[i] = c;
  });
  return {
    nodeCount: n,
    edgeCount: e,
    classes,
    nodeIds,
    nodeLonLat,
    ...adjacency(n, edgeSource, edgeTarget),
    edgeIds,
    edgeSource,
    edgeTarget,
    edgeLengthM,
    edgeClass,
  };
}

/** The CSR adjacency of undirected edges: each edge in the rows of both its ends. */
function adjacency(n: number, edgeSource: Uint32Array, edgeTarget: Uint32Array) {
  const e = edgeSource.length;
  const adjOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < e; i++) {
    adjOffsets[edgeSource[i] + 1]++;
    adjOffsets[edgeTarget[i] + 1]++;
  }
  for (let i = 0; i < n; i++) adjOffsets[i + 1] += adjOffsets[i];
  const fill = adjOffsets.slice(0, n);
  const adjTargets = new Uint32Array(2 * e);
  const adjEdges = new Uint32Array(2 * e);
  for (let i = 0; i < e; i++) {
    const s = edgeSource[i];
    const t = edgeTarget[i];
    adjTargets[fill[s]] = t;
    adjEdges[fill[s]++] = i;
    adjTargets[fill[t]] = s;
    adjEdges[fill[t]++] = i;
  }
  return { adjOffsets, adjTargets, adjEdges };
}

/** A growing byte buffer of LEB128 varints (values up to 2^53, so no 32-bit bit operations). */
class VarintWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  uint(value: number): void {
    if (this.length + 8 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    let v = value;
    while (v >= 128) {
      this.bytes[this.length++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    this.bytes[this.length++] = v;
  }

  int(value: number): void {
    this.uint(value >= 0 ? 2 * value : -2 * value - 1);
  }
}

/** Read `count` varints from `bytes` (zigzag when `signed`), each added to the running value when `delta`. */
function readVarints(bytes: Uint8Array, count: number, signed: boolean, delta: boolean, out: { length: number; [i: number]: number }): void {
  let p = 0;
  let prev = 0;
  for (let i = 0; i < count; i++) {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = bytes[p++];
      v += (b & 127) * mul;
      mul *= 128;
    } while (b >= 128);
    if (signed) v = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    prev = delta ? prev + v : v;
    out[i] = prev;
  }
  if (p !== bytes.length) throw new Error("walk graph section has trailing bytes");
}

const SECTIONS = ["nodeIds", "nodeLon", "nodeLat", "edgeIds", "edgeSource", "edgeTarget", "edgeLength", "edgeClass"] as const;
type SectionName = (typeof SECTIONS)[number];

/** Quantise `x` to a whole number of 1/scale steps; ids must be whole numbers already. */
function whole(x: number, what: string): number {
  if (!Number.isSafeInteger(x)) throw new Error(`walk graph: ${what} ${x} is not a whole number`);
  return x;
}

/** Serialise a walk graph to the compact binary layout described above. */
export function encodeWalkGraph(g: WalkGraph): Uint8Array {
  const w = Object.fromEntries(SECTIONS.map((name) => [name, new VarintWriter()])) as Record<SectionName, VarintWriter>;
  let prev = 0,
    lon = 0,
    lat = 0;
  for (let i = 0; i < g.nodeCount; i++) {
    const id = whole(g.nodeIds[i], "node id");
    w.nodeIds.uint(id - prev);
    prev = id;
    const x = Math.round(g.nodeLonLat[2 * i] * COORD_SCALE),
      y = Math.round(g.nodeLonLat[2 * i + 1] * COORD_SCALE);
    w.nodeLon.int(x - lon);
    w.nodeLat.int(y - lat);
    lon = x;
    lat = y;
  }
  let prevId = 0,
    prevSource = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const id = whole(g.edgeIds[e], "edge id");
    w.edgeIds.int(id - prevId);
    prevId = id;
    w.edgeSource.int(g.edgeSource[e] - prevSource);
    prevSource = g.edgeSource[e];
    w.edgeTarget.int(g.edgeTarget[e] - g.edgeSource[e]);
    w.edgeLength.uint(Math.round(g.edgeLengthM[e] * LENGTH_SCALE));
  }
  const classBytes = new Uint8Array(g.edgeClass.buffer, g.edgeClass.byteOffset, g.edgeClass.byteLength);
  const bodies = SECTIONS.map((name) => (name === "edgeClass" ? classBytes : w[name].bytes.subarray(0, w[name].length)));
  let offset = 0;
  const sections = SECTIONS.map((name, k) => {
    const entry = { name, offset, length: bodies[k].length };
    offset += bodies[k].length;
    return entry;
  });
  const header = {
    version: WALK_GRAPH_VERSION,
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    classes: g.classes,
    coordScale: COORD_SCALE,
    lengthScale: LENGTH_SCALE,
  };
  // Section offsets count from the end of the header, so the header's own length does not move them.
  const text = new TextEncoder().encode(JSON.stringify({ ...header, sections }));
  const out = new Uint8Array(12 + text.length + offset);
  out.set(new TextEncoder().encode(WALK_GRAPH_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, text.length, true);
  out.set(text, 12);
  sections.forEach((sec, k) => {
    out.set(bodies[k], 12 + text.length + sec.offset);
  });
  return out;
}

/** Read a walk graph from the compact binary layout. */
export function decodeWalkGraph(buffer: ArrayBuffer | Uint8Array): WalkGraph {
  const data = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const magic = new TextDecoder().decode(data.subarray(0, 8));
  if (magic !== WALK_GRAPH_MAGIC) throw new Error(`not a walk graph of this version (magic "${magic}")`);
  const headerBytes = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(12, 12 + headerBytes))) as {
    version: number;
    nodeCount: number;
    edgeCount: number;
    classes: string[];
    coordScale: number;
    lengthScale: number;
    sections: Array<{ name: SectionName; offset: number; length: number }>;
  };
  if (header.version !== WALK_GRAPH_VERSION) throw new Error(`unsupported walk graph version ${header.version}`);
  const base = 12 + headerBytes;
  const section = (name: SectionName) => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw new Error(`walk graph lacks section ${name}`);
    return data.subarray(base + s.offset, base + s.offset + s.length);
  };
  const n = header.nodeCount,
    e = header.edgeCount;
  const nodeIds = new Float64Array(n);
  readVarints(section("nodeIds"), n, false, true, nodeIds);
  const coord = new Float64Array(n);
  const nodeLonLat = new Float64Array(2 * n);
  readVarints(section("nodeLon"), n, true, true, coord);
  for (let i = 0; i < n; i++) nodeLonLat[2 * i] = coord[i] / header.coordScale;
  readVarints(section("nodeLat"), n, true, true, coord);
  for (let i = 0; i < n; i++) nodeLonLat[2 * i + 1] = coord[i] / header.coordScale;
  const edgeIds = new Float64Array(e);
  readVarints(section("edgeIds"), e, true, true, edgeIds);
  const edgeSource = new Uint32Array(e);
  readVarints(section("edgeSource"), e, true, true, edgeSource);
  const edgeTarget = new Uint32Array(e);
  const steps = new Int32Array(e);
  readVarints(section("edgeTarget"), e, true, false, steps);
  for (let i = 0; i < e; i++) edgeTarget[i] = edgeSource[i] + steps[i];
  const edgeLengthM = new Float64Array(e);
  readVarints(section("edgeLength"), e, false, false, edgeLengthM);
  for (let i = 0; i < e; i++) edgeLengthM[i] /= header.lengthScale;
  const edgeClass = section("edgeClass").slice();
  if (edgeClass.length !== e) throw new Error("walk graph edge classes do not match its edges");
  return {
    nodeCount: n,
    edgeCount: e,
    classes: header.classes,
    nodeIds,
    nodeLonLat,
    ...adjacency(n, edgeSource, edgeTarget),
    edgeIds,
    edgeSource,
    edgeTarget,
    edgeLengthM,
    edgeClass,
  };
}
