// What the coverage view draws on the map, as pure functions of its state: compound fills and
// the overlay (isochrones, proposed changes, suggested sites). No React, so they are tested in Node.
import type { Amenities, StandardsProfile } from "../../api/resources";
import type { CoverageResult } from "../../analysis/coverage";
import type { ScenarioChanges } from "../../analysis/whatif";
import { CATEGORY_MARKS } from "../../map/palette";
import type { FC } from "../planner/overlay";
import { distanceColor, scoreColor } from "./model";
import type { IsochroneView } from "./useIsochrone";
import type { SiteSuggestions } from "./useSiting";

/** What the compound fills show: the score (share of categories reached) or the distance to the focused category; the first is the default. */
export const COLOUR_MODES = ["score", "distance"] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

/**
 * Each compound's fill. With a focused category: covered or not, or (in distance mode) its
 * walking distance against the category's limit (300 m when the category is unknown). Without
 * one: its score.
 */
export function coverageColours(
  result: CoverageResult,
  mode: ColourMode,
  focus: string | null,
  categories: Array<Pick<StandardsProfile["categories"][number], "code" | "limitM">>,
): Map<number, string> {
  const limit = categories.find((c) => c.code === focus)?.limitM ?? 300;
  return new Map(
    result.compounds.map((c) => [
      c.id,
      mode === "distance" && focus ? distanceColor(c.distanceM[focus] ?? Infinity, limit) : scoreColor(focus ? (c.missing.includes(focus) ? 0 : 1) : c.score),
    ]),
  );
}

/**
 * The coverage view's overlay: isochrone bands (widest first, so the narrower draw on top) and
 * their origin, each proposed facility change (the existing facility moved or removed marked
 * × or ↦, the new place with its category's mark), proposed gates, and suggested sites numbered
 * by rank. `properties.layer` tells the map how to draw each.
 */
export function coverageOverlay({
  iso,
  changes,
  sites,
  amenityById,
}: {
  iso: IsochroneView | null;
  changes: ScenarioChanges;
  sites: SiteSuggestions | null;
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
}): FC {
  const features: unknown[] = [];
  iso?.bands
    .slice()
    .reverse()
    .forEach((b) => {
      const band = iso.bands.indexOf(b);
      features.push({ type: "Feature", geometry: b.polygon, properties: { layer: "isochrone", band, limitM: b.limitM } });
    });
  if (iso?.origin) features.push({ type: "Feature", geometry: { type: "Point", coordinates: iso.origin }, properties: { layer: "origin" } });
  for (const c of changes.facilities) {
    const existing = c.amenityId !== undefined ? amenityById.get(c.amenityId) : undefined;
    const category = c.category ?? existing?.properties.category ?? "";
    if (existing && (c.action === "remove" || c.action === "move")) {
      features.push({ type: "Feature", geometry: existing.geometry, properties: { layer: "removed", mark: c.action === "remove" ? "×" : "↦" } });
    }
    if (c.lonLat)
      features.push({
        type: "Feature",
        geometry: { type: "Point", coordinates: c.lonLat },
        properties: { layer: "proposed", key: c.key, mark: CATEGORY_MARKS[category] ?? "+" },
      });
  }
  for (const g of changes.gates)
    features.push({ type: "Feature", geometry: { type: "Point", coordinates: g.lonLat }, properties: { layer: "gate", key: g.key } });
  sites?.proposals.forEach((s, i) => {
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: s.lonLat },
      properties: { layer: "site", mark: String(i + 1), gain: s.gainHouseholds },
    });
  });
  return { type: "FeatureCollection", features };
}
