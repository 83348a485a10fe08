// What the coverage view draws on the map, as pure functions of its state: compound fills and
// the overlay (isochrones, proposed changes, suggested sites). No React, so they are tested in Node.
import type { Amenities, StandardsProfile } from "../../api/resources";
import type { CoverageResult } from "../../analysis/coverage";
import type { SessionCoverage } from "../../analysis/session";
import type { CompoundChange, ScenarioChanges } from "../../analysis/whatif";
import { CATEGORY_MARKS, CHANGE_COLORS } from "../../map/palette";
import type { FC } from "../planner/overlay";
import { distanceColor, scoreColor } from "./model";
import type { IsochroneView } from "./useIsochrone";
import type { SiteSuggestions } from "./useSiting";

/**
 * What the compound fills show: the score (share of categories reached), the distance to the
 * focused category, or (with a scenario) what the scenario changes against the baseline; the
 * first is the default.
 */
export const COLOUR_MODES = ["score", "distance", "change"] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

/**
 * Each compound's fill. With a focused category: covered or not, or (in distance mode) its
 * walking distance against the category's limit (300 m when the category is unknown). Without
 * one: its score. In change mode (a scenario's result only; otherwise as score): whether the
 * scenario makes the compound gain or lose the focused category (without one: any category; a
 * compound that loses one counts as losing), or leaves it as it was.
 */
export function coverageColours(
  result: SessionCoverage,
  mode: ColourMode,
  focus: string | null,
  categories: Array<Pick<StandardsProfile["categories"][number], "code" | "limitM">>,
): Map<number, string> {
  if (mode === "change" && result.changes) return changeColours(result, result.changes.compounds, focus);
  const limit = categories.find((c) => c.code === focus)?.limitM ?? 300;
  return new Map(
    result.compounds.map((c) => [
      c.id,
      mode === "distance" && focus ? distanceColor(c.distanceM[focus] ?? Infinity, limit) : scoreColor(focus ? (c.missing.includes(focus) ? 0 : 1) : c.score),
    ]),
  );
}

function changeColours(result: CoverageResult, changed: CompoundChange[], focus: string | null): Map<number, string> {
  const byId = new Map(changed.map((c) => [c.id, c]));
  const colour = (id: number) => {
    const c = byId.get(id);
    if (!c) return CHANGE_COLORS.unchanged;
    const [gained, lost] = focus ? [c.gained.includes(focus), c.lost.includes(focus)] : [c.gained.length > 0, c.lost.length > 0];
    return lost ? CHANGE_COLORS.lost : gained ? CHANGE_COLORS.gained : CHANGE_COLORS.unchanged;
  };
  return new Map(result.compounds.map((c) => [c.id, colour(c.id)]));
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
