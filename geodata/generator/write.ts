/**
 * Serialise a generated city to the files of geodata/demo-city: one GeoJSON feature (or one walk
 * node/edge) per line, so diffs stay readable; meta.json pretty-printed.
 */
import fs from "node:fs";
import path from "node:path";
import type { City } from "./types.js";

/** File name → file content, in a fixed order. Pure (no I/O). */
export function serializeCity(city: City): Record<string, string> {
  const fc = (c: { features: unknown[] }) => `{"type":"FeatureCollection","features":[\n${c.features.map((f) => JSON.stringify(f)).join(",\n")}\n]}\n`;
  const wn = city.walkNetwork;
  return {
    "meta.json": `${JSON.stringify(city.meta, null, 2)}\n`,
    "subdistricts.geojson": fc(city.subdistricts),
    "communities.geojson": fc(city.communities),
    "compounds.geojson": fc(city.compounds),
    "buildings.geojson": fc(city.buildings),
    "gates.geojson": fc(city.gates),
    "amenities.geojson": fc(city.amenities),
    "renovation-items.geojson": fc(city.renovationItems),
    "streets.geojson": fc(city.streets),
    "water.geojson": fc(city.water),
    "walk-network.json": `{"nodes":[\n${wn.nodes.map((n) => JSON.stringify(n)).join(",\n")}\n],"edges":[\n${wn.edges.map((e) => JSON.stringify(e)).join(",\n")}\n]}\n`,
  };
}

/** Write the city into `dir` (created if missing); returns the files written with their sizes in bytes. */
export function writeCity(city: City, dir: string): Array<{ file: string; bytes: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const out: Array<{ file: string; bytes: number }> = [];
  for (const [file, text] of Object.entries(serializeCity(city))) {
    fs.writeFileSync(path.join(dir, file), text);
    out.push({ file, bytes: Buffer.byteLength(text) });
  }
  return out;
}
