import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import { gridOsmPbf } from "../fixtures/osm/grid-pbf.js";

// A large .osm.pbf read as the import's parse worker reads it (issue 16, point 7): streamed from
// disk blob by blob into the typed-array node store. A grid of 1,200 × 1,200 street nodes
// (1.44 million, 2,400 ways) read in a process of its own, whose peak resident memory (VmHWM)
// is measured: the nodes must cost well under the ~185 bytes each that one object per node in a
// Map took (measured on the same file before the change), so a city's tens of millions stay
// inside 2 GB.

const SIDE = 1200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-osm-large-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a large OSM PBF", () => {
  it("is read with its every node and way, at under 100 bytes of memory per node", () => {
    const file = path.join(dir, "grid.osm.pbf");
    fs.writeFileSync(file, gridOsmPbf(SIDE));
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/fixtures/osm/read-peak.ts"), file], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { nodes: number; ways: number; baseRssMb: number; peakRssMb: number };
    expect(out.nodes).toBe(SIDE * SIDE);
    expect(out.ways).toBe(2 * SIDE);
    const perNode = ((out.peakRssMb - out.baseRssMb) * 2 ** 20) / out.nodes;
    console.log(`read ${out.nodes} nodes: peak ${out.peakRssMb.toFixed(0)} MB (base ${out.baseRssMb.toFixed(0)} MB), ${perNode.toFixed(0)} bytes per node`);
    expect(perNode).toBeLessThan(100);
  }, 120_000);
});
