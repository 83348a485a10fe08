/**
 * OpenStreetMap import: read an .osm (XML) or .osm.pbf extract and turn it into a city in the shape
 * `loadCity` takes (server/db/seed.ts): compounds, buildings, gates, amenities, streets and the walk
 * network. Real OSM is messy, so everything that had to be dropped, guessed or clipped is reported
 * in an ImportReport instead of being hidden (see ../shared/DESIGN.md, "Real OSM is messy").
 *
 * How tags map to our layers lives in geodata/osm-tags.json, not in this code. The conversion is a
 * pipeline of named steps over one context (server/import/osm-steps/).
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { CityData } from "../db/seed.js";
import { geodesicM } from "../../web/src/analysis/geo.js";
import type { LonLat } from "./osm-geom.js";
import { ImportError, unreadable } from "./errors.js";
import { OsmPbfError, looksLikePbf, parseOsmPbf, parseOsmPbfFile } from "./osm-pbf.js";
import type { OsmData, ReadProgress } from "./osm-types.js";
import { loadTagMapping, type TagMapping } from "./osm-tags.js";
import { amenitiesStep } from "./osm-steps/amenities.js";
import { areasStep } from "./osm-steps/areas.js";
import { createImportContext, type ImportContext, type ImportReport } from "./osm-steps/context.js";
import { gatesStep } from "./osm-steps/gates.js";
import { loadHouseholdRules, type HouseholdRules } from "./osm-steps/household-rules.js";
import { householdsStep } from "./osm-steps/households.js";
import { interiorsStep } from "./osm-steps/interiors.js";
import { networkStep } from "./osm-steps/network.js";
import { reportStep } from "./osm-steps/report.js";
import { OsmXmlError, parseOsmXml } from "./osm-xml.js";

export type { OsmData, OsmMember, OsmNode, OsmRelation, OsmWay, Tags } from "./osm-types.js";
export { loadTagMapping, notWalkableReason } from "./osm-tags.js";
export type { AmenityRule, StreetClass, TagCondition, TagMapping, TagMatch } from "./osm-tags.js";
export type { ImportReport, ImportWarning } from "./osm-steps/context.js";

// ---------------------------------------------------------------------------------------------
// Reading files

/** The first bytes of a file (enough to tell PBF from XML). */
function readHead(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(64);
    return head.subarray(0, fs.readSync(fd, head, 0, 64, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Read an OSM extract: .osm / .osm.xml (optionally gzipped, .osm.gz) or .osm.pbf. The format is
 * taken from the file's first bytes (the extension is only used in the error message).
 * `onProgress(done, total)` reports bytes.
 */
export function readOsm(file: string, onProgress?: ReadProgress): OsmData {
  const name = path.basename(file);
  try {
    // A PBF file is streamed blob by blob; XML (and gzip) is read whole.
    if (looksLikePbf(readHead(file))) return parseOsmPbfFile(file, onProgress);
    let buf: Buffer = fs.readFileSync(file);
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        buf = zlib.gunzipSync(buf);
      } catch (err) {
        throw unreadable(`a gzip file that cannot be unpacked (${(err as Error).message})`);
      }
    }
    if (looksLikePbf(buf)) return parseOsmPbf(buf, onProgress);
    let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // UTF-8 BOM
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
    if (buf[i] === 0x3c) return parseOsmXml(buf, onProgress);
    const ext = name.toLowerCase().match(/\.osm(\.pbf|\.xml|\.gz)?$/)?.[0] ?? path.extname(file);
    throw unreadable(`neither OSM XML nor OSM PBF (extension "${ext}"); expected .osm, .osm.gz or .osm.pbf`);
  } catch (err) {
    if (err instanceof ImportError) throw err.forFile(name);
    if (err instanceof OsmXmlError)
      throw new ImportError(
        [
          {
            offset: err.offset,
            field: err.offset === undefined ? "file" : undefined,
            reason: `not valid OSM XML: ${err.message}`,
            code: "unreadable_file",
            params: { value: err.message },
          },
        ],
        name,
      );
    if (err instanceof OsmPbfError)
      throw new ImportError(
        [
          {
            offset: err.offset,
            field: err.offset === undefined ? "file" : undefined,
            reason: `not a valid OSM PBF file: ${err.message}`,
            code: "unreadable_file",
            params: { value: err.message },
          },
        ],
        name,
      );
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new ImportError([{ field: "file", reason: "no such file", code: "unreadable_file", params: { value: "no such file" } }], name);
    // Anything else a reader trips over is still this file's fault, not the server's; say so.
    throw new ImportError(
      [
        {
          field: "file",
          reason: `cannot be read as OpenStreetMap data (${(err as Error).message})`,
          code: "unreadable_file",
          params: { value: (err as Error).message },
        },
      ],
      name,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion: the pipeline of steps

/** The steps of the conversion, in order; each reads the context earlier steps filled. */
export const OSM_STEPS: Array<[name: string, run: (ctx: ImportContext) => void]> = [
  ["network", networkStep],
  ["areas", areasStep],
  ["gates", gatesStep],
  ["interiors", interiorsStep],
  ["households", householdsStep],
  ["amenities", amenitiesStep],
];

/**
 * Convert OSM data to a city (parse → network → areas → gates → interiors → households →
 * amenities → report). Ids are local (1, 2, … per layer) with the OSM id kept in a property
 * `osmId` ("way/123"); walk-network node ids are OSM node ids. Geometry is GeoJSON [lon, lat]
 * rounded to 7 decimals.
 */
export function osmToCity(
  data: OsmData,
  mapping: TagMapping = loadTagMapping(),
  householdRules: HouseholdRules = loadHouseholdRules(),
): { city: CityData; report: ImportReport } {
  const ctx = createImportContext(data, mapping, householdRules);
  for (const [, step] of OSM_STEPS) step(ctx);
  return reportStep(ctx);
}

/** Length in metres of every walk edge (geodesic between its nodes), keyed by edge id. */
export function walkEdgeLengthsM(city: CityData): Map<number, number> {
  const at = new Map<number, LonLat>(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, [lon, lat]]));
  return new Map(city.walkNetwork.edges.map(([id, a, b]) => [id, geodesicM(at.get(a)!, at.get(b)!)]));
}
