import type { CityData } from "../../db/seed.js";
import { UNLISTED_RENOVATION } from "../../schemas/compounds.js";
import type { Tags } from "../osm-types.js";
import { yearTag } from "./areas.js";
import type { ImportContext, ImportReport } from "./context.js";

function addressOf(tags: Tags): string | null {
  if (tags["addr:full"]?.trim()) return tags["addr:full"].trim();
  const parts = ["addr:province", "addr:city", "addr:district", "addr:subdistrict", "addr:street", "addr:housenumber"]
    .map((k) => tags[k]?.trim())
    .filter((v): v is string => Boolean(v));
  if (parts.length === 0) return null;
  const s = parts.join("");
  return tags["addr:housenumber"] && !/号$/.test(s) ? `${s}号` : s;
}

/**
 * Step "report": the city in the shape `loadCity` takes (GeoJSON layers, ids 1…n per layer with
 * the OSM id kept as `osmId`; walk node ids are OSM node ids) and the counts and warnings. What
 * needs the network as the engine routes on it (access points of gateless compounds, connector
 * lengths, pieces cut off) is added after loading (server/import/run.ts).
 */
export function reportStep(ctx: ImportContext): { city: CityData; report: ImportReport } {
  const compoundFeatures = ctx.compounds.map((c) => ({
    type: "Feature" as const,
    id: c.id,
    properties: {
      id: c.id,
      name: c.name,
      address: addressOf(c.tags),
      buildYear: yearTag(c.tags.start_date),
      households: c.households,
      householdsSource: c.householdsSource,
      access: c.access,
      buildingCount: c.buildings,
      floorAreaM2: Math.round(c.floorAreaM2),
      ...UNLISTED_RENOVATION,
      communityId: null,
      subdistrictId: null,
      osmId: c.osmId,
      areaM2: Math.round(c.areaM2),
      gateCount: c.gates,
      wallShare: Math.round(c.wallShare * 100) / 100,
    },
    geometry: { type: "MultiPolygon", coordinates: c.polygons },
  }));
  const { net } = ctx;
  ctx.counts.walkEdgesInsideCompounds = net.edges.filter(([, a, b]) => {
    const pa = ctx.posOf(a)!,
      pb = ctx.posOf(b)!;
    return ctx.compoundAt((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2) !== null;
  }).length;
  for (const w of ctx.warnings) ctx.count(`warnings:${w.kind}`);
  const city: CityData = {
    layers: {
      "compounds.geojson": compoundFeatures,
      "buildings.geojson": ctx.buildings,
      "gates.geojson": ctx.gates,
      "amenities.geojson": ctx.amenities,
      "streets.geojson": ctx.streets,
    },
    walkNetwork: {
      nodes: net.nodes,
      edges: net.edges,
      // Walk node ids are OSM node ids; an edge is one stretch of one way between two nodes.
      nodeOsmIds: net.nodes.map(([id]) => `node/${id}`),
      edgeOsmIds: net.edges.map(([, a, b], i) => `way/${net.edgeWay[i]}:${Math.min(a, b)}-${Math.max(a, b)}`),
    },
  };
  return { city, report: { counts: ctx.counts, warnings: ctx.warnings } };
}
