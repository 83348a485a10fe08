// Reading ../shared/data/truth_wudaokou/: an independent osm2pgrouting + pgRouting reference for
// the Beijing extract (its README defines every column). Never copied into the project.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../server/config.js";

export const TRUTH_DIR = path.resolve(ROOT, "..", "shared", "data", "truth_wudaokou");
export const WUDAOKOU_OSM = path.resolve(ROOT, "..", "shared", "data", "beijing_tsinghua_wudaokou.osm");
export const haveTruth = fs.existsSync(path.join(TRUTH_DIR, "pairs.csv")) && fs.existsSync(WUDAOKOU_OSM);

/** A CSV of the reference as objects keyed by its header (its fields hold no commas in quotes). */
export function readTruth(name: string): Array<Record<string, string>> {
  const [header, ...lines] = fs.readFileSync(path.join(TRUTH_DIR, name), "utf8").trim().split(/\r?\n/);
  const keys = header.split(",");
  return lines.map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? ""]));
  });
}
