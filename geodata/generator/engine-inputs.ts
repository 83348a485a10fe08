// The walking engine's inputs for a generated city, straight from the generator (no database):
// used by `npm run bench` and by engine tests on the demo city.
import { geodesicM } from "../../web/src/analysis/geo.js";
import { buildWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import type { CoverageCompound, CoverageFacility } from "../../web/src/analysis/coverage.js";
import { generateCity } from "./city.js";

export interface EngineInputs {
  /** The generated city itself (footprints, buildings … for callers that need more). */
  city: ReturnType<typeof generateCity>;
  graph: WalkGraph;
  compounds: Array<CoverageCompound & { name: string }>;
  facilities: CoverageFacility[];
}

/** Graph, compounds (with their gates) and facilities of the city generated at `scale`. */
export function engineInputs(scale = 1): EngineInputs {
  const city = generateCity({ scale });
  const coords = new Map(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, [lon, lat] as [number, number]]));
  const graph = buildWalkGraph({
    nodes: city.walkNetwork.nodes.map(([id, lon, lat]) => ({ id, lon, lat })),
    edges: city.walkNetwork.edges.map(([id, s, t, c]) => ({ id, source: s, target: t, class: c, lengthM: geodesicM(coords.get(s)!, coords.get(t)!) })),
  });
  const gatesBy = new Map<number, Array<[number, number]>>();
  for (const g of city.gates.features) {
    const id = g.properties.compoundId;
    (gatesBy.get(id) ?? gatesBy.set(id, []).get(id)!).push(g.geometry.coordinates as [number, number]);
  }
  const compounds = city.compounds.features.map((c) => ({
    id: c.properties.id,
    name: c.properties.name,
    households: c.properties.households,
    gates: gatesBy.get(c.properties.id) ?? [],
  }));
  const facilities = city.amenities.features.map((a) => ({
    id: a.properties.id,
    category: a.properties.category,
    lonLat: a.geometry.coordinates as [number, number],
  }));
  return { city, graph, compounds, facilities };
}
