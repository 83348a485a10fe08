import { describe, expect, it } from "vitest";
import { OSM_STEPS, loadTagMapping, osmToCity, type OsmData, type OsmNode, type Tags } from "../../server/import/osm.js";
import { isGateLike, notWalkingGateReason } from "../../server/import/osm-steps/gates.js";
import { createImportContext, type ImportContext } from "../../server/import/osm-steps/context.js";
import { loadHouseholdRules } from "../../server/import/osm-steps/household-rules.js";
import { metresPerDegree } from "../../web/src/analysis/geo.js";

// Each step of the OSM import on a fixture of its own, built here so its answer is known by
// construction. Around 116.3°E, 40°N; `m(x, y)` places a node x metres east and y metres north.
const mapping = loadTagMapping();
const rules = loadHouseholdRules();
const k = metresPerDegree(40);
const m = (x: number, y: number) => ({ lon: 116.3 + x / k.lon, lat: 40 + y / k.lat });

interface Builder {
  node(id: number, x: number, y: number, tags?: Tags): void;
  way(id: number, nodes: number[], tags?: Tags): void;
  /** Closed way `id` around the rectangle (x0, y0)–(x1, y1): nodes firstNode … firstNode + 3, anticlockwise from (x0, y0). */
  rect(id: number, firstNode: number, [x0, y0]: [number, number], [x1, y1]: [number, number], tags?: Tags): void;
}

function osm(build: (b: Builder) => void): OsmData {
  const nodes = new Map<number, OsmNode>();
  const data: OsmData = { nodes, ways: new Map(), relations: new Map() };
  const b: Builder = {
    node: (id, x, y, tags = {}) => {
      nodes.set(id, { ...m(x, y), tags });
    },
    way: (id, nodes, tags = {}) => {
      data.ways.set(id, { nodes, tags });
    },
    rect: (id, n, [x0, y0], [x1, y1], tags) => {
      b.node(n, x0, y0);
      b.node(n + 1, x1, y0);
      b.node(n + 2, x1, y1);
      b.node(n + 3, x0, y1);
      b.way(id, [n, n + 1, n + 2, n + 3, n], tags);
    },
  };
  build(b);
  return data;
}

/** Run the steps up to and including `last` on `data`. */
function runTo(data: OsmData, last: string): ImportContext {
  const ctx = createImportContext(data, mapping, rules);
  for (const [name, step] of OSM_STEPS) {
    step(ctx);
    if (name === last) break;
  }
  return ctx;
}

/** A 100 m × 100 m residential area (way 1) with a street 10 m south of it (way 2). */
function square(extra: (b: Builder) => void, areaTags: Tags = { landuse: "residential", name: "甲小区" }) {
  return osm((b) => {
    b.rect(1, 1, [0, 0], [100, 100], areaTags);
    b.node(10, -50, -10);
    b.node(11, 150, -10);
    b.way(2, [10, 11], { highway: "residential", name: "南街" });
    extra(b);
  });
}

describe("step network", () => {
  it("keeps walkable ways only, split at every vertex", () => {
    const ctx = runTo(
      osm((b) => {
        b.node(1, 0, 0);
        b.node(2, 100, 0);
        b.node(3, 200, 0);
        b.node(4, 200, 100);
        b.way(1, [1, 2, 3], { highway: "residential" });
        b.way(2, [3, 4], { highway: "motorway" });
      }),
      "network",
    );
    expect(ctx.net.edges.map(([, a, b]) => [a, b])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(ctx.counts["walkExcluded:highway=motorway"]).toBe(1);
    expect(ctx.streets).toHaveLength(2);
  });
});

describe("step areas", () => {
  it("makes a compound of a residential area and ties buildings to it", () => {
    const ctx = runTo(
      square((b) => {
        b.rect(20, 20, [10, 10], [40, 30], { building: "residential", "building:levels": "6" });
      }),
      "areas",
    );
    expect(ctx.compounds.map((c) => c.name)).toEqual(["甲小区"]);
    expect(ctx.compounds[0].areaM2).toBeCloseTo(10_000, -1);
    expect(ctx.compounds[0].perimeterM).toBeCloseTo(400, 0);
    expect(ctx.buildings.map((f) => f.properties.compoundId)).toEqual([1]);
    expect(ctx.compounds[0].residentialFloorM2).toBeCloseTo(30 * 20 * 6, -1);
  });
});

// The walking-gate rule, row by row (README.md: "Walking gates"). Each row: the node's tags, and
// whether residents walk through it every day (null) or why not.
const GATE_RULE: Array<[Tags, string | null]> = [
  [{ barrier: "gate" }, null],
  [{ entrance: "yes" }, null],
  [{ entrance: "main" }, null],
  [{ barrier: "lift_gate" }, null],
  [{ barrier: "kissing_gate" }, null],
  [{ barrier: "turnstile" }, null],
  [{ barrier: "gate", access: "private", foot: "yes" }, null],
  [{ barrier: "gate", access: "no", foot: "permissive" }, null],
  [{ barrier: "gate", access: "customers" }, null],
  [{ barrier: "gate", foot: "no" }, "foot=no"],
  [{ barrier: "gate", access: "no" }, "access=no"],
  [{ barrier: "gate", access: "private" }, "access=private"],
  [{ barrier: "gate", access: "delivery" }, "access=delivery"],
  [{ entrance: "emergency" }, "entrance=emergency (an emergency exit)"],
  [{ barrier: "gate", locked: "yes" }, "locked=yes"],
  [{ barrier: "lift_gate", motor_vehicle: "yes", access: "private" }, "a vehicle-only lift gate"],
];

describe("step gates: which nodes are walking gates", () => {
  for (const [tags, reason] of GATE_RULE) {
    it(`${Object.entries(tags)
      .map(([key, v]) => `${key}=${v}`)
      .join(" ")} → ${reason ?? "a walking gate"}`, () => {
      expect(isGateLike(tags, mapping.gates)).toBe(true);
      expect(notWalkingGateReason(tags, mapping.gates)).toBe(reason);
      // And through the step: on the wall of a compound, it is its gate or it is reported.
      const ctx = runTo(
        square((b) => b.node(30, 50, 0, tags)),
        "gates",
      );
      expect(ctx.gates.length).toBe(reason === null ? 1 : 0);
      if (reason) expect(ctx.warnings.find((w) => w.kind === "gate-not-walking")?.message).toContain(reason);
    });
  }
  it("a bollard or a plain node is not gate-like at all", () => {
    expect(isGateLike({ barrier: "bollard" }, mapping.gates)).toBe(false);
    expect(isGateLike({ highway: "crossing" }, mapping.gates)).toBe(false);
  });
  it("belongs to a compound within 20 m of its wall, placed on it; 20–250 m: reported with the distance, not moved; farther: not a compound gate", () => {
    const ctx = runTo(
      square((b) => {
        b.node(30, 50, -15, { barrier: "gate", name: "南门" }); // 15 m off: its gate
        b.node(31, 50, 130, { barrier: "gate" }); // 30 m north: too far
        b.node(32, 900, 900, { barrier: "gate" }); // nowhere near
      }),
      "gates",
    );
    expect(ctx.gates.map((g) => g.properties.osmId)).toEqual(["node/30"]);
    const [lon, lat] = (ctx.gates[0].geometry as { coordinates: [number, number] }).coordinates;
    expect(Math.abs((lat - 40) * k.lat)).toBeLessThan(0.01); // moved onto the wall (y = 0)
    expect((lon - 116.3) * k.lon).toBeCloseTo(50, 1);
    const far = ctx.warnings.find((w) => w.kind === "gate-far")!;
    expect(far.osmId).toBe("node/31");
    expect(far.value).toBeCloseTo(30, 0);
    expect(ctx.warnings.find((w) => w.kind === "gate-away")?.osmId).toBe("node/32");
  });
  it("a gate closed to pedestrians is reported with its reason wherever it lies, a vehicle barrier within 250 m; only on the wall does it wall in", () => {
    const ctx = runTo(
      square((b) => {
        b.node(30, 50, 0, { barrier: "gate", access: "no" }); // on the wall
        b.node(31, 50, 160, { barrier: "gate", foot: "no" }); // 60 m north
        b.node(32, 50, 200, { barrier: "toll_booth" }); // 100 m north, and not gate-like
        b.node(33, 900, 900, { barrier: "toll_booth" }); // nowhere near: none of the compounds' business
      }),
      "gates",
    );
    expect(ctx.gates).toEqual([]);
    const closed = ctx.warnings.filter((w) => w.kind === "gate-not-walking");
    expect(closed.map((w) => w.osmId)).toEqual(["node/30", "node/31", "node/32"]);
    expect(closed[0].message).toContain("access=no");
    expect(closed[0].value).toBeCloseTo(0, 1);
    expect(closed[1].message).toContain("foot=no");
    expect(closed[1].value).toBeCloseTo(60, 0);
    expect(closed[2].message).toContain("a barrier for vehicles only");
    expect(closed[2].value).toBeCloseTo(100, 0);
    expect(ctx.compounds[0].closedGates).toBe(1);
    expect(ctx.counts).toMatchObject({ gateNodes: 2, gatesNotWalking: 3 });
    expect([ctx.counts.gatesFar ?? 0, ctx.counts.gatesAway ?? 0]).toEqual([0, 0]);
    expect(ctx.warnings.filter((w) => w.kind === "gate-far" || w.kind === "gate-away")).toEqual([]);
  });
});

describe("step interiors: gated or open", () => {
  it("with a walking gate: gated, access by its gates", () => {
    expect(
      runTo(
        square((b) => b.node(30, 50, 0, { barrier: "gate" })),
        "interiors",
      ).compounds[0].access,
    ).toBe("gates");
  });
  it("no gate but a wall along its boundary: gated, access assumed", () => {
    const ctx = runTo(
      square((b) => {
        b.node(40, 0, 2);
        b.node(41, 100, 2);
        b.node(42, 100, 98);
        b.way(40, [40, 41, 42], { barrier: "wall" }); // 2 m inside two sides: half the boundary
      }),
      "interiors",
    );
    expect(ctx.compounds[0].wallShare).toBeCloseTo(0.5, 1);
    expect(ctx.compounds[0].access).toBe("assumed");
  });
  it("a closed gate alone still shows it is walled in", () => {
    expect(
      runTo(
        square((b) => b.node(30, 50, 0, { barrier: "gate", access: "private" })),
        "interiors",
      ).compounds[0].access,
    ).toBe("assumed");
  });
  it("the area itself tagged barrier=fence: walled", () => {
    expect(
      runTo(
        square(() => {}, { landuse: "residential", barrier: "fence" }),
        "interiors",
      ).compounds[0].access,
    ).toBe("assumed");
  });
  it("neither gates nor a wall: an open neighbourhood, said in the report", () => {
    const ctx = runTo(
      square(() => {}),
      "interiors",
    );
    expect(ctx.compounds[0].access).toBe("open");
    expect(ctx.warnings.map((w) => w.kind)).toContain("open-compound");
  });
});

describe("step households", () => {
  it("takes OSM's figure when there is one", () => {
    const ctx = runTo(
      square(() => {}, { landuse: "residential", households: "320" }),
      "households",
    );
    expect([ctx.compounds[0].households, ctx.compounds[0].householdsSource]).toEqual([320, "osm"]);
  });
  it("estimates from residential buildings: footprint × levels ÷ m² per dwelling, levels by type when untagged", () => {
    const ctx = runTo(
      square((b) => {
        b.rect(20, 20, [10, 10], [40, 30], { building: "apartments" }); // 600 m², 6 levels by default
        b.rect(21, 24, [50, 50], [60, 60], { building: "retail" }); // not residential: not counted
      }),
      "households",
    );
    expect(ctx.compounds[0].householdsSource).toBe("estimated");
    expect(ctx.compounds[0].households).toBe(Math.round((600 * rules.defaultLevels.apartments) / rules.m2PerDwelling));
  });
  it("with no building mapped, estimates from the area at the typical floor-area ratio, and says so", () => {
    const ctx = runTo(
      square(() => {}),
      "households",
    );
    // 10,000 m² (to the metre or so: the plane is centred on the data, not at exactly 40°N)
    expect(Math.abs(ctx.compounds[0].households - (10_000 * rules.areaFloorRatio) / rules.m2PerDwelling)).toBeLessThanOrEqual(1);
    expect(ctx.warnings.map((w) => w.kind)).toContain("households-from-area");
  });
});

describe("step amenities", () => {
  it("maps tags to the standards' categories and counts what it left unmapped", () => {
    const ctx = runTo(
      square((b) => {
        b.node(50, 10, -20, { amenity: "kindergarten", name: "幼儿园" });
        b.node(51, 20, -20, { amenity: "school", name: "实验小学" });
        b.node(52, 30, -20, { shop: "supermarket", name: "便利超市" });
        b.node(53, 40, -20, { amenity: "restaurant" });
      }),
      "amenities",
    );
    expect(ctx.amenities.map((a) => a.properties.category)).toEqual(["kindergarten", "primary_school", "convenience_store"]);
    expect(ctx.counts).toMatchObject({ "amenity:kindergarten": 1, "amenity:primary_school": 1, "unmapped:amenity=restaurant": 1, amenityCategoriesMapped: 3 });
  });
});

describe("step report", () => {
  it("gives the city loadCity takes, with access and the households' source on each compound", () => {
    const { city, report } = osmToCity(
      square((b) => b.node(30, 50, 0, { barrier: "gate" })),
      mapping,
      rules,
    );
    const c = city.layers["compounds.geojson"]![0];
    expect(c.properties).toMatchObject({ osmId: "way/1", access: "gates", householdsSource: "estimated", gateCount: 1 });
    expect(city.layers["gates.geojson"]![0].properties).toMatchObject({ source: "osm", osmId: "node/30" });
    expect(city.walkNetwork.edgeOsmIds).toEqual(["way/2:10-11"]);
    expect(report.counts.compounds).toBe(1);
  });
});
