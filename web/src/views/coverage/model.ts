// Pure helpers behind the coverage view: gap rows, roll-ups, colours and exports. No React, no
// DOM, so they are tested in Node against hand-made inputs.
import { toCsv } from "../../../../shared/csv";
import type { CoverageResult } from "../../analysis/coverage";
import { bboxOf } from "../../analysis/geo";
import { COVERAGE_RAMP } from "../../map/palette";

export interface CompoundInfo {
  id: number;
  name: string;
  households: number;
  subdistrictId: number | null;
  subdistrict: string | null;
  communityId: number | null;
  community: string | null;
  geometry: { type: string; coordinates: unknown };
}

export interface GapRow {
  id: number;
  name: string;
  subdistrict: string | null;
  community: string | null;
  households: number;
  score: number;
  missing: string[];
  /** Walking distance (m) to the focused category, or Infinity. */
  distanceM: number;
  /**
   * What the distance is: measured; unreachable (no facility of the category reachable from its
   * gates); absent (no facility of the category anywhere in the city); noAccess (the compound has no
   * way onto the walk network). Without a focused category: measured.
   */
  distanceStatus: DistanceStatus;
}

export type DistanceStatus = "measured" | "unreachable" | "absent" | "noAccess";

export type GapSortKey = "name" | "households" | "missing" | "distanceM" | "score";

/**
 * One row per compound missing at least one category (or the focused one, when given), with the
 * distance to the focused category (or to the nearest missing one's).
 */
export function gapRows(result: CoverageResult, info: Map<number, CompoundInfo>, focus: string | null): GapRow[] {
  const rows: GapRow[] = [];
  const absent = focus !== null && result.absentCategories.includes(focus);
  const noAccess = new Set(result.unattachedCompounds);
  for (const c of result.compounds) {
    const missing = focus ? c.missing.filter((m) => m === focus) : c.missing;
    if (!missing.length) continue;
    const i = info.get(c.id);
    if (!i) continue;
    rows.push({
      id: c.id,
      name: i.name,
      subdistrict: i.subdistrict,
      community: i.community,
      households: i.households,
      score: c.score,
      missing: c.missing,
      distanceM: focus ? (c.distanceM[focus] ?? Infinity) : Infinity,
      distanceStatus: !focus
        ? "measured"
        : noAccess.has(c.id)
          ? "noAccess"
          : absent
            ? "absent"
            : Number.isFinite(c.distanceM[focus] ?? Infinity)
              ? "measured"
              : "unreachable",
    });
  }
  return rows;
}

/** Sort rows by a column; ties by name so the order is stable. */
export function sortGapRows(rows: GapRow[], key: GapSortKey, descending: boolean): GapRow[] {
  const value = (r: GapRow): number | string => (key === "missing" ? r.missing.length : r[key]);
  return [...rows].sort((a, b) => {
    const x = value(a),
      y = value(b);
    const c = typeof x === "string" ? x.localeCompare(y as string, "zh-CN") : (x as number) - (y as number);
    return (descending ? -c : c) || a.name.localeCompare(b.name, "zh-CN");
  });
}

export interface RollUpRow {
  id: number | null;
  name: string;
  compounds: number;
  households: number;
  /** Households covered for the focused category; with none focused, households × score summed. */
  coveredHouseholds: number;
  share: number;
}

/**
 * Households covered per area (subdistrict or community): for one category the share of households
 * that reach it, for all categories the household-weighted mean score. Every area in `areas` appears, also
 * those with no covered household (0%) or no compound at all; compounds outside any area form
 * an extra row with id null.
 */
export function rollUp(
  result: CoverageResult,
  info: Map<number, CompoundInfo>,
  areas: Array<{ id: number; name: string }>,
  level: "subdistrict" | "community",
  focus: string | null,
  unassignedName: string,
): RollUpRow[] {
  const rows = new Map<number | null, RollUpRow>(
    areas.map((a) => [a.id, { id: a.id, name: a.name, compounds: 0, households: 0, coveredHouseholds: 0, share: 0 }]),
  );
  for (const c of result.compounds) {
    const i = info.get(c.id);
    if (!i) continue;
    const id = level === "subdistrict" ? i.subdistrictId : i.communityId;
    let row = rows.get(id);
    if (!row) {
      row = {
        id,
        name: id === null ? unassignedName : ((level === "subdistrict" ? i.subdistrict : i.community) ?? String(id)),
        compounds: 0,
        households: 0,
        coveredHouseholds: 0,
        share: 0,
      };
      rows.set(id, row);
    }
    row.compounds++;
    row.households += i.households;
    // One category: its households are covered or not. All categories: each household counts
    // by its compound's score (the share of categories reached), so the share is a weighted mean.
    row.coveredHouseholds += focus ? (c.missing.includes(focus) ? 0 : i.households) : i.households * c.score;
  }
  for (const r of rows.values()) r.share = r.households ? r.coveredHouseholds / r.households : 0;
  return [...rows.values()].sort((a, b) => a.share - b.share || a.name.localeCompare(b.name, "zh-CN"));
}

/**
 * Score bands (share of categories reached), worst first: none, up to 50%, 70%, 85%, all; each
 * with its colour of the coverage ramp.
 */
export const SCORE_BANDS = [
  { upTo: 0, color: COVERAGE_RAMP[0] },
  { upTo: 0.5, color: COVERAGE_RAMP[1] },
  { upTo: 0.7, color: COVERAGE_RAMP[2] },
  { upTo: 0.85, color: COVERAGE_RAMP[3] },
  { upTo: 1, color: COVERAGE_RAMP[4] },
];

/** Colour of a coverage score (share of categories reached): red → yellow → green. */
export function scoreColor(score: number): string {
  return (SCORE_BANDS.find((b) => score <= b.upTo + 1e-9) ?? SCORE_BANDS[SCORE_BANDS.length - 1]).color;
}

/** Distance bands against a limit: within, up to 1.5×, up to 2×, farther or unreachable. */
export const DISTANCE_BANDS = [
  { upTo: 1, color: COVERAGE_RAMP[4] },
  { upTo: 1.5, color: COVERAGE_RAMP[2] },
  { upTo: 2, color: COVERAGE_RAMP[1] },
  { upTo: Infinity, color: COVERAGE_RAMP[0] },
];

export function distanceColor(distanceM: number, limitM: number): string {
  return DISTANCE_BANDS.find((b) => distanceM <= b.upTo * limitM)!.color;
}

/** One distance band of the legend in real units: up to `toM` metres (Infinity: farther than `fromM`, or unreachable). */
export interface DistanceLegendBand {
  color: string;
  fromM: number;
  toM: number;
  /** Walking minutes at the profile's default speed to the band's far edge (its near edge for the last band), rounded. */
  minutes: number;
}

/**
 * The distance legend of a category in metres and minutes: {@link DISTANCE_BANDS} times the
 * category's limit, minutes at the profile's default walking speed (1 m/s when the profile has
 * none). Undefined when the category is not in the profile.
 */
export function distanceLegend(
  standards: { walkSpeedsMps?: Record<string, number>; categories: Array<{ code: string; limitM: number }> },
  code: string,
): DistanceLegendBand[] | undefined {
  const limitM = standards.categories.find((c) => c.code === code)?.limitM;
  if (limitM === undefined) return undefined;
  const speed = standards.walkSpeedsMps?.default ?? 1;
  return DISTANCE_BANDS.map((b, i) => {
    const fromM = i === 0 ? 0 : DISTANCE_BANDS[i - 1].upTo * limitM;
    const toM = b.upTo * limitM;
    return { color: b.color, fromM, toM, minutes: Math.round((Number.isFinite(toM) ? toM : fromM) / speed / 60) };
  });
}

/** One score band of the legend: the categories reached (fromCount–toCount of `of`) and their share. */
export interface ScoreLegendBand {
  color: string;
  fromCount: number;
  toCount: number;
  of: number;
}

/**
 * The score legend in categories reached, best first: {@link SCORE_BANDS} for a profile of
 * `categoryCount` categories (the score is the share reached), leaving out bands no count falls in.
 */
export function scoreLegend(categoryCount: number): ScoreLegendBand[] {
  const n = categoryCount;
  return SCORE_BANDS.map((b, i) => ({
    color: b.color,
    fromCount: i === 0 ? 0 : Math.floor(SCORE_BANDS[i - 1].upTo * n + 1e-9) + 1,
    toCount: Math.floor(b.upTo * n + 1e-9),
    of: n,
  }))
    .filter((b) => b.fromCount <= b.toCount)
    .reverse();
}

/** One band of the roll-up choropleth's legend: shares of households above `from` up to `to` (0–1). */
export interface ShareLegendBand {
  color: string;
  from: number;
  to: number;
}

/**
 * The roll-up choropleth's legend, best first: an area is coloured by its share as a compound is
 * by its score ({@link SCORE_BANDS}: the same meaning, share reached, in the same colours).
 */
export function shareLegend(): ShareLegendBand[] {
  return SCORE_BANDS.map((b, i) => ({ color: b.color, from: i === 0 ? 0 : SCORE_BANDS[i - 1].upTo, to: b.upTo })).reverse();
}

/** The roll-up as map colours: each area's share in the score colours (the unassigned row has no area). */
export function rollUpColours(rows: RollUpRow[]): Map<number, string> {
  return new Map(rows.filter((r): r is RollUpRow & { id: number } => r.id !== null).map((r) => [r.id, scoreColor(r.share)]));
}

/**
 * The gap table as CSV (UTF-8 with BOM, for Excel). A distance that is not a number says why
 * (`statusLabel`: e.g. 城内无此类设施 rather than an empty cell).
 */
export function gapCsv(rows: GapRow[], headers: string[], categoryName: (code: string) => string, statusLabel: (s: DistanceStatus) => string): string {
  return toCsv(
    headers,
    rows.map((r) => [
      r.id,
      r.name,
      r.subdistrict ?? "",
      r.community ?? "",
      r.households,
      Math.round(r.score * 100),
      r.missing.map(categoryName).join("、"),
      r.distanceStatus === "measured" && Number.isFinite(r.distanceM) ? Math.round(r.distanceM) : statusLabel(r.distanceStatus),
    ]),
  );
}

/** The gap table as GeoJSON: each row's compound footprint with the row as properties. */
export function gapGeoJson(rows: GapRow[], info: Map<number, CompoundInfo>) {
  return {
    type: "FeatureCollection" as const,
    features: rows.map((r) => ({
      type: "Feature" as const,
      id: r.id,
      geometry: info.get(r.id)!.geometry,
      properties: {
        id: r.id,
        name: r.name,
        subdistrict: r.subdistrict,
        community: r.community,
        households: r.households,
        score: Math.round(r.score * 1000) / 1000,
        missing: r.missing,
        distanceM: Number.isFinite(r.distanceM) ? Math.round(r.distanceM * 10) / 10 : null,
        distanceStatus: r.distanceStatus,
      },
    })),
  };
}

/** Bounding box of a set of compounds' footprints. */
export function boundsOf(ids: Iterable<number>, info: Map<number, CompoundInfo>): [number, number, number, number] | undefined {
  const b = bboxOf(
    [...ids].flatMap((id) => {
      const i = info.get(id);
      return i ? [i.geometry.coordinates] : [];
    }),
  );
  return Number.isFinite(b[0]) ? b : undefined;
}

/** Save text as a file in the browser. */
export function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
