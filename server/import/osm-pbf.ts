/**
 * A minimal reader for the OpenStreetMap PBF format (https://wiki.openstreetmap.org/wiki/PBF_Format):
 * a sequence of [4-byte big-endian length][BlobHeader][Blob], each Blob a raw or zlib-compressed
 * HeaderBlock or PrimitiveBlock. It decodes plain Nodes, DenseNodes, Ways and Relations; metadata
 * (versions, users, timestamps) and changesets are skipped. Protobuf is decoded by hand here.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { NO_TAGS, emptyOsmData, type OsmBuild, type OsmData, type OsmMember, type OsmMemberType, type ReadProgress, type Tags } from "./osm-types.js";

/** Malformed OSM PBF; `offset` is the byte of the file (or of the blob) where it was found. */
export class OsmPbfError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

const TWO_64 = 2 ** 64;
const TWO_63 = 2 ** 63;

/** Protobuf wire-format cursor over one message. Integers above 2^53 lose precision. */
export class ProtoReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned varint (uint32, uint64, enum, and the tag/length prefixes). */
  varint(): number {
    const b = this.buf;
    let p = this.pos;
    let byte = b[p++];
    if (byte < 0x80) {
      this.pos = p;
      return byte;
    }
    let result = byte & 0x7f;
    let mul = 128;
    for (;;) {
      if (p >= this.end) throw new OsmPbfError("truncated varint");
      byte = b[p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
      mul *= 128;
    }
    this.pos = p;
    return result;
  }

  /** int32/int64 (two's complement in ten bytes when negative). */
  int64(): number {
    const v = this.varint();
    return v >= TWO_63 ? v - TWO_64 : v;
  }

  /** sint32/sint64 (zigzag). */
  sint64(): number {
    const v = this.varint();
    return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
  }

  /** Start and end of a length-delimited field's payload; moves past it. */
  lengthDelimited(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new OsmPbfError("length-delimited field runs past its message");
    this.pos = end;
    return [start, end];
  }

  string(): string {
    const [s, e] = this.lengthDelimited();
    return this.buf.toString("utf8", s, e);
  }

  sub(): ProtoReader {
    const [s, e] = this.lengthDelimited();
    return new ProtoReader(this.buf, s, e);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.lengthDelimited();
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new OsmPbfError(`unsupported protobuf wire type ${wireType}`);
    }
  }

  /** A repeated scalar field, packed (wire type 2) or not, decoded with `read`. */
  repeated(wireType: number, read: (r: ProtoReader) => number, into: number[] = []): number[] {
    if (wireType === 2) {
      const [s, e] = this.lengthDelimited();
      const r = new ProtoReader(this.buf, s, e);
      while (!r.done) into.push(read(r));
    } else {
      into.push(read(this));
    }
    return into;
  }
}

const uint = (r: ProtoReader) => r.varint();
const sint = (r: ProtoReader) => r.sint64();
const int = (r: ProtoReader) => r.int64();

function* fields(r: ProtoReader): Generator<[number, number]> {
  while (!r.done) {
    const key = r.varint();
    yield [Math.floor(key / 8), key & 7];
  }
}

const SUPPORTED_FEATURES = new Set(["OsmSchema-V0.6", "DenseNodes"]);

interface BlockContext {
  strings: string[];
  granularity: number;
  latOffset: number;
  lonOffset: number;
}

function tagsFrom(keys: number[], vals: number[], strings: string[]): Tags {
  if (keys.length === 0) return NO_TAGS;
  const tags: Tags = {};
  for (let i = 0; i < keys.length; i++) tags[strings[keys[i]]] = strings[vals[i]];
  return tags;
}

function readHeaderBlock(r: ProtoReader, data: OsmBuild): void {
  for (const [field, wt] of fields(r)) {
    if (field === 1 && wt === 2) {
      const bb = r.sub();
      const v = [0, 0, 0, 0]; // left, right, top, bottom (nanodegrees)
      for (const [f, w] of fields(bb)) {
        if (f >= 1 && f <= 4 && w === 0) v[f - 1] = bb.sint64();
        else bb.skip(w);
      }
      data.bounds = [v[0] / 1e9, v[3] / 1e9, v[1] / 1e9, v[2] / 1e9];
    } else if (field === 4 && wt === 2) {
      const feature = r.string();
      if (!SUPPORTED_FEATURES.has(feature)) throw new OsmPbfError(`unsupported required feature "${feature}"`);
    } else {
      r.skip(wt);
    }
  }
}

const coord = (ctx: BlockContext, offset: number, v: number) => (offset + ctx.granularity * v) / 1e9;

function readDenseNodes(r: ProtoReader, ctx: BlockContext, data: OsmBuild): void {
  const ids: number[] = [],
    lats: number[] = [],
    lons: number[] = [],
    kv: number[] = [];
  for (const [field, wt] of fields(r)) {
    if (field === 1) r.repeated(wt, sint, ids);
    else if (field === 8) r.repeated(wt, sint, lats);
    else if (field === 9) r.repeated(wt, sint, lons);
    else if (field === 10) r.repeated(wt, int, kv);
    else r.skip(wt);
  }
  if (lats.length !== ids.length || lons.length !== ids.length) throw new OsmPbfError("DenseNodes: id/lat/lon lengths differ");
  let id = 0,
    lat = 0,
    lon = 0,
    k = 0;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i];
    lat += lats[i];
    lon += lons[i];
    let tags = NO_TAGS;
    if (k < kv.length) {
      if (kv[k] !== 0) tags = {};
      while (k < kv.length && kv[k] !== 0) {
        tags[ctx.strings[kv[k]]] = ctx.strings[kv[k + 1]];
        k += 2;
      }
      k++; // the 0 that ends this node's tags
    }
    data.nodes.set(id, { lon: coord(ctx, ctx.lonOffset, lon), lat: coord(ctx, ctx.latOffset, lat), tags });
  }
}

function readNode(r: ProtoReader, ctx: BlockContext, data: OsmBuild): void {
  let id = 0,
    lat = 0,
    lon = 0;
  const keys: number[] = [],
    vals: number[] = [];
  for (const [field, wt] of fields(r)) {
    if (field === 1) id = r.sint64();
    else if (field === 2) r.repeated(wt, uint, keys);
    else if (field === 3) r.repeated(wt, uint, vals);
    else if (field === 8) lat = r.sint64();
    else if (field === 9) lon = r.sint64();
    else r.skip(wt);
  }
  data.nodes.set(id, { lon: coord(ctx, ctx.lonOffset, lon), lat: coord(ctx, ctx.latOffset, lat), tags: tagsFrom(keys, vals, ctx.strings) });
}

function readWay(r: ProtoReader, ctx: BlockContext, data: OsmBuild): void {
  let id = 0;
  const keys: number[] = [],
    vals: number[] = [],
    refs: number[] = [];
  for (const [field, wt] of fields(r)) {
    if (field === 1) id = r.int64();
    else if (field === 2) r.repeated(wt, uint, keys);
    else if (field === 3) r.repeated(wt, uint, vals);
    else if (field === 8) r.repeated(wt, sint, refs);
    else r.skip(wt);
  }
  for (let i = 1; i < refs.length; i++) refs[i] += refs[i - 1];
  data.ways.set(id, { nodes: refs, tags: tagsFrom(keys, vals, ctx.strings) });
}

const MEMBER_TYPES: OsmMemberType[] = ["node", "way", "relation"];

function readRelation(r: ProtoReader, ctx: BlockContext, data: OsmBuild): void {
  let id = 0;
  const keys: number[] = [],
    vals: number[] = [],
    roles: number[] = [],
    memids: number[] = [],
    types: number[] = [];
  for (const [field, wt] of fields(r)) {
    if (field === 1) id = r.int64();
    else if (field === 2) r.repeated(wt, uint, keys);
    else if (field === 3) r.repeated(wt, uint, vals);
    else if (field === 8) r.repeated(wt, int, roles);
    else if (field === 9) r.repeated(wt, sint, memids);
    else if (field === 10) r.repeated(wt, uint, types);
    else r.skip(wt);
  }
  const members: OsmMember[] = [];
  let ref = 0;
  for (let i = 0; i < memids.length; i++) {
    ref += memids[i];
    const type = MEMBER_TYPES[types[i] ?? 0];
    if (!type) throw new OsmPbfError(`relation ${id}: unknown member type ${types[i]}`);
    members.push({ type, ref, role: ctx.strings[roles[i] ?? 0] ?? "" });
  }
  data.relations.set(id, { members, tags: tagsFrom(keys, vals, ctx.strings) });
}

function readPrimitiveBlock(r: ProtoReader, data: OsmBuild): void {
  const ctx: BlockContext = { strings: [], granularity: 100, latOffset: 0, lonOffset: 0 };
  const groups: ProtoReader[] = [];
  for (const [field, wt] of fields(r)) {
    if (field === 1 && wt === 2) {
      const st = r.sub();
      for (const [f, w] of fields(st)) {
        if (f === 1 && w === 2) ctx.strings.push(st.string());
        else st.skip(w);
      }
    } else if (field === 2 && wt === 2) groups.push(r.sub());
    else if (field === 17 && wt === 0) ctx.granularity = r.int64();
    else if (field === 19 && wt === 0) ctx.latOffset = r.int64();
    else if (field === 20 && wt === 0) ctx.lonOffset = r.int64();
    else r.skip(wt);
  }
  for (const g of groups) {
    for (const [field, wt] of fields(g)) {
      if (wt !== 2) {
        g.skip(wt);
        continue;
      }
      if (field === 1) readNode(g.sub(), ctx, data);
      else if (field === 2) readDenseNodes(g.sub(), ctx, data);
      else if (field === 3) readWay(g.sub(), ctx, data);
      else if (field === 4) readRelation(g.sub(), ctx, data);
      else g.skip(wt);
    }
  }
}

function blobPayload(r: ProtoReader): Buffer {
  let rawSize = -1;
  let payload: Buffer | null = null;
  for (const [field, wt] of fields(r)) {
    if (field === 2 && wt === 0) {
      rawSize = r.varint();
      continue;
    }
    if (wt !== 2) {
      r.skip(wt);
      continue;
    }
    const [s, e] = r.lengthDelimited();
    const bytes = r.buf.subarray(s, e);
    if (field === 1) payload = bytes;
    else if (field === 3) payload = zlib.inflateSync(bytes);
    else if (field === 7) {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
      if (!zstd) throw new OsmPbfError("zstd-compressed PBF blobs need Node 22.15+; recompress with `osmium cat -o out.osm.pbf` (zlib)");
      payload = zstd(bytes);
    } else if (field === 4 || field === 5 || field === 6) {
      throw new OsmPbfError(`unsupported PBF blob compression (${field === 4 ? "lzma" : field === 5 ? "bzip2" : "lz4"}); use zlib`);
    }
  }
  if (!payload) throw new OsmPbfError("PBF blob without data");
  if (rawSize >= 0 && payload.length !== rawSize) throw new OsmPbfError(`PBF blob: raw_size ${rawSize} but got ${payload.length} bytes`);
  return payload;
}

/** True when the bytes start like a PBF file (a BlobHeader of type OSMHeader or OSMData). */
export function looksLikePbf(buf: Uint8Array): boolean {
  if (buf.length < 16) return false;
  const b = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, 32));
  const len = b.readUInt32BE(0);
  if (len === 0 || len > 64 * 1024) return false;
  // BlobHeader field 1 (type, string): 0x0a, length, "OSMHeader" | "OSMData"
  if (b[4] !== 0x0a) return false;
  const type = b.toString("latin1", 6, 6 + b[5]);
  return type === "OSMHeader" || type === "OSMData";
}

/** Bytes of a PBF file by offset: a buffer in memory or an open file read piece by piece. */
interface ByteSource {
  size: number;
  /** `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Buffer;
}

/** Decode a whole .osm.pbf file held in memory. */
export function parseOsmPbf(input: Uint8Array, onProgress?: ReadProgress): OsmData {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return parseBlobs({ size: buf.length, read: (o, n) => buf.subarray(o, Math.min(buf.length, o + n)) }, onProgress);
}

/**
 * Decode an .osm.pbf file streamed from disk one blob at a time (each at most 32 MB by the
 * format), so the file itself is never held whole: memory is what the data takes (NodeStore).
 */
export function parseOsmPbfFile(file: string, onProgress?: ReadProgress): OsmData {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    return parseBlobs(
      {
        size,
        read: (offset, length) => {
          const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
          let got = 0;
          while (got < out.length) {
            const n = fs.readSync(fd, out, got, out.length - got, offset + got);
            if (n === 0) break;
            got += n;
          }
          return out.subarray(0, got);
        },
      },
      onProgress,
    );
  } finally {
    fs.closeSync(fd);
  }
}

function parseBlobs(src: ByteSource, onProgress?: ReadProgress): OsmData {
  const data = emptyOsmData();
  let off = 0;
  let blobs = 0;
  while (off < src.size) {
    if (off + 4 > src.size) throw new OsmPbfError(`truncated PBF`, off);
    const headerLen = src.read(off, 4).readUInt32BE(0);
    off += 4;
    if (headerLen > 64 * 1024 || off + headerLen > src.size) throw new OsmPbfError(`bad BlobHeader length ${headerLen}`, off - 4);
    const header = src.read(off, headerLen);
    const hr = new ProtoReader(header);
    let type = "";
    let dataSize = -1;
    for (const [field, wt] of fields(hr)) {
      if (field === 1 && wt === 2) type = hr.string();
      else if (field === 3 && wt === 0) dataSize = hr.varint();
      else hr.skip(wt);
    }
    off += headerLen;
    if (dataSize < 0 || off + dataSize > src.size) throw new OsmPbfError(`bad Blob size ${dataSize}`, off);
    const blobAt = off;
    try {
      const payload = blobPayload(new ProtoReader(src.read(off, dataSize)));
      if (type === "OSMHeader") readHeaderBlock(new ProtoReader(payload), data);
      else if (type === "OSMData") readPrimitiveBlock(new ProtoReader(payload), data);
    } catch (err) {
      // Inside a blob the reader knows offsets in the decompressed block only: name the blob.
      const reason = err instanceof OsmPbfError ? err.message : `unreadable (${(err as Error).message})`;
      throw new OsmPbfError(`in the ${type || "unnamed"} blob starting at byte ${blobAt}: ${reason}`, blobAt);
    }
    off += dataSize;
    // other blob types are skipped, as the format allows
    blobs++;
    onProgress?.(off, src.size);
  }
  if (blobs === 0) onProgress?.(src.size, src.size);
  return data;
}
