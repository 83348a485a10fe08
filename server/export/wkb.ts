// GeoJSON geometry → OGC Well-Known Binary (ISO/OGC Simple Features, 2D, little-endian), for file
// exports such as GeoPackage. The database never sees this: PostGIS reads and writes GeoJSON there.

/** A position `[x, y]` (`[lon, lat]` in EPSG:4326); a third value (altitude) is ignored. */
export type Position = number[];

export interface PointGeometry {
  type: "Point";
  coordinates: Position;
}
export interface MultiPointGeometry {
  type: "MultiPoint";
  coordinates: Position[];
}
export interface LineStringGeometry {
  type: "LineString";
  coordinates: Position[];
}
export interface MultiLineStringGeometry {
  type: "MultiLineString";
  coordinates: Position[][];
}
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export interface GeometryCollectionGeometry {
  type: "GeometryCollection";
  geometries: Geometry[];
}

/** A GeoJSON (RFC 7946) geometry object. */
export type Geometry =
  | PointGeometry
  | MultiPointGeometry
  | LineStringGeometry
  | MultiLineStringGeometry
  | PolygonGeometry
  | MultiPolygonGeometry
  | GeometryCollectionGeometry;

/** Bounds of a geometry in the GeoPackage envelope order `[minX, maxX, minY, maxY]`. */
export type Envelope = [number, number, number, number];

/** WKB geometry type codes (2D). */
export const WKB_TYPE_CODES = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
  GeometryCollection: 7,
} as const satisfies Record<Geometry["type"], number>;

/** A geometry that cannot be encoded; `path` names the offending member, e.g. `coordinates[0][3]`. */
export class GeometryEncodingError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "GeometryEncodingError";
  }
}

function checkPosition(p: unknown, path: string): asserts p is Position {
  if (!Array.isArray(p) || p.length < 2) throw new GeometryEncodingError(path, "expected a position [x, y]");
  if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    throw new GeometryEncodingError(path, `expected finite numbers, got ${JSON.stringify(p)}`);
  }
}

function checkArray(a: unknown, path: string): asserts a is unknown[] {
  if (!Array.isArray(a)) throw new GeometryEncodingError(path, "expected an array");
}

// Byte sizes: header = byte order (1) + type (4); counts are uint32; positions are two doubles.
const HEADER = 5;
const COUNT = 4;
const XY = 16;

function byteLength(g: Geometry, path: string): number {
  switch (g.type) {
    case "Point":
      // An empty point has no coordinates in GeoJSON; WKB writes it as POINT(NaN NaN).
      if (Array.isArray(g.coordinates) && g.coordinates.length === 0) return HEADER + XY;
      checkPosition(g.coordinates, `${path}.coordinates`);
      return HEADER + XY;
    case "LineString":
    case "MultiPoint":
      checkArray(g.coordinates, `${path}.coordinates`);
      g.coordinates.forEach((p, i) => {
        checkPosition(p, `${path}.coordinates[${i}]`);
      });
      return g.type === "LineString" ? HEADER + COUNT + XY * g.coordinates.length : HEADER + COUNT + (HEADER + XY) * g.coordinates.length;
    case "Polygon":
      return polygonLength(g.coordinates, `${path}.coordinates`);
    case "MultiLineString":
      checkArray(g.coordinates, `${path}.coordinates`);
      return g.coordinates.reduce((n, line, i) => n + byteLength({ type: "LineString", coordinates: line }, `${path}.coordinates[${i}]`), HEADER + COUNT);
    case "MultiPolygon":
      checkArray(g.coordinates, `${path}.coordinates`);
      return g.coordinates.reduce((n, rings, i) => n + polygonLength(rings, `${path}.coordinates[${i}]`), HEADER + COUNT);
    case "GeometryCollection":
      checkArray(g.geometries, `${path}.geometries`);
      return g.geometries.reduce((n, child, i) => n + byteLength(child, `${path}.geometries[${i}]`), HEADER + COUNT);
    default:
      throw new GeometryEncodingError(`${path}.type`, `unknown geometry type ${JSON.stringify((g as { type?: unknown }).type)}`);
  }
}

function polygonLength(rings: unknown, path: string): number {
  checkArray(rings, path);
  let n = HEADER + COUNT;
  rings.forEach((ring, i) => {
    checkArray(ring, `${path}[${i}]`);
    ring.forEach((p, j) => {
      checkPosition(p, `${path}[${i}][${j}]`);
    });
    n += COUNT + XY * ring.length;
  });
  return n;
}

class Writer {
  offset = 0;
  constructor(readonly view: DataView) {}
  header(code: number) {
    this.view.setUint8(this.offset, 1); // 1 = little-endian (NDR)
    this.view.setUint32(this.offset + 1, code, true);
    this.offset += HEADER;
  }
  count(n: number) {
    this.view.setUint32(this.offset, n, true);
    this.offset += COUNT;
  }
  xy(x: number, y: number) {
    this.view.setFloat64(this.offset, x, true);
    this.view.setFloat64(this.offset + 8, y, true);
    this.offset += XY;
  }
  positions(ps: Position[]) {
    this.count(ps.length);
    for (const p of ps) this.xy(p[0], p[1]);
  }
  polygon(rings: Position[][]) {
    this.header(WKB_TYPE_CODES.Polygon);
    this.count(rings.length);
    for (const ring of rings) this.positions(ring);
  }
  geometry(g: Geometry) {
    switch (g.type) {
      case "Point":
        this.header(WKB_TYPE_CODES.Point);
        if (g.coordinates.length === 0) this.xy(NaN, NaN);
        else this.xy(g.coordinates[0], g.coordinates[1]);
        return;
      case "LineString":
        this.header(WKB_TYPE_CODES.LineString);
        this.positions(g.coordinates);
        return;
      case "Polygon":
        this.polygon(g.coordinates);
        return;
      case "MultiPoint":
        this.header(WKB_TYPE_CODES.MultiPoint);
        this.count(g.coordinates.length);
        for (const p of g.coordinates) this.geometry({ type: "Point", coordinates: p });
        return;
      case "MultiLineString":
        this.header(WKB_TYPE_CODES.MultiLineString);
        this.count(g.coordinates.length);
        for (const line of g.coordinates) this.geometry({ type: "LineString", coordinates: line });
        return;
      case "MultiPolygon":
        this.header(WKB_TYPE_CODES.MultiPolygon);
        this.count(g.coordinates.length);
        for (const rings of g.coordinates) this.polygon(rings);
        return;
      case "GeometryCollection":
        this.header(WKB_TYPE_CODES.GeometryCollection);
        this.count(g.geometries.length);
        for (const child of g.geometries) this.geometry(child);
        return;
    }
  }
}

/**
 * Encode a GeoJSON geometry as little-endian 2D WKB. Altitudes (a third coordinate) are dropped;
 * an empty Point is written as `POINT(NaN NaN)`, the usual WKB convention.
 *
 * @param path how to name the geometry in errors, e.g. `features[3].geometry`
 * @throws GeometryEncodingError naming the member that is not a valid GeoJSON geometry
 * @example encodeWkb({ type: "Point", coordinates: [116.4, 39.9] }) // 21 bytes: 01 01000000 …
 */
export function encodeWkb(geometry: Geometry, path = "geometry"): Uint8Array {
  if (!geometry || typeof geometry !== "object") throw new GeometryEncodingError(path, "expected a geometry object");
  const bytes = new Uint8Array(byteLength(geometry, path));
  const writer = new Writer(new DataView(bytes.buffer));
  writer.geometry(geometry);
  return bytes;
}

/** Call `fn` with every position of a geometry (already checked by `encodeWkb`, or trusted). */
export function forEachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case "Point":
      if (g.coordinates.length > 0) fn(g.coordinates);
      return;
    case "LineString":
    case "MultiPoint":
      g.coordinates.forEach(fn);
      return;
    case "Polygon":
    case "MultiLineString":
      for (const ps of g.coordinates) ps.forEach(fn);
      return;
    case "MultiPolygon":
      for (const rings of g.coordinates) for (const ps of rings) ps.forEach(fn);
      return;
    case "GeometryCollection":
      for (const child of g.geometries) forEachPosition(child, fn);
      return;
  }
}

/** The bounds `[minX, maxX, minY, maxY]` of a geometry, or `null` when it has no positions (empty). */
export function envelopeOf(g: Geometry): Envelope | null {
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  forEachPosition(g, ([x, y]) => {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  });
  return minX === Infinity ? null : [minX, maxX, minY, maxY];
}
