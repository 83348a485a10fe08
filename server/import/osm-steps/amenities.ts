import { relationArea, ringAreaM2 } from "../osm-areas.js";
import { type LonLat, type XY, ringCentroid, round7, vertexMean } from "../osm-geom.js";
import type { Tags } from "../osm-types.js";
import { compileRules, matchAmenity, tagsMatch } from "../osm-tags.js";
import { type ImportContext, fmt, intTag, nameOf, r1, what } from "./context.js";

/**
 * Step "amenities": elements whose tags match a rule of geodata/osm-tags.json → amenities become
 * facilities of that standards category (one per category when a rule gives several); nodes at
 * their point, closed ways at their centroid, multipolygons at the centroid of their largest part.
 * The report counts what was mapped per category (`amenity:<code>`) and every tag value left
 * unmapped (`unmapped:<key>=<value>`), and warns for likely facilities no rule places.
 */
export function amenitiesStep(ctx: ImportContext): void {
  const { data, mapping, proj, count, warn } = ctx;
  const rules = compileRules(mapping);
  const farLimit = mapping.amenityFarFromNetworkM;
  const addAmenity = (osmId: string, tags: Tags, at: () => LonLat | null) => {
    const hit = matchAmenity(tags, rules);
    if (!hit) {
      const k = mapping.unmappedKeys.find((key) => tags[key] !== undefined);
      if (k) count(`unmapped:${k}=${tags[k]}`);
      if (mapping.warnUnmapped.some((m) => tagsMatch(tags, m))) {
        const kv = Object.entries(tags)
          .filter(([key]) => mapping.unmappedKeys.includes(key) || key === "social_facility" || key === "isced:level")
          .map(([key, v]) => `${key}=${v}`)
          .join(" ");
        warn("unmapped-facility", osmId, `${what(kv, nameOf(tags))}: no rule in osm-tags.json gives its category (e.g. the school level); not imported`);
      }
      return;
    }
    const pos = at();
    if (!pos) {
      warn("skipped-amenity", osmId, `${hit.categories.join("/")}: no position (nodes missing from the extract)`);
      return;
    }
    const near = ctx.nearestEdge(proj.xy(pos), Math.max(farLimit * 20, 2000));
    const osmTag = Object.keys(hit.rule.match)
      .map((k) => `${k}=${tags[k] ?? ""}`)
      .join(" ");
    const name = nameOf(tags);
    if (!(near.d <= farLimit)) {
      count("amenitiesFarFromNetwork");
      warn(
        "far-from-network",
        osmId,
        `${what(hit.categories.join("/"), name)} is ${Number.isFinite(near.d) ? fmt(near.d) : `more than ${fmt(Math.max(farLimit * 20, 2000))}`} from the nearest walk edge`,
        Number.isFinite(near.d) ? r1(near.d) : undefined,
      );
    }
    for (const category of hit.categories) {
      const id = ctx.amenities.length + 1;
      count(`amenity:${category}`);
      ctx.amenities.push({
        type: "Feature",
        id,
        properties: {
          id,
          name: name ?? mapping.categoryNames[category] ?? category,
          category,
          capacity: intTag(tags.capacity),
          osmId,
          osmTag,
          named: name !== null,
          networkDistanceM: Number.isFinite(near.d) ? r1(near.d) : null,
        },
        geometry: { type: "Point", coordinates: [round7(pos[0]), round7(pos[1])] },
      });
    }
  };
  for (const id of ctx.taggedNodeIds) {
    const node = data.nodes.get(id)!;
    addAmenity(`node/${id}`, node.tags, () => [node.lon, node.lat]);
  }
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    addAmenity(`way/${id}`, way.tags, () => {
      const pts = way.nodes
        .map((n) => data.nodes.get(n))
        .filter((n) => n !== undefined)
        .map((n) => proj.xy([n.lon, n.lat]));
      if (pts.length === 0) return null;
      const closed = way.nodes.length >= 4 && way.nodes[0] === way.nodes[way.nodes.length - 1] && pts.length === way.nodes.length;
      return proj.lonLat(closed ? ringCentroid(pts) : vertexMean(pts));
    });
  }
  for (const id of ctx.relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type !== "multipolygon") continue;
    addAmenity(`relation/${id}`, rel.tags, () => {
      const area = relationArea(id, rel, data, proj);
      if (area.polygons.length > 0) {
        const biggest = area.polygons.reduce((a, b) => (ringAreaM2(b[0], proj) > ringAreaM2(a[0], proj) ? b : a));
        return proj.lonLat(ringCentroid(biggest[0].map((p) => proj.xy(p))));
      }
      const pts: XY[] = [];
      for (const m of rel.members) {
        if (m.type !== "way") continue;
        for (const n of data.ways.get(m.ref)?.nodes ?? []) {
          const node = data.nodes.get(n);
          if (node) pts.push(proj.xy([node.lon, node.lat]));
        }
      }
      return pts.length > 0 ? proj.lonLat(vertexMean(pts)) : null;
    });
  }
  ctx.counts.amenities = ctx.amenities.length;
  ctx.counts.amenityCategoriesMapped = new Set(ctx.amenities.map((a) => a.properties.category)).size;
}
