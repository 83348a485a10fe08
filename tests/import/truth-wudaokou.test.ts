import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/connect.js";
import { readWalkNetwork } from "../../server/db/network.js";
import { runImport, type OsmImportReport } from "../../server/import/run.js";
import { attachFacilities, createCoverageContext, distancesToFacilities } from "../../web/src/analysis/coverage.js";
import { distanceField } from "../../web/src/analysis/core-graph.js";
import { multiSourceDijkstra } from "../../web/src/analysis/dijkstra.js";
import { connectedComponents } from "../../web/src/analysis/components.js";
import { buildWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { openScratchCityDb } from "../helpers/db.js";
import { WUDAOKOU_OSM, haveTruth, readTruth } from "../helpers/truth.js";

// The product on a real city against an independent reference: ../shared/data/truth_wudaokou/
// (osm2pgrouting + pgRouting on the Beijing extract; its README defines every column).
//  1. The engine on the reference's own graph (edges.csv) gives the reference's 200 pair costs.
//  2. End to end — import the extract, load it, build the graph the API serves, attach the gates
//     and facilities the way the engine does, search — each compound × category distance lies
//     within access_snap_m + amenity_snap_m of the reference's min_network_plus_snaps_m, or it is
//     one of the documented cases below, each checked, not just named.
const skip = !haveTruth;
const note = () => console.log("skipped: ../shared/data/truth_wudaokou/ is not here");

/** Reference categories that are living-circle categories of ours (restaurant, toilets and parking are not). */
const SAME_KIND = ["kindergarten", "school", "hospital", "pharmacy", "supermarket"];

/**
 * Why a row may lie outside the snap tolerance:
 * - "nearest street, not nearest vertex": the product joins a point to the nearest street at its
 *   projection (and a gateless compound wherever a street comes within 20 m of it); the reference
 *   snaps to the nearest vertex, which may lie on another street or far along this one, so either
 *   figure may be the shorter. Checked: with the reference's own snapping, the product's graph and
 *   engine give the reference's figure (to 5 cm), so the graphs agree and the snapping is all.
 * - "not this category here": the amenity the reference found nearest is not a facility of the
 *   product's category (osm-tags.json: a university's "school" is no primary or middle school).
 *   Checked: that amenity is not among the product's facilities of the category.
 * - "facility on a cut-off piece": the product joins the reference's nearest amenity to a street of
 *   a piece cut off from the main network (reported as "on-island" by the import), so it serves
 *   only that piece and the next one of its kind counts. Checked: that attachment is off the main
 *   network.
 */
type Reason = "within tolerance" | "nearest street, not nearest vertex" | "not this category here" | "facility on a cut-off piece";

let db: Database;
let graph: WalkGraph;
let report: OsmImportReport;
beforeAll(async () => {
  if (skip) return;
  db = await openScratchCityDb({ city: false });
  const r = await runImport(db.knex, null, WUDAOKOU_OSM, { replace: true });
  if (r.kind !== "osm") throw new Error(`imported as ${r.kind}`);
  report = r;
  graph = buildWalkGraph(await readWalkNetwork(db.knex));
}, 300_000);
afterAll(async () => {
  await db?.close();
});

describe("the engine on the reference graph", () => {
  it("gives pgRouting's cost for each of the 200 pairs", () => {
    if (skip) {
      note();
      return;
    }
    const edges = readTruth("edges.csv");
    const pos = new Map<number, [number, number]>();
    for (const e of edges) {
      pos.set(Number(e.source), [Number(e.source_lon), Number(e.source_lat)]);
      pos.set(Number(e.target), [Number(e.target_lon), Number(e.target_lat)]);
    }
    const g = buildWalkGraph({
      nodes: [...pos].map(([id, [lon, lat]]) => ({ id, lon, lat })),
      edges: edges.map((e) => ({ id: Number(e.edge_id), source: Number(e.source), target: Number(e.target), lengthM: Number(e.length_m), class: e.highway })),
    });
    const index = new Map<number, number>();
    for (let i = 0; i < g.nodeCount; i++) index.set(g.nodeIds[i], i);
    let worst = 0;
    let worstCore = 0;
    for (const p of readTruth("pairs.csv")) {
      const source = [{ node: index.get(Number(p.source))!, distM: 0 }];
      const target = index.get(Number(p.target))!;
      const d = multiSourceDijkstra(g, source)[target];
      worst = Math.max(worst, Math.abs(d - Number(p.dijkstra_cost_m)));
      // The same search over the contracted core graph (what coverage runs on).
      const viaCore = distanceField(g, [{ owner: 0, sources: source }]).at(target);
      worstCore = Math.max(worstCore, Math.abs(viaCore - Number(p.dijkstra_cost_m)));
    }
    console.log(`engine vs pgRouting on edges.csv, 200 pairs: largest difference ${worst.toExponential(1)} m (core graph ${worstCore.toExponential(1)} m)`);
    expect(worst).toBeLessThan(1e-5);
    expect(worstCore).toBeLessThan(1e-5);
  });
});

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: the reference rows checked on one import
describe("import → network → engine on 五道口, against the reference", () => {
  it("every compound × category row is within the snap tolerance or is a documented, checked case", async () => {
    if (skip) {
      note();
      return;
    }
    const compounds = (await db.knex.raw("SELECT id, name, osm_id, households FROM compounds ORDER BY id")).rows;
    const gates = (await db.knex.raw("SELECT compound_id, ST_X(geom) AS x, ST_Y(geom) AS y FROM gates")).rows;
    const amenities = (await db.knex.raw("SELECT id, category, osm_id, ST_X(geom) AS x, ST_Y(geom) AS y FROM amenities")).rows;
    const ctx = createCoverageContext(
      graph,
      compounds.map((c: any) => ({
        id: c.id,
        households: c.households,
        gates: gates.filter((g: any) => g.compound_id === c.id).map((g: any) => [g.x, g.y]),
      })),
    );
    const main = connectedComponents(graph).componentOfNode;
    const nodeIndex = new Map<number, number>();
    for (let i = 0; i < graph.nodeCount; i++) nodeIndex.set(graph.nodeIds[i], i); // node ids are OSM node ids (replace mode)
    const refAmenities = readTruth("amenities.csv");
    const refAccess = readTruth("access_points.csv");
    const rows = readTruth("compound_to_amenity.csv").filter((r) => r.status === "ok" && SAME_KIND.includes(r.category));
    expect(rows).toHaveLength(30);

    const table: Array<{ compound: string; category: string; ref: number; ours: number; tol: number; reason: Reason }> = [];
    for (const r of rows) {
      const i = compounds.findIndex((c: any) => c.osm_id === `${r.compound_osm_type}/${r.compound_osm_id}`);
      expect(i, r.compound_name).toBeGreaterThanOrEqual(0);
      const refSet = refAmenities.filter((a) => a.category === r.category);
      const refIds = new Set(refSet.map((a) => `${a.osm_type}/${a.osm_id}`));
      const ours = amenities.filter((a: any) => refIds.has(a.osm_id));
      const attached = attachFacilities(
        ctx,
        ours.map((a: any) => ({ id: a.id, category: r.category, lonLat: [a.x, a.y] })),
      );
      const d = distancesToFacilities(ctx, attached.byCategory.get(r.category) ?? [])[i];
      const ref = Number(r.min_network_plus_snaps_m);
      const tol = Number(r.access_snap_m) + Number(r.amenity_snap_m);
      // Whatever the snapping, no walk is shorter than the straight line from the footprint to the
      // amenity, less the 20 m an access point may lie outside it.
      expect(d, `${r.compound_name} ${r.category}`).toBeGreaterThanOrEqual(Number(r.straight_polygon_m) - 21);
      let reason: Reason = "within tolerance";
      if (Math.abs(d - ref) > tol) {
        const chosen = `${r.amenity_osm_type}/${r.amenity_osm_id}`;
        const k = ours.findIndex((x: any) => x.osm_id === chosen);
        const chosenAttachment =
          k >= 0 ? attachFacilities(ctx, [{ id: 0, category: "x", lonLat: [ours[k].x, ours[k].y] }]).byCategory.get("x")?.[0] : undefined;
        if (k < 0) {
          reason = "not this category here";
        } else if (chosenAttachment && main[graph.edgeSource[chosenAttachment.edge]] !== 0) {
          reason = "facility on a cut-off piece";
        } else {
          // With the reference's snapping (its access vertices and amenity vertices, each at its
          // snap distance), our graph and engine must give the reference's own figure: the whole
          // difference is then the choice of snapping, nearest street against nearest vertex.
          const sources = refSet
            .filter((x) => nodeIndex.has(Number(x.vertex_osm_id)))
            .map((x) => ({ node: nodeIndex.get(Number(x.vertex_osm_id))!, distM: Number(x.snap_m) }));
          const dist = multiSourceDijkstra(graph, sources);
          const access = refAccess.filter((p) => p.compound_osm_id === r.compound_osm_id && nodeIndex.has(Number(p.vertex_osm_id)));
          const viaVertices = Math.min(...access.map((p) => dist[nodeIndex.get(Number(p.vertex_osm_id))!] + Number(p.snap_m)));
          expect(
            Math.abs(viaVertices - ref),
            `${r.compound_name} ${r.category}: ${d.toFixed(1)} m vs ${ref} m; with the reference's snapping ${viaVertices.toFixed(2)} m`,
          ).toBeLessThan(0.05);
          reason = "nearest street, not nearest vertex";
        }
      }
      table.push({ compound: r.compound_name, category: r.category, ref, ours: Math.round(d * 10) / 10, tol: Math.round(tol * 10) / 10, reason });
    }
    console.table(table);
    const counts = table.reduce<Record<string, number>>((m, t) => {
      m[t.reason] = (m[t.reason] ?? 0) + 1;
      return m;
    }, {});
    console.log(counts);
    // The documented cases stay few: most rows agree outright.
    expect(counts["within tolerance"]).toBeGreaterThanOrEqual(12);
    expect((counts["not this category here"] ?? 0) + (counts["facility on a cut-off piece"] ?? 0)).toBeLessThanOrEqual(3);
  }, 300_000);

  it("imports with every compound's access assumed or open, estimated households, and the report the issue asks for", async () => {
    if (skip) {
      note();
      return;
    }
    const { rows } = await db.knex.raw("SELECT name, access, households, households_source FROM compounds ORDER BY id");
    for (const c of rows) {
      expect(["assumed", "open"]).toContain(c.access); // no gate within 20 m of any (the reference: nearest 105–252 m)
      expect(c.households_source).toBe("estimated");
      expect(c.households).toBeGreaterThan(0);
    }
    const { rows: g } = await db.knex.raw("SELECT count(*)::int AS n, count(*) FILTER (WHERE source = 'assumed')::int AS assumed FROM gates");
    expect(g[0].n).toBe(g[0].assumed);
    expect(g[0].n).toBeGreaterThanOrEqual(rows.length);
    // The campus gates 70–250 m from a compound are listed with their distance; the two closed to
    // pedestrians (node 494772221 foot=no, node 1360087386 access=no) with their reason.
    const far = report.warnings.filter((w) => w.kind === "gate-far");
    expect(far.length).toBeGreaterThan(0);
    for (const w of far) expect(w.value).toBeGreaterThan(20);
    const closed = new Map(report.warnings.filter((w) => w.kind === "gate-not-walking").map((w) => [w.osmId, w.message]));
    expect(closed.get("node/494772221")).toContain("foot=no");
    expect(closed.get("node/1360087386")).toContain("access=no");
  });
});
