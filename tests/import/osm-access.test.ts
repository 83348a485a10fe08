import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/connect.js";
import { readWalkNetwork } from "../../server/db/network.js";
import { runImport, type OsmImportReport } from "../../server/import/run.js";
import { computeCoverage, createCoverageContext } from "../../web/src/analysis/coverage.js";
import { metresPerDegree } from "../../web/src/analysis/geo.js";
import { buildWalkGraph } from "../../web/src/analysis/walk-graph.js";
import { openScratchCityDb } from "../helpers/db.js";

// The import's last steps, on the database: access points of gateless compounds placed on the
// network the engine routes on, gated interiors left out and open ones kept, and the connector and
// island checks. A hand-made extract (metres east/north of 116.3°E, 40°N):
//  W  walled (a wall along two sides), no gate; a street 10 m south; a footway from that street into it.
//  O  open (no gate, no wall); a street runs through it.
//  N  no street within 20 m at all.
//  I  a walking gate on its wall, whose nearest path is a lone piece cut off from the rest.
//  a  kindergarten 80 m from the nearest street.
const k = metresPerDegree(40);
let id = 0;
const nodes: string[] = [];
const ways: string[] = [];
const node = (x: number, y: number, tags: Record<string, string> = {}) => {
  id++;
  const t = Object.entries(tags)
    .map(([a, b]) => `<tag k="${a}" v="${b}"/>`)
    .join("");
  nodes.push(`<node id="${id}" lat="${(40 + y / k.lat).toFixed(7)}" lon="${(116.3 + x / k.lon).toFixed(7)}">${t}</node>`);
  return id;
};
let wid = 1000;
const way = (refs: number[], tags: Record<string, string>) => {
  wid++;
  ways.push(
    `<way id="${wid}">${refs.map((r) => `<nd ref="${r}"/>`).join("")}${Object.entries(tags)
      .map(([a, b]) => `<tag k="${a}" v="${b}"/>`)
      .join("")}</way>`,
  );
  return wid;
};
const square = (x0: number, y0: number, size: number, name: string) => {
  const c = [node(x0, y0), node(x0 + size, y0), node(x0 + size, y0 + size), node(x0, y0 + size)];
  return { way: way([...c, c[0]], { landuse: "residential", name }), corners: c };
};
// A main street along y = -10 from x = -100 to 900.
const main = [node(-100, -10), node(150, -10), node(400, -10), node(650, -10), node(900, -10)];
way(main, { highway: "residential", name: "主街" });
const W = square(0, 0, 100, "围墙小区");
way([W.corners[0], W.corners[1], W.corners[2]], { barrier: "wall" });
const inside = node(50, 50);
const entry = node(50, -10);
way([entry, inside], { highway: "footway" }); // enters W: an interior path
way([main[0], entry, main[1]], { highway: "residential" }); // (joins the footway to the street)
square(300, 0, 100, "开放街区");
const through = [node(350, -10), node(350, 50), node(350, 150)];
way(through, { highway: "residential", name: "穿行路" });
way([main[2], through[0]], { highway: "residential" });
square(500, 200, 60, "孤立小区"); // 200 m from any street
square(700, 400, 60, "岛上小区");
node(730, 400, { barrier: "gate", name: "南门" });
way([node(700, 395), node(760, 395)], { highway: "footway", name: "断头路" }); // 5 m south of I, cut off
node(150, 70, { amenity: "kindergarten", name: "远处幼儿园" }); // 80 m from the street

let db: Database;
let report: OsmImportReport;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "osm-access-"));
beforeAll(async () => {
  const file = path.join(dir, "access.osm");
  fs.writeFileSync(file, `<?xml version="1.0"?><osm version="0.6">${nodes.join("")}${ways.join("")}</osm>`);
  db = await openScratchCityDb({ city: false });
  const r = await runImport(db.knex, null, file, { replace: true });
  if (r.kind !== "osm") throw new Error("expected an OSM import");
  report = r;
}, 300_000);
afterAll(async () => {
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const compound = async (name: string) => db.knex("compounds").where({ name }).first("id", "access", "osm_id");
const gatesOf = async (cid: number) =>
  (await db.knex.raw(`SELECT source, ST_X(geom) AS x, ST_Y(geom) AS y FROM gates WHERE compound_id = ? ORDER BY id`, [cid])).rows;
const metres = (g: { x: number; y: number }): [number, number] => [(g.x - 116.3) * k.lon, (g.y - 40) * k.lat];

describe("access after loading", () => {
  it("a walled compound without a gate gets access where the routed network comes within 20 m, and no through route", async () => {
    const w = await compound("围墙小区");
    expect(w.access).toBe("assumed");
    const gates = await gatesOf(w.id);
    expect(gates.length).toBeGreaterThan(0);
    for (const g of gates) {
      expect(g.source).toBe("assumed");
      const [, y] = metres(g);
      expect(y).toBeCloseTo(-10, 0); // on the street 10 m south, where it is nearest the wall
    }
    // The footway into W is an interior path of a gated compound: not in the graph the API serves.
    const net = await readWalkNetwork(db.knex);
    expect(net.edges.some((e) => e.source === inside || e.target === inside)).toBe(false);
    expect(net.compoundInteriorEdges).toBe(1);
  });

  it("an open compound keeps the street through it, and its residents reach it from inside too", async () => {
    const o = await compound("开放街区");
    expect(o.access).toBe("open");
    const net = await readWalkNetwork(db.knex);
    // The stretch from the street to the middle lies mostly inside O: kept, since O is open.
    const stretch = (a: number, b: number) => net.edges.some((e) => (e.source === a && e.target === b) || (e.source === b && e.target === a));
    expect(stretch(through[0], through[1])).toBe(true);
    const inner = (await gatesOf(o.id)).map(metres).filter(([x, y]: [number, number]) => x > 300 && x < 400 && y > 0 && y < 100);
    expect(inner.length).toBeGreaterThan(0);
  });

  it("a compound no street comes near is 'no access': counted, never covered, reported", async () => {
    const n = await compound("孤立小区");
    expect(n.access).toBe("none");
    expect(await gatesOf(n.id)).toEqual([]);
    expect(report.warnings.find((w) => w.kind === "no-access")?.osmId).toBe(n.osm_id);
    expect(report.counts.compoundsNoAccess).toBe(1);
  });

  it("flags a compound whose gates join only a cut-off piece, and a facility with a long connector", async () => {
    const i = await compound("岛上小区");
    expect(i.access).toBe("gates");
    expect(
      report.warnings
        .filter((w) => w.kind === "on-island")
        .map((w) => w.message)
        .join("\n"),
    ).toMatch(/岛上小区/);
    const long = report.warnings.find((w) => w.kind === "long-connector" && /远处幼儿园/.test(w.message))!;
    expect(long.value).toBeCloseTo(80, 0);
  });

  it("the engine on that graph: no access and the island are states of their own", async () => {
    const all = (await db.knex.raw("SELECT id, name, households FROM compounds ORDER BY id")).rows;
    const gates = (await db.knex.raw("SELECT compound_id, ST_X(geom) AS x, ST_Y(geom) AS y FROM gates")).rows;
    const graph = buildWalkGraph(await readWalkNetwork(db.knex));
    const ctx = createCoverageContext(
      graph,
      all.map((c: any) => ({ id: c.id, households: c.households, gates: gates.filter((g: any) => g.compound_id === c.id).map((g: any) => [g.x, g.y]) })),
    );
    const cov = computeCoverage(ctx, [], [{ code: "kindergarten", circle: "5min", limitM: 300 }]);
    const byName = (n: string) => all.find((c: any) => c.name === n).id;
    expect(cov.unattachedCompounds).toEqual([byName("孤立小区")]);
    expect(cov.isolatedCompounds).toEqual([byName("岛上小区")]);
    expect(cov.absentCategories).toEqual(["kindergarten"]);
  });
});
