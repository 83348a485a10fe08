/**
 * A small tokenizer for OpenStreetMap XML (.osm, API 0.6 `map?bbox=` exports, JOSM and osmium
 * output). It works on the raw bytes of the file (so it is not bound by the maximum length of a JS
 * string) and reads only what the import needs: <bounds>, <node>, <way>/<nd>, <relation>/<member>
 * and <tag>. Comments, processing instructions, CDATA and <!DOCTYPE> (without an internal subset)
 * are skipped; everything else is ignored. Elements marked visible="false" or action="delete" are
 * dropped.
 */
import { NO_TAGS, emptyOsmData, type OsmData, type OsmMember, type OsmMemberType, type ReadProgress, type Tags } from "./osm-types.js";

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e] ?? whole;
  });
}

/** Malformed OSM XML; `offset` is the byte where the problem was found, when known. */
export class OsmXmlError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

interface Current {
  kind: "node" | "way" | "relation";
  id: number;
  skip: boolean;
  lon: number;
  lat: number;
  tags: Tags | null;
  nds: number[];
  members: OsmMember[];
}

const MEMBER_TYPES = new Set<OsmMemberType>(["node", "way", "relation"]);

/** Chunk size for decoding: the file is decoded and parsed in pieces of about this many bytes. */
const CHUNK_BYTES = 16 << 20;

/** Longest markup (one tag or comment) accepted across chunks. */
const MAX_MARKUP = 64 << 20;

/**
 * Parse OSM XML bytes. `onProgress` gets (bytes done, total bytes) after each chunk of
 * `chunkBytes` (a parameter only so that tests can make chunk boundaries fall everywhere).
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the tokenizer closure shares cur, data and sawOsm with the chunk loop
export function parseOsmXml(buf: Uint8Array, onProgress?: ReadProgress, chunkBytes = CHUNK_BYTES): OsmData {
  const data = emptyOsmData();
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const total = b.length;
  let cur: Current | null = null;
  let sawOsm = false;

  const finish = () => {
    if (cur && !cur.skip) {
      const tags = cur.tags ?? NO_TAGS;
      if (cur.kind === "node") data.nodes.set(cur.id, { lon: cur.lon, lat: cur.lat, tags });
      else if (cur.kind === "way") data.ways.set(cur.id, { nodes: cur.nds, tags });
      else data.relations.set(cur.id, { members: cur.members, tags });
    }
    cur = null;
  };

  const attrs = new Map<string, string>();
  /** Parse the markup in `text`; returns where unfinished markup starts (text.length when none). */
  // biome-ignore lint/complexity/noExcessiveLinesPerFunction: the XML tokenizer's state machine, one loop over markup kinds
  const parseText = (text: string, base: number, last: boolean): number => {
    const n = text.length;
    let pos = 0;
    const unterminated = (what: string, at: number): number => {
      if (last) throw new OsmXmlError(`unterminated ${what}`, base + at);
      return at;
    };
    while (pos < n) {
      const lt = text.indexOf("<", pos);
      if (lt < 0) return n;
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === 0x3f /* ? */) {
        const e = text.indexOf("?>", lt + 2);
        if (e < 0) return unterminated("processing instruction", lt);
        pos = e + 2;
        continue;
      }
      if (c1 === 0x21 /* ! */) {
        const close = text.startsWith("<!--", lt) ? "-->" : text.startsWith("<![CDATA[", lt) ? "]]>" : ">";
        const e = text.indexOf(close, lt + 2);
        if (e < 0) return unterminated("markup", lt);
        pos = e + close.length;
        continue;
      }
      if (c1 === 0x2f /* / */) {
        const gt = text.indexOf(">", lt + 2);
        if (gt < 0) return unterminated("end tag", lt);
        const name = text.slice(lt + 2, gt).trim();
        if (cur && name === cur.kind) finish();
        pos = gt + 1;
        continue;
      }
      // Start tag: name, attributes, then ">" or "/>".
      let p = lt + 1;
      while (p < n) {
        const c = text.charCodeAt(p);
        if (isSpace(c) || c === 0x3e || c === 0x2f) break;
        p++;
      }
      const name = text.slice(lt + 1, p);
      attrs.clear();
      let selfClosing = false;
      let complete = false;
      while (p < n) {
        let c = text.charCodeAt(p);
        while (isSpace(c)) c = text.charCodeAt(++p);
        if (p >= n) break;
        if (c === 0x3e) {
          p++;
          complete = true;
          break;
        }
        if (c === 0x2f) {
          if (p + 1 >= n) break;
          if (text.charCodeAt(p + 1) !== 0x3e) throw new OsmXmlError(`stray "/" in <${name}>`, base + lt);
          selfClosing = true;
          complete = true;
          p += 2;
          break;
        }
        const eq = text.indexOf("=", p);
        if (eq < 0) break;
        const an = text.slice(p, eq).trim();
        if (!/^[^\s<>"'/]+$/.test(an)) throw new OsmXmlError(`malformed attribute in <${name}>`, base + lt);
        p = eq + 1;
        while (p < n && isSpace(text.charCodeAt(p))) p++;
        if (p >= n) break;
        const q = text[p];
        if (q !== '"' && q !== "'") throw new OsmXmlError(`unquoted attribute ${an} in <${name}>`, base + lt);
        const end = text.indexOf(q, p + 1);
        if (end < 0) break;
        let v = text.slice(p + 1, end);
        if (v.includes("&")) v = decodeEntities(v);
        attrs.set(an, v);
        p = end + 1;
      }
      if (!complete) return unterminated(`<${name}>`, lt);
      pos = p;

      switch (name) {
        case "osm":
        case "osmChange":
          sawOsm = true;
          break;
        case "bounds": {
          const v = ["minlon", "minlat", "maxlon", "maxlat"].map((k) => Number(attrs.get(k)));
          if (v.every(Number.isFinite)) data.bounds = v as [number, number, number, number];
          break;
        }
        case "node":
        case "way":
        case "relation": {
          finish();
          const id = Number(attrs.get("id"));
          const lon = Number(attrs.get("lon"));
          const lat = Number(attrs.get("lat"));
          const skip =
            !Number.isSafeInteger(id) ||
            attrs.get("visible") === "false" ||
            attrs.get("action") === "delete" ||
            (name === "node" && !(Number.isFinite(lon) && Number.isFinite(lat)));
          cur = { kind: name, id, skip, lon, lat, tags: null, nds: [], members: [] };
          if (selfClosing) finish();
          break;
        }
        case "tag": {
          const k = attrs.get("k");
          const v = attrs.get("v");
          if (cur && k !== undefined && v !== undefined) {
            cur.tags ??= {};
            cur.tags[k] = v;
          }
          break;
        }
        case "nd": {
          const ref = Number(attrs.get("ref"));
          if (cur?.kind === "way" && Number.isSafeInteger(ref)) cur.nds.push(ref);
          break;
        }
        case "member": {
          const type = attrs.get("type") as OsmMemberType;
          const ref = Number(attrs.get("ref"));
          if (cur?.kind === "relation" && MEMBER_TYPES.has(type) && Number.isSafeInteger(ref)) {
            cur.members.push({ type, ref, role: attrs.get("role") ?? "" });
          }
          break;
        }
        default:
          break;
      }
    }
    return n;
  };

  // Decode and parse chunk by chunk, cutting before a "<" (never inside a multi-byte character);
  // markup left unfinished at the end of a chunk is carried into the next one.
  let start = 0;
  let carry = "";
  while (start < total) {
    let end = Math.min(total, start + chunkBytes);
    if (end < total) {
      const lt = b.indexOf(0x3c, end);
      end = lt < 0 ? total : lt;
    }
    const text = carry + b.toString("utf8", start, end);
    const last = end >= total;
    const base = start - Buffer.byteLength(carry);
    const stop = parseText(text, base, last);
    carry = text.slice(stop);
    if (!last && carry.length > MAX_MARKUP) throw new OsmXmlError(`markup longer than ${MAX_MARKUP} bytes`, base + stop);
    start = end;
    onProgress?.(end, total);
  }
  finish();
  if (!sawOsm) throw new OsmXmlError("not OpenStreetMap XML: no <osm> element");
  return data;
}
