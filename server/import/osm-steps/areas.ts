import { type Area, relationArea, ringAreaM2, wayArea } from "../osm-areas.js";
import { ringCentroid } from "../osm-geom.js";
import type { Tags } from "../osm-types.js";
import { tagsMatch } from "../osm-tags.js";
import { type Compound, type ImportContext, fmt, indexCompounds, intTag, nameOf, what } from "./context.js";

/**
 * Step "areas": residential areas (ways and multipolygons matching `compounds` in
 * geodata/osm-tags.json) become compounds and `building=*` areas buildings, each tied to the
 * compound its centroid lies in. Problems of the polygons (open rings, missing members, bow-ties)
 * are reported, and so is every walk component but the largest (saying when one lies inside a
 * compound).
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one step: areas, their names and their buildings fill the context together
export function areasStep(ctx: ImportContext): void {
  const { data, mapping, proj, count, warn } = ctx;
  const reportArea = (osmId: string, area: Area, subject: string) => {
    for (const p of area.problems) warn(p.kind === "missing-nodes" ? "clipped-area" : p.kind, osmId, `${subject}: ${p.message}`);
  };

  const addCompound = (osmId: string, tags: Tags, area: Area) => {
    reportArea(osmId, area, "residential area");
    if (area.polygons.length === 0) {
      count("compoundsSkipped");
      warn("skipped-compound", osmId, `${what("residential area", nameOf(tags))} has no valid polygon left; not imported`);
      return;
    }
    const xyRings = area.polygons.map((poly) => poly[0].map((p) => proj.xy(p)));
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    let perimeterM = 0;
    for (const ring of xyRings) {
      for (let i = 0; i < ring.length; i++) {
        const [x, y] = ring[i];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (i > 0) perimeterM += Math.hypot(x - ring[i - 1][0], y - ring[i - 1][1]);
      }
    }
    const areas = area.polygons.map((poly) => poly.reduce((s, ring, i) => s + (i === 0 ? 1 : -1) * ringAreaM2(ring, proj), 0));
    const biggest = areas.indexOf(Math.max(...areas));
    const totalArea = areas.reduce((sum, v) => sum + v, 0);
    let name = nameOf(tags);
    if (!name) {
      const [type, ref] = osmId.split("/");
      name = `未命名小区（OSM ${type} ${ref}）`;
      count("compoundsUnnamed");
      warn("unnamed", osmId, `residential area without a name (${Math.round(totalArea)} m²); named "${name}"`);
    }
    if (totalArea > mapping.compoundLargeAreaM2) {
      warn(
        "large-area",
        osmId,
        `${name} covers ${(totalArea / 1e6).toFixed(2)} km², more than one compound usually does (a residential zone?); imported as one compound`,
        Math.round(totalArea),
      );
    }
    ctx.compounds.push({
      id: ctx.compounds.length + 1,
      osmId,
      tags,
      name,
      polygons: area.polygons,
      xyRings,
      minX,
      minY,
      maxX,
      maxY,
      areaM2: totalArea,
      perimeterM,
      centroid: ringCentroid(xyRings[biggest]),
      buildings: 0,
      floorAreaM2: 0,
      flats: 0,
      residentialFloorM2: 0,
      gates: 0,
      closedGates: 0,
      wallShare: 0,
      access: "gates",
      households: 0,
      householdsSource: "unknown",
    });
  };
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    if (mapping.compounds.some((m) => tagsMatch(way.tags, m))) addCompound(`way/${id}`, way.tags, wayArea(id, data, proj));
  }
  for (const id of ctx.relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type === "multipolygon" && mapping.compounds.some((m) => tagsMatch(rel.tags, m))) {
      addCompound(`relation/${id}`, rel.tags, relationArea(id, rel, data, proj));
    }
  }
  ctx.counts.compounds = ctx.compounds.length;
  ctx.counts.compoundsUnnamed ??= 0;
  indexCompounds(ctx);

  // Every walk component but the largest (after the compounds, to say when one lies inside one).
  const { net } = ctx;
  const largest = net.components[0];
  net.components.slice(1).forEach((c) => {
    const p = ctx.posOf(c.minNode)!;
    const inside = ctx.compoundAt(p[0], p[1]);
    warn(
      "disconnected",
      `node/${c.minNode}`,
      `walk component of ${c.nodes} nodes, ${c.edges} edges, ${fmt(c.lengthM)} (on ${c.ways.map((w) => `way/${w}`).join(", ")}${c.ways.length === 5 ? ", …" : ""}) ` +
        `is not connected to the largest one (${largest.nodes} nodes)${inside ? `; it lies inside ${inside.name}` : ""}`,
      c.nodes,
    );
  });

  buildingsOf(ctx);
}

/** Buildings: floors from building:levels (default 1 on the map, counted), compound from the centroid. */
function buildingsOf(ctx: ImportContext): void {
  const { data, proj, count, warn, householdRules } = ctx;
  const isBuilding = (tags: Tags) => tags.building !== undefined && tags.building !== "no";
  const addBuilding = (osmId: string, tags: Tags, area: Area) => {
    for (const p of area.problems) warn(p.kind === "missing-nodes" ? "clipped-area" : p.kind, osmId, `building: ${p.message}`);
    if (area.polygons.length === 0) {
      count("buildingsSkipped");
      return;
    }
    const levels = intTag(tags["building:levels"]);
    if (levels === null) count("buildingsWithoutLevels");
    const floors = Math.min(150, Math.max(1, levels ?? 1));
    const flats = intTag(tags["building:flats"]);
    const residential = householdRules.residentialBuildings.includes(tags.building);
    const estimateLevels = levels ?? householdRules.defaultLevels[tags.building] ?? null;
    area.polygons.forEach((poly, part) => {
      const c = proj.lonLat(ringCentroid(poly[0].map((p) => proj.xy(p))));
      const compound = ctx.compoundAt(c[0], c[1]);
      const footprintM2 = poly.reduce((s, ring, i) => s + (i === 0 ? 1 : -1) * ringAreaM2(ring, proj), 0);
      if (compound) {
        compound.buildings++;
        compound.floorAreaM2 += footprintM2 * floors;
        compound.flats += flats ?? 0;
        if (residential && estimateLevels !== null && footprintM2 >= householdRules.minFootprintM2) compound.residentialFloorM2 += footprintM2 * estimateLevels;
        count("buildingsInCompounds");
      }
      const id = ctx.buildings.length + 1;
      ctx.buildings.push({
        type: "Feature",
        id,
        properties: {
          id,
          compoundId: compound?.id ?? null,
          name: nameOf(tags) ?? (tags["addr:housenumber"]?.trim() || null),
          floors,
          units: 1,
          hasElevator: tags.elevator === "yes",
          households: flats ?? 0,
          buildYear: yearTag(tags.start_date),
          // A multipolygon building gives one building per polygon: each keeps its part number.
          osmId: area.polygons.length > 1 ? `${osmId}#${part + 1}` : osmId,
          levelsTagged: levels !== null,
        },
        geometry: { type: "Polygon", coordinates: poly },
      });
    });
  };
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    if (!isBuilding(way.tags)) continue;
    if (way.nodes[0] !== way.nodes[way.nodes.length - 1]) {
      count("buildingsSkipped");
      warn("open-ring", `way/${id}`, "building: way is not closed");
      continue;
    }
    addBuilding(`way/${id}`, way.tags, wayArea(id, data, proj));
  }
  for (const id of ctx.relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type === "multipolygon" && isBuilding(rel.tags)) addBuilding(`relation/${id}`, rel.tags, relationArea(id, rel, data, proj));
  }
  ctx.counts.buildings = ctx.buildings.length;
  ctx.counts.buildingsInCompounds ??= 0;
}

export function yearTag(v: string | undefined): number | null {
  const m = v?.match(/(?:^|\D)(1[89]\d\d|20\d\d|2100)(?!\d)/);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 1900 && y <= 2100 ? y : null;
}

export type { Compound };
