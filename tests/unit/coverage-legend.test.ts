import { describe, expect, it } from "vitest";
import type { StandardsProfile } from "../../web/src/api/resources.js";
import en from "../../web/src/i18n/en.json";
import zh from "../../web/src/i18n/zh-CN.json";
import { formatMessage } from "../../web/src/i18n/format.js";
import {
  ANALYSIS_INK,
  BOUNDARY_COLORS,
  CHANGE_COLORS,
  CIRCLE_COLORS,
  COVERAGE_RAMP,
  GATE_STROKE,
  ISOCHRONE_COLORS,
  SELECTION_COLOR,
} from "../../web/src/map/palette.js";
import { amenityFilter, baseStyle, GATES_MIN_ZOOM } from "../../web/src/map/style.js";
import {
  DISTANCE_BANDS,
  distanceColor,
  distanceLegend,
  rollUpColours,
  SCORE_BANDS,
  scoreColor,
  scoreLegend,
  shareLegend,
} from "../../web/src/views/coverage/model.js";
import { amenityCard } from "../../web/src/views/coverage/useAmenityCard.js";

// The coverage map's legends in real units and its one colour scheme, from a hand-made standards
// profile: walking at 1.2 m/s, a kindergarten within 300 m and a health centre within 1000 m.

const profile: StandardsProfile = {
  id: "test",
  name: "测试标准",
  nameEn: "Test profile",
  walkSpeedsMps: { default: 1.2, elderly: 0.8 },
  circles: [
    { code: "5min", nameZh: "五分钟生活圈", nameEn: "5-minute living circle", minutes: 5, limitM: 300 },
    { code: "15min", nameZh: "十五分钟生活圈", nameEn: "15-minute living circle", minutes: 15, limitM: 1000 },
  ],
  categories: [
    { code: "kindergarten", nameZh: "幼儿园", nameEn: "Kindergarten", circle: "5min", limitM: 300 },
    { code: "health_centre", nameZh: "社区卫生服务中心", nameEn: "Health centre", circle: "15min", limitM: 1000 },
  ],
} as StandardsProfile;

/** A message with its {placeholders} filled, as the app's translate does. */
const fill = (template: string, vars: Record<string, string | number>) => formatMessage("zh-CN", template, vars);

describe("the distance legend", () => {
  it("gives the bands of a category in metres and minutes at the profile's walking speed", () => {
    const bands = distanceLegend(profile, "kindergarten")!;
    expect(bands.map((b) => [b.fromM, b.toM, b.minutes])).toEqual([
      [0, 300, 4], // 300 m / 1.2 m/s = 250 s ≈ 4 min
      [300, 450, 6], // 375 s
      [450, 600, 8], // 500 s
      [600, Infinity, 8], // farther than 600 m, or unreachable
    ]);
    expect(bands.map((b) => b.color)).toEqual(DISTANCE_BANDS.map((b) => b.color));
    // Each band's colour is the one a compound at that distance gets.
    for (const b of bands.slice(0, 3)) expect(distanceColor(b.toM, 300)).toBe(b.color);
    expect(distanceColor(601, 300)).toBe(bands[3].color);
  });

  it("follows the category's own limit", () => {
    expect(distanceLegend(profile, "health_centre")!.map((b) => [b.toM, b.minutes])).toEqual([
      [1000, 14], // 833 s
      [1500, 21],
      [2000, 28],
      [Infinity, 28],
    ]);
    expect(distanceLegend(profile, "bakery")).toBeUndefined();
  });

  it("reads in metres and minutes, not as a multiple of the limit", () => {
    const [within] = distanceLegend(profile, "kindergarten")!;
    expect(fill(zh["cov.bandWithin"], { metres: within.toM, minutes: within.minutes })).toBe("≤ 300 m（约 4 分钟）");
    expect(fill(en["cov.bandWithin"], { metres: within.toM, minutes: within.minutes })).toBe("≤ 300 m (about 4 min)");
    expect(fill(zh["cov.bandBeyond"], { metres: 600 })).toBe("> 600 m 或不可达");
    expect(fill(zh["cov.coveredWithin"], { metres: 300, minutes: 4 })).toBe("已覆盖：≤ 300 m（约 4 分钟）");
  });

  it("takes 1 m/s when the profile names no speed", () => {
    const { walkSpeedsMps: _, ...noSpeed } = profile;
    expect(distanceLegend(noSpeed as StandardsProfile, "kindergarten")![0].minutes).toBe(5);
  });
});

describe("the score legend", () => {
  it("gives the score bands as categories reached, best first", () => {
    // 23 categories: score = reached / 23; bands at 0, ≤ 50%, ≤ 70%, ≤ 85%, all.
    expect(scoreLegend(23).map((b) => [b.fromCount, b.toCount])).toEqual([
      [20, 23],
      [17, 19],
      [12, 16],
      [1, 11],
      [0, 0],
    ]);
    // Each band's colour is the one a compound reaching that many categories gets.
    for (const b of scoreLegend(23)) {
      expect(scoreColor(b.fromCount / 23), `${b.fromCount} of 23`).toBe(b.color);
      expect(scoreColor(b.toCount / 23), `${b.toCount} of 23`).toBe(b.color);
    }
  });

  it("leaves out bands no count falls in (a profile of two categories)", () => {
    expect(scoreLegend(2).map((b) => [b.fromCount, b.toCount, b.color])).toEqual([
      [2, 2, SCORE_BANDS[4].color],
      [1, 1, SCORE_BANDS[1].color],
      [0, 0, SCORE_BANDS[0].color],
    ]);
    expect(fill(zh["cov.scoreBand"], { from: 12, to: 16, of: 23 })).toBe("12–16 类达标（共 23 类）");
    expect(fill(en["cov.scoreAll"], { of: 23 })).toBe("all 23 categories reached");
  });
});

describe("the facility popup", () => {
  const t = (key: string, vars?: Record<string, string | number>) => fill((zh as Record<string, string>)[key] ?? key, vars ?? {});
  const categoryName = (code: string) => profile.categories.find((c) => c.code === code)?.nameZh ?? code;
  it("says the facility's name, category and living circle, and its walking limit in metres and minutes", () => {
    const card = amenityCard({ id: 3, name: "阳光幼儿园", category: "kindergarten", circle: "5min" }, profile, { t, num: String, lang: "zh-CN", categoryName });
    expect(card).toEqual({ title: "阳光幼儿园", lines: ["幼儿园 · 五分钟生活圈", "步行限值 300 m（约 4 分钟）"] });
  });
  it("names an unnamed facility by its category", () => {
    const card = amenityCard({ id: 4, name: null, category: "health_centre" }, profile, { t, num: String, lang: "zh-CN", categoryName });
    expect(card.title).toBe("社区卫生服务中心");
    expect(card.lines[1]).toBe("步行限值 1000 m（约 14 分钟）");
  });
});

describe("the coverage map's colours and layers", () => {
  it("never give one colour two meanings: coverage fills, isochrones, facility circles, gates and what-if marks", () => {
    const families = {
      coverage: [...COVERAGE_RAMP, ...SCORE_BANDS.map((b) => b.color), ...DISTANCE_BANDS.map((b) => b.color)],
      isochrones: ISOCHRONE_COLORS,
      facilities: Object.values(CIRCLE_COLORS),
      neutral: [GATE_STROKE, ANALYSIS_INK],
      selection: [SELECTION_COLOR],
      boundaries: Object.values(BOUNDARY_COLORS),
      change: Object.values(CHANGE_COLORS),
    };
    const owner = new Map<string, string>();
    for (const [family, colours] of Object.entries(families))
      for (const c of new Set(colours.map((x) => x.toLowerCase()))) {
        expect(owner.get(c), `${c} is used by ${owner.get(c)} and ${family}`).toBeUndefined();
        owner.set(c, family);
      }
    // Nor two colours that only look alike: across families at least ΔE*76 = 20 apart in CIELAB.
    for (const [a, fa] of owner)
      for (const [b, fb] of owner) if (fa < fb) expect(deltaE(a, b), `${a} (${fa}) and ${b} (${fb}) look alike`).toBeGreaterThanOrEqual(20);
    // The selected compound's outline and its gates and item rings take the selection colour.
    const paint = (id: string) => JSON.stringify((baseStyle().layers.find((l) => l.id === id) as { paint: unknown }).paint);
    for (const id of ["selection-fill", "selection-points"]) expect(paint(id)).toContain(SELECTION_COLOR);
    // The coverage bands come from the one ramp.
    expect(new Set([...SCORE_BANDS, ...DISTANCE_BANDS].map((b) => b.color))).toEqual(new Set(COVERAGE_RAMP));
    // The isochrone layers draw in the isochrone colours.
    const iso = baseStyle().layers.find((l) => l.id === "analysis-iso-line") as { paint: Record<string, unknown> };
    expect(JSON.stringify(iso.paint["line-color"])).toBe(
      JSON.stringify(["match", ["get", "band"], 0, ISOCHRONE_COLORS[0], 1, ISOCHRONE_COLORS[1], ISOCHRONE_COLORS[2]]),
    );
  });

  it("draws gates only at street zoom and filters facilities to one category", () => {
    const gates = baseStyle().layers.find((l) => l.id === "gates-circle")!;
    expect(gates.minzoom).toBe(GATES_MIN_ZOOM);
    expect(GATES_MIN_ZOOM).toBeGreaterThanOrEqual(16);
    expect(amenityFilter("kindergarten")).toEqual(["==", ["get", "category"], "kindergarten"]);
    expect(amenityFilter(null)).toBeNull();
  });
});

/** CIE76 colour difference of two sRGB hex colours (D65), for "these two look alike". */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92;
    });
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const x = f((r * 0.4124 + g * 0.3576 + bl * 0.1805) / 0.95047);
    const y = f(r * 0.2126 + g * 0.7152 + bl * 0.0722);
    const z = f((r * 0.0193 + g * 0.1192 + bl * 0.9505) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

describe("the roll-up choropleth", () => {
  it("has a legend of contiguous share bands from 100% down to 0%, each in the colour its shares get", () => {
    const bands = shareLegend();
    expect(bands[0].to).toBe(1);
    expect(bands[bands.length - 1]).toMatchObject({ from: 0, to: 0 });
    for (let i = 1; i < bands.length - 1; i++) expect(bands[i].to).toBe(bands[i - 1].from);
    for (const b of bands) {
      expect(scoreColor(b.to)).toBe(b.color);
      if (b.to > b.from) expect(scoreColor((b.from + b.to) / 2)).toBe(b.color);
    }
    expect(new Set(bands.map((b) => b.color)).size).toBe(bands.length);
  });
  it("colours every area with a row, never the unassigned one", () => {
    const row = (id: number | null, share: number) => ({ id, name: String(id), compounds: 1, households: 10, coveredHouseholds: share * 10, share });
    const colours = rollUpColours([row(1, 0), row(2, 0.6), row(null, 1), row(3, 1)]);
    expect([...colours.keys()]).toEqual([1, 2, 3]);
    expect(colours.get(1)).toBe(COVERAGE_RAMP[0]);
    expect(colours.get(3)).toBe(COVERAGE_RAMP[4]);
  });
});
