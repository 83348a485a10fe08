/**
 * The walk graph in the compact binary form the API serves at `GET /api/network/walk`.
 *
 * Layout (all numbers little-endian):
 *
 * | bytes | content |
 * |---|---|
 * | 0–7 | magic `WALKGRF1` (ASCII) |
 * | 8–11 | uint32: byte length H of the JSON header |
 * | 12 … 12+H | UTF-8 JSON header, padded with spaces so the arrays start 8-byte aligned |
 * | … | the arrays listed in the header, each starting 8-byte aligned |
 *
 * The header is `{ version, nodeCount, edgeCount, classes, arrays: [{ name, type, offset, length }] }`
 * with `offset` in bytes from the start of the buffer. Arrays (N nodes, E undirected edges):
 *
 * - `nodeIds` Float64Array(N): database ids of the nodes, sorted ascending; a node's index is its position.
 * - `nodeLonLat` Float64Array(2N): lon, lat of each node (EPSG:4326).
 * - `adjOffsets` Uint32Array(N+1): CSR row pointers; node i's neighbours are entries
 *   `adjOffsets[i] … adjOffsets[i+1]-1` of the next two arrays.
 * - `adjTargets` Uint32Array(2E): neighbour node index.
 * - `adjEdges` Uint32Array(2E): index of the edge leading there.
 * - `edgeIds` Float64Array(E): database ids of the edges.
 * - `edgeSource`, `edgeTarget` Uint32Array(E): node indices.
 * - `edgeLengthM` Float64Array(E): length in metres (measured on the spheroid by PostGIS).
 * - `edgeClass` Uint8Array(E): index into `classes` (street class, e.g. "arterial", "alley").
 *
 * Edges are walkable both ways. This module is pure TypeScript: it runs in Node and in a Web Worker.
 */

export const WALK_GRAPH_MAGIC = "WALKGRF1";
export const WALK_GRAPH_VERSION = 1;

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

type ArrayName = Exclude<keyof WalkGraph, "nodeCount" | "edgeCount" | "classes">;
type TypedArray = Float64Array | Uint32Array | Uint8Array;
const ARRAY_TYPES: Record<ArrayName, "Float64Array" | "Uint32Array" | "Uint8Array"> = {
  nodeIds: "Float64Array",
  nodeLonLat: "Float64Array",
  adjOffsets: "Uint32Array",
  adjTargets: "Uint32Array",
  adjEdges: "Uint32Array",
  edgeIds: "Float64Array",
  edgeSource: "Uint32Array",
  edgeTarget: "Uint32Array",
  edgeLengthM: "Float64Array",
  edgeClass: "Uint8Array",
};
const CTORS = { Float64Array, Uint32Array, Uint8Array } as const;

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
  const degree = new Uint32Array(n);
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
    degree[s]++;
    degree[t]++;
  });
  const adjOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) adjOffsets[i + 1] = adjOffsets[i] + degree[i];
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
  return {
    nodeCount: n,
    edgeCount: e,
    classes,
    nodeIds,
    nodeLonLat,
    adjOffsets,
    adjTargets,
    adjEdges,
    edgeIds,
    edgeSource,
    edgeTarget,
    edgeLengthM,
    edgeClass,
  };
}

const align8 = (x: number) => (x + 7) & ~7;

/** Serialise a walk graph to the binary layout described above. */
export function encodeWalkGraph(g: WalkGraph): Uint8Array {
  const names = Object.keys(ARRAY_TYPES) as ArrayName[];
  const makeHeader = (base: number) => {
    let offset = base;
    const arrays = names.map((name) => {
      const arr = g[name] as TypedArray;
      const entry = { name, type: ARRAY_TYPES[name], offset, length: arr.length };
      offset = align8(offset + arr.byteLength);
      return entry;
    });
    return { header: { version: WALK_GRAPH_VERSION, nodeCount: g.nodeCount, edgeCount: g.edgeCount, classes: g.classes, arrays }, end: offset };
  };
  // The header's own length moves the array offsets; iterate until the padded length is stable.
  let headerBytes = 0;
  let built = makeHeader(0);
  for (let i = 0; i < 4; i++) {
    const text = new TextEncoder().encode(JSON.stringify(built.header));
    const padded = align8(12 + text.length) - 12;
    if (padded === headerBytes) break;
    headerBytes = padded;
    built = makeHeader(12 + headerBytes);
  }
  const text = new TextEncoder().encode(JSON.stringify(built.header));
  if (text.length > headerBytes) throw new Error("walk graph header did not settle");
  const out = new Uint8Array(built.end);
  out.set(new TextEncoder().encode(WALK_GRAPH_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, headerBytes, true);
  out.fill(0x20, 12, 12 + headerBytes);
  out.set(text, 12);
  for (const a of built.header.arrays) {
    const arr = g[a.name] as TypedArray;
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), a.offset);
  }
  return out;
}

/** Read a walk graph from the binary layout. The typed arrays view `buffer` without copying. */
export function decodeWalkGraph(buffer: ArrayBuffer | Uint8Array): WalkGraph {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  // Typed-array views need aligned offsets relative to their ArrayBuffer; copy when unaligned.
  const data = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const magic = new TextDecoder().decode(data.subarray(0, 8));
  if (magic !== WALK_GRAPH_MAGIC) throw new Error(`not a walk graph (magic "${magic}")`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerBytes = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(12, 12 + headerBytes))) as {
    version: number;
    nodeCount: number;
    edgeCount: number;
    classes: string[];
    arrays: Array<{ name: ArrayName; type: keyof typeof CTORS; offset: number; length: number }>;
  };
  if (header.version !== WALK_GRAPH_VERSION) throw new Error(`unsupported walk graph version ${header.version}`);
  const g = { nodeCount: header.nodeCount, edgeCount: header.edgeCount, classes: header.classes } as WalkGraph;
  for (const a of header.arrays) {
    const Ctor = CTORS[a.type];
    (g as unknown as Record<string, TypedArray>)[a.name] = new Ctor(data.buffer as ArrayBuffer, data.byteOffset + a.offset, a.length);
  }
  for (const name of Object.keys(ARRAY_TYPES)) {
    if (!(name in g)) throw new Error(`walk graph lacks array ${name}`);
  }
  return g;
}
