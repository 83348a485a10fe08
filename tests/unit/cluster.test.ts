import { describe, expect, it } from "vitest";
import {
  checkCluster,
  clusterCompounds,
  describeCluster,
  greedyClusters,
  type AdjacencyLink,
  type ClusterCompound,
  type ClusterOptions,
  type ClusterResult,
} from "../../web/src/analysis/cluster.js";
import { buildWalkGraph } from "../../web/src/analysis/walk-graph.js";

// Hand-made fixtures in local metres around 周口 (114.64°E, 33.62°N), on the mean-radius sphere the
// module measures great circles on. Spans use detourFactor 1, so a span is the straight line between
// centroids (the plane and the sphere differ by < 1 cm over these few hundred metres).
const LON0 = 114.64,
  LAT0 = 33.62;
const M_LAT = (6371008.8 * Math.PI) / 180;
const M_LON = M_LAT * Math.cos((LAT0 * Math.PI) / 180);
const lonLat = (x: number, y: number): [number, number] => [LON0 + x / M_LON, LAT0 + y / M_LAT];
const metres = ([lon, lat]: [number, number]) => [(lon - LON0) * M_LON, (lat - LAT0) * M_LAT];

function createCompound(id: number, x: number, y: number, households: number, extra: Partial<ClusterCompound> = {}): ClusterCompound {
  return { id, households, buildYear: 1990, centroid: lonLat(x, y), management: "none", ...extra };
}

/**
 * A rows × cols grid, 200 m apart, rook neighbours (left/right/up/down). Ids row by row from 1;
 * households 300, 400, …, 700 repeating, build years 1980 + 2·(id mod 10), gaps alternate.
 */
function createGrid(rows: number, cols: number) {
  const compounds: ClusterCompound[] = [];
  const pairs: AdjacencyLink[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const id = r * cols + c + 1;
      compounds.push(
        createCompound(id, c * 200, r * 200, 300 + 100 * (id % 5), {
          buildYear: 1980 + 2 * (id % 10),
          missing: id % 2 ? ["kindergarten", "elderly_day_care"] : ["kindergarten"],
        }),
      );
      if (c + 1 < cols) pairs.push({ a: id, b: id + 1 });
      if (r + 1 < rows) pairs.push({ a: id, b: id + cols });
    }
  }
  return { compounds, pairs };
}

const OPTS: ClusterOptions = { minHouseholds: 1000, maxHouseholds: 2500, maxSpanM: 600, detourFactor: 1 };

/** A fixed permutation (no randomness in tests either): reverse, then interleave halves. */
function shuffle<T>(xs: T[]): T[] {
  const r = [...xs].reverse();
  const half = Math.ceil(r.length / 2);
  const out: T[] = [];
  for (let k = 0; k < half; k++) {
    out.push(r[k]);
    if (k + half < r.length) out.push(r[k + half]);
  }
  return out;
}

/** Check the invariants independently of the code under test. */
function expectValid(result: ClusterResult, compounds: ClusterCompound[], pairs: AdjacencyLink[], o: ClusterOptions) {
  const byId = new Map(compounds.map((c) => [c.id, c]));
  const neighbours = new Map<number, Set<number>>();
  for (const { a, b } of pairs) {
    (neighbours.get(a) ?? neighbours.set(a, new Set()).get(a)!).add(b);
    (neighbours.get(b) ?? neighbours.set(b, new Set()).get(b)!).add(a);
  }
  const seen = new Map<number, number>();
  for (const cl of result.clusters) {
    for (const m of cl.members) seen.set(m, (seen.get(m) ?? 0) + 1);
    // contiguous: a search from the first member over member-to-member pairs reaches them all
    const inCluster = new Set(cl.members);
    const reached = new Set([cl.members[0]]);
    const stack = [cl.members[0]];
    while (stack.length)
      for (const y of neighbours.get(stack.pop()!) ?? [])
        if (inCluster.has(y) && !reached.has(y)) {
          reached.add(y);
          stack.push(y);
        }
    expect(reached.size, `cluster ${cl.members} is contiguous`).toBe(cl.members.length);
    const households = cl.members.reduce((s, m) => s + byId.get(m)!.households, 0);
    expect(cl.households).toBe(households);
    expect(households).toBeGreaterThanOrEqual(o.minHouseholds!);
    expect(households).toBeLessThanOrEqual(o.maxHouseholds!);
    let span = 0;
    for (const a of cl.members)
      for (const b of cl.members) {
        const [ax, ay] = metres(byId.get(a)!.centroid),
          [bx, by] = metres(byId.get(b)!.centroid);
        span = Math.max(span, Math.hypot(ax - bx, ay - by));
      }
    expect(span).toBeLessThanOrEqual(o.maxSpanM! + 0.5);
    expect(Math.abs(cl.spanM - span)).toBeLessThan(1);
  }
  for (const u of result.unassigned) seen.set(u.id, (seen.get(u.id) ?? 0) + 1);
  for (const c of compounds) expect(seen.get(c.id), `compound ${c.id} accounted for once`).toBe(1);
  expect(seen.size).toBe(compounds.length);
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: nine clustering cases on the shared grid fixture
describe("clusterCompounds on a grid", () => {
  it("forms contiguous clusters within the household and span limits, and accounts for everyone", () => {
    const { compounds, pairs } = createGrid(5, 6);
    const result = clusterCompounds(compounds, pairs, OPTS);
    expectValid(result, compounds, pairs, OPTS);
    expect(result.clusters.length).toBeGreaterThanOrEqual(6);
    expect(result.spanMetric).toBe("straight-line");
    expect(result.candidateHouseholds).toBe(compounds.reduce((s, c) => s + c.households, 0));
    expect(result.placedHouseholds).toBe(result.clusters.reduce((s, c) => s + c.households, 0));
  });

  it("is deterministic: the same output twice and with compounds and pairs shuffled", () => {
    const { compounds, pairs } = createGrid(5, 6);
    const a = clusterCompounds(compounds, pairs, OPTS);
    const b = clusterCompounds(compounds, pairs, OPTS);
    const c = clusterCompounds(
      shuffle(compounds),
      shuffle(pairs).map((p, k) => (k % 2 ? { a: p.b, b: p.a } : p)),
      OPTS,
    );
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("pairs a line of four 600-household compounds as 1+2 and 3+4 (by hand)", () => {
    const compounds = [1, 2, 3, 4].map((id) => createCompound(id, id * 150, 0, 600));
    const pairs = [
      { a: 1, b: 2 },
      { a: 2, b: 3 },
      { a: 3, b: 4 },
    ];
    const result = clusterCompounds(compounds, pairs, OPTS);
    expect(result.clusters.map((c) => c.members)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(result.clusters[0].spanM).toBeCloseTo(150, 0);
    expect(result.unassigned).toEqual([]);
  });

  it("prefers the neighbour of similar age and with the same gaps", () => {
    // 1 touches 2 (same year, same gaps) and 3 (20 years newer, other gaps), both 100 m away.
    const compounds = [
      createCompound(1, 0, 0, 600, { buildYear: 1985, missing: ["nursery"] }),
      createCompound(2, 100, 0, 600, { buildYear: 1985, missing: ["nursery"] }),
      createCompound(3, -100, 0, 600, { buildYear: 2005, missing: ["pharmacy"] }),
    ];
    const pairs = [
      { a: 1, b: 2 },
      { a: 1, b: 3 },
    ];
    const result = clusterCompounds(compounds, pairs, { ...OPTS, maxHouseholds: 1500 });
    expect(result.clusters.map((c) => c.members)).toEqual([[1, 2]]);
    expect(result.clusters[0].sharedGaps).toEqual(["nursery"]);
    expect(result.clusters[0].meanBuildYear).toBe(1985);
    expect(result.clusters[0].buildYearSpread).toBe(0);
    // d(1,2) = 100/600 (distance) + 0 (years) + 0 (gaps)
    expect(result.clusters[0].heterogeneity).toBeCloseTo(100 / 600, 3);
    expect(result.unassigned).toEqual([
      {
        id: 3,
        reason: "would exceed max households",
        code: "cluster_too_large",
        params: { limit: 1500 },
        detail: expect.stringContaining("1500"),
      },
    ]);
  });

  it("gives every left-out compound its reason", () => {
    const { compounds, pairs } = createGrid(2, 3);
    // isolated, alone too small
    compounds.push(createCompound(50, 5000, 5000, 400));
    // isolated but large enough alone: a cluster of one
    compounds.push(createCompound(51, 7000, 5000, 1200));
    // more households than any cluster may have, next to the grid
    compounds.push(createCompound(60, 1200, 0, 3000));
    pairs.push({ a: 3, b: 60 });
    // a connected pair far away with 700 households together
    compounds.push(createCompound(70, 9000, 0, 300), createCompound(71, 9100, 0, 400));
    pairs.push({ a: 70, b: 71 });
    // a pair whose centroids are 700 m apart (> maxSpanM 600)
    compounds.push(createCompound(80, 0, 9000, 700), createCompound(81, 700, 9000, 700));
    pairs.push({ a: 80, b: 81 });
    const result = clusterCompounds(compounds, pairs, OPTS);
    expectValid(result, compounds, pairs, OPTS);
    const why = Object.fromEntries(result.unassigned.map((u) => [u.id, u]));
    expect(why[50].reason).toBe("no neighbours");
    expect(result.clusters.some((c) => c.members.length === 1 && c.members[0] === 51)).toBe(true);
    expect(why[60].reason).toBe("would exceed max households");
    expect(why[60].detail).toContain("3000");
    expect(why[70].reason).toBe("component too small");
    expect(why[70].detail).toBe("component too small (700 households in 2 compounds)");
    expect(why[80].reason).toBe("would exceed span");
    expect(why[81].reason).toBe("would exceed span");
  });

  it("names the rule: a neighbour that is not a candidate is no_candidate_neighbour, no neighbour at all no_neighbour", () => {
    // 1 and 2: candidates, 100 m apart and neighbours (a cluster of 1,100 households). 10 has one
    // neighbour, 11, which is not a candidate (an already renovated compound, say); 20 has none.
    // 30: 3,000 households alone (too many); 40 + 41: neighbours with 500 households together.
    const compounds = [
      createCompound(1, 0, 0, 500),
      createCompound(2, 100, 0, 600),
      createCompound(10, 3000, 0, 400),
      createCompound(20, 6000, 0, 738),
      createCompound(30, 0, 3000, 3000),
      createCompound(40, 3000, 3000, 200),
      createCompound(41, 3100, 3000, 300),
    ];
    const pairs: AdjacencyLink[] = [
      { a: 1, b: 2 },
      { a: 10, b: 11 },
      { a: 40, b: 41 },
    ];
    const result = clusterCompounds(compounds, pairs, OPTS);
    expectValid(result, compounds, pairs, OPTS);
    expect(result.clusters.map((c) => c.members)).toEqual([[1, 2]]);
    const why = Object.fromEntries(result.unassigned.map((u) => [u.id, u]));
    expect(why[10]).toMatchObject({ reason: "no neighbours", code: "no_candidate_neighbour", params: { neighbours: 1, households: 400, limit: 1000 } });
    expect(why[10].detail).toContain("is a candidate");
    expect(why[20]).toMatchObject({ reason: "no neighbours", code: "no_neighbour", params: { households: 738, limit: 1000 } });
    expect(why[30]).toMatchObject({ code: "too_many_households", params: { value: 3000, limit: 2500 } });
    expect(why[40]).toMatchObject({ code: "too_few_households", params: { value: 500, compounds: 2, limit: 1000 } });
    expect(why[41].code).toBe("too_few_households");
    // Every reason has a code and numbers only.
    for (const u of result.unassigned) for (const v of Object.values(u.params)) expect(typeof v).toBe("number");
  });

  it("measures span on the walk network when given one", () => {
    // Centroids 100 m apart, but their gates lie at the two ends of a 1,100 m street (gates 10 m
    // off it): walk = 10 + 1100 + 10 = 1120 m.
    const at = (id: number, x: number) => {
      const [lon, lat] = lonLat(x, 0);
      return { id, lon, lat };
    };
    const nodes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((k) => at(k + 1, k * 100));
    const edges = nodes.slice(1).map((n, k) => ({ id: k + 1, source: k + 1, target: n.id, lengthM: 100, class: "branch" }));
    const walkGraph = buildWalkGraph({ nodes, edges });
    const compounds = [createCompound(1, 500, 50, 600, { gates: [lonLat(0, 10)] }), createCompound(2, 600, 50, 600, { gates: [lonLat(1100, 10)] })];
    const pairs = [{ a: 1, b: 2 }];
    expect(clusterCompounds(compounds, pairs, { ...OPTS, maxSpanM: 800 }).clusters.map((c) => c.members)).toEqual([[1, 2]]);
    const onNetwork = clusterCompounds(compounds, pairs, { ...OPTS, maxSpanM: 800, walkGraph });
    expect(onNetwork.spanMetric).toBe("network");
    expect(onNetwork.clusters).toEqual([]);
    expect(onNetwork.unassigned.map((u) => u.reason)).toEqual(["would exceed span", "would exceed span"]);
    const [v] = checkCluster([1, 2], compounds, pairs, { ...OPTS, maxSpanM: 800, walkGraph });
    expect(v.code).toBe("span_too_long");
    expect(v.message).toContain("1120 m");
    expect(describeCluster([1, 2], compounds, { ...OPTS, walkGraph }).spanM).toBeCloseTo(1120, 0);
  });

  it("bundles an adjacent professionally managed newer compound (肥瘦搭配) only when asked", () => {
    const compounds = [createCompound(1, 0, 0, 400), createCompound(2, 150, 0, 300)];
    const partners = [
      createCompound(10, 300, 0, 500, { buildYear: 2010, management: "professional" }),
      createCompound(11, -150, 0, 500, { buildYear: 2012, management: "self" }),
    ];
    const pairs = [
      { a: 1, b: 2 },
      { a: 2, b: 10 },
      { a: 1, b: 11 },
    ];
    const plain = clusterCompounds(compounds, pairs, { ...OPTS, partners });
    expect(plain.clusters).toEqual([]);
    expect(plain.unassigned.map((u) => u.reason)).toEqual(["component too small", "component too small"]);
    const bundled = clusterCompounds(compounds, pairs, { ...OPTS, partners, bundleManaged: true });
    expect(bundled.clusters.map((c) => [c.members, c.bundled, c.households])).toEqual([[[1, 2, 10], [10], 1200]]);
    expect(bundled.placedHouseholds).toBe(700);
    expect(bundled.unassigned).toEqual([]);
  });

  it("greedy baseline: valid clusters, every candidate accounted for", () => {
    const { compounds, pairs } = createGrid(5, 6);
    const result = greedyClusters(compounds, pairs, OPTS);
    expectValid(result, compounds, pairs, OPTS);
    expect(result.clusters.length).toBeGreaterThan(0);
    expect(greedyClusters(shuffle(compounds), shuffle(pairs), OPTS)).toEqual(result);
  });

  it("rejects inconsistent options and duplicate ids, naming them", () => {
    const { compounds, pairs } = createGrid(2, 2);
    expect(() => clusterCompounds(compounds, pairs, { ...OPTS, minHouseholds: 6000, maxHouseholds: 5000 })).toThrow(/minHouseholds/);
    expect(() => clusterCompounds([...compounds, compounds[0]], pairs, OPTS)).toThrow(/compound 1 is given twice/);
  });
});

describe("checkCluster", () => {
  const { compounds, pairs } = createGrid(3, 3);
  // ids:  7 8 9 / 4 5 6 / 1 2 3; households 300 + 100·(id mod 5)

  it("accepts a contiguous cluster within the limits", () => {
    expect(checkCluster([1, 2, 4], compounds, pairs, OPTS)).toEqual([]); // 400+500+700 = 1600
  });

  it("reports pieces that do not touch, too few and too many households, and a long span", () => {
    const codes = (ids: number[], o = OPTS) => checkCluster(ids, compounds, pairs, o).map((v) => v.code);
    expect(codes([1, 6])).toEqual(["not_contiguous", "too_few_households"]); // 400 + 400, not touching
    expect(codes([1, 2, 3, 4, 5, 6])).toEqual(["too_many_households"]); // 400+500+600+700+300+400 = 2900
    expect(codes([1, 2, 3, 6, 9])).toEqual(["too_many_households"]); // 2600; the diagonal 565.7 m is within 600 m
    expect(codes([1, 2, 3, 6, 9], { ...OPTS, maxHouseholds: 5000, maxSpanM: 500 })).toEqual(["span_too_long"]);
  });

  it("names the two ends of a span that is too long", () => {
    const [v] = checkCluster([1, 2, 3, 6, 9], compounds, pairs, { ...OPTS, maxHouseholds: 5000, maxSpanM: 500 });
    expect(v.code).toBe("span_too_long");
    expect(v.ids).toEqual([1, 9]); // 400·√2 = 565.7 m, the diagonal
    expect(v.message).toMatch(/566 m/);
  });

  it("reports unknown ids, duplicates and an empty cluster", () => {
    expect(checkCluster([], compounds, pairs, OPTS).map((v) => v.code)).toEqual(["empty"]);
    const v = checkCluster([1, 1, 2, 99], compounds, pairs, OPTS);
    expect(v.map((x) => x.code)).toEqual(["unknown_compound", "duplicate_member", "too_few_households"]);
    expect(v[0].ids).toEqual([99]);
  });
});
