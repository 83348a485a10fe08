/**
 * A small tokenizer for OpenStreetMap XML (.osm, API 0.6 `map?bbox=` exports, JOSM and osmium
 * output). It works on the raw bytes of the file (so it is not bound by the maximum length of a JS
 * string) and reads only what the import needs: <bounds>, <node>, <way>/<nd>, <relation>/<member>
 * and <tag>. Comments, processing instructions, CDATA and <!DOCTYPE> (without an internal subset)
 * are skipped; everything else is ignored. Elements marked visible="false" or action="delete" are
 * dropped.
 */
import { NO_TAGS, emptyOsmData, type OsmData, type OsmMember, type OsmMemberType, type ReadProgress, type Tags } from "./osm-types.js";

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, EQ = 0x3d, QUOT = 0x22, APOS = 0x27, QMARK = 0x3f, BANG = 0x21;

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

export class OsmXmlError extends Error {}

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

/** Parse OSM XML bytes. `onProgress` gets (bytes done, total bytes) now and then and at the end. */
export function parseOsmXml(buf: Uint8Array, onProgress?: ReadProgress): OsmData {
  const data = emptyOsmData();
  const total = buf.length;
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  let nextReport = 1 << 20;
  let cur: Current | null = null;
  let sawOsm = false;
  const attrs = new Map<string, string>();

  const finish = () => {
    if (!cur) return;
    if (!cur.skip) {
      const tags = cur.tags ?? NO_TAGS;
      if (cur.kind === "node") data.nodes.set(cur.id, { lon: cur.lon, lat: cur.lat, tags });
      else if (cur.kind === "way") data.ways.set(cur.id, { nodes: cur.nds, tags });
      else data.relations.set(cur.id, { members: cur.members, tags });
    }
    cur = null;
  };

  const skipPast = (needle: string, from: number): number => {
    const at = b.indexOf(needle, from, "latin1");
    if (at < 0) throw new OsmXmlError(`unterminated markup at byte ${from}`);
    return at + needle.length;
  };

  while (pos < total) {
    const lt = b.indexOf(LT, pos);
    if (lt < 0) break;
    if (lt >= nextReport) {
      onProgress?.(lt, total);
      nextReport = lt + (1 << 20);
    }
    const c1 = b[lt + 1];
    if (c1 === QMARK) { pos = skipPast("?>", lt + 2); continue; }
    if (c1 === BANG) {
      if (b[lt + 2] === 0x2d && b[lt + 3] === 0x2d) pos = skipPast("-->", lt + 4);
      else if (b.toString("latin1", lt + 2, lt + 9) === "[CDATA[") pos = skipPast("]]>", lt + 9);
      else pos = skipPast(">", lt + 2);
      continue;
    }
    if (c1 === SLASH) {
      const gt = b.indexOf(GT, lt + 2);
      if (gt < 0) throw new OsmXmlError(`unterminated end tag at byte ${lt}`);
      const name = b.toString("latin1", lt + 2, gt).trim();
      if (cur && name === cur.kind) finish();
      pos = gt + 1;
      continue;
    }
    // Start tag: name, attributes, then ">" or "/>".
    let p = lt + 1;
    while (p < total && !isSpace(b[p]) && b[p] !== GT && b[p] !== SLASH) p++;
    const name = b.toString("latin1", lt + 1, p);
    attrs.clear();
    let selfClosing = false;
    for (;;) {
      while (p < total && isSpace(b[p])) p++;
      if (p >= total) throw new OsmXmlError(`unterminated <${name}> at byte ${lt}`);
      const c = b[p];
      if (c === GT) { p++; break; }
      if (c === SLASH && b[p + 1] === GT) { selfClosing = true; p += 2; break; }
      const ns = p;
      while (p < total && b[p] !== EQ && !isSpace(b[p]) && b[p] !== GT) p++;
      const an = b.toString("latin1", ns, p);
      while (p < total && isSpace(b[p])) p++;
      if (b[p] !== EQ) throw new OsmXmlError(`attribute ${an} without a value in <${name}> at byte ${lt}`);
      p++;
      while (p < total && isSpace(b[p])) p++;
      const q = b[p];
      if (q !== QUOT && q !== APOS) throw new OsmXmlError(`unquoted attribute ${an} in <${name}> at byte ${lt}`);
      const end = b.indexOf(q, p + 1);
      if (end < 0) throw new OsmXmlError(`unterminated attribute ${an} in <${name}> at byte ${lt}`);
      let v = b.toString("utf8", p + 1, end);
      if (v.includes("&")) v = decodeEntities(v);
      attrs.set(an, v);
      p = end + 1;
    }
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
        const skip = !Number.isSafeInteger(id) || attrs.get("visible") === "false" || attrs.get("action") === "delete"
          || (name === "node" && !(Number.isFinite(lon) && Number.isFinite(lat)));
        cur = { kind: name, id, skip, lon, lat, tags: null, nds: [], members: [] };
        if (selfClosing) finish();
        break;
      }
      case "tag": {
        const k = attrs.get("k");
        const v = attrs.get("v");
        if (cur && k !== undefined && v !== undefined) (cur.tags ??= {})[k] = v;
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
  finish();
  if (!sawOsm) throw new OsmXmlError("not OpenStreetMap XML: no <osm> element");
  onProgress?.(total, total);
  return data;
}
