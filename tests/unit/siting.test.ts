import { describe, expect, it } from "vitest";
import { attachPoint, type Attachment } from "../../web/src/analysis/attach.js";
import { createCoverageContext, distancesToFacilities, type CoverageCompound, type CoverageContext } from "../../web/src/analysis/coverage.js";
import { attachCandidates, proposeSites, type SiteProposal } from "../../web/src/analysis/siting.js";
import { buildWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { HAND_PLANE } from "../helpers/geometry.js";

// Hand-built networks; expected picks and gains are worked out by hand in the comments.
const { lonLat, node: at, xy } = HAND_PLANE;
/** x (metres east) of a proposal, rounded. */
const xOf = (p: SiteProposal) => Math.round(xy(...p.lonLat)[0]);

/**
 * One straight street, x = 0 … 2000, a node every 100 m (node index = x / 100). Two clusters of
 * compounds with one gate each, 10 m off the street:
 *   A: compound 1 (100 hh) gate at x = 250, 2 (200 hh) at x = 300, 3 (150 hh) at x = 350 — 450 hh;
 *   B: compound 4 (120 hh) at x = 1450, 5 (80 hh) at x = 1550 — 200 hh.
 * With a 150 m limit, the node at x = 300 reaches all of A (60, 10, 60 m) and is the only node
 * that does (x = 200 is 160 m from the gate at 350, x = 400 is 160 m from the one at 250); the
 * node at x = 1500 alone reaches all of B (60, 60 m).
 */
function twoClusters(): { graph: WalkGraph; compounds: CoverageCompound[] } {
  const nodes = Array.from({ length: 21 }, (_, i) => at(i + 1, i * 100, 0));
  const edges = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, source: i + 1, target: i + 2, lengthM: 100, class: "branch" }));
  const c = (id: number, households: number, x: number, y: number): CoverageCompound => ({ id, households, gates: [lonLat(x, y)] });
  return {
    graph: buildWalkGraph({ nodes, edges }),
    compounds: [c(1, 100, 250, -10), c(2, 200, 300, -10), c(3, 150, 350, -10), c(4, 120, 1450, 10), c(5, 80, 1550, 10)],
  };
}

describe("proposeSites (maximal covering, lazy greedy)", () => {
  it("picks the bigger cluster first, then the other, then stops", () => {
    const { graph, compounds } = twoClusters();
    const sites = proposeSites(createCoverageContext(graph, compounds), { limitM: 150, existing: [], k: 5 });
    expect(sites.map(xOf)).toEqual([300, 1500]);
    expect(sites.map((s) => s.node)).toEqual([3, 15]);
    expect(sites.map((s) => s.gainHouseholds)).toEqual([100 + 200 + 150, 120 + 80]);
    expect(sites.map((s) => [...s.coveredCompoundIds].sort())).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(sites[0].candidateIndex).toBeUndefined();
  });

  it("returns at most k sites", () => {
    const { graph, compounds } = twoClusters();
    expect(proposeSites(createCoverageContext(graph, compounds), { limitM: 150, existing: [], k: 1 }).map(xOf)).toEqual([300]);
    expect(proposeSites(createCoverageContext(graph, compounds), { limitM: 150, existing: [], k: 0 })).toEqual([]);
  });

  it("chooses among given candidate points and skips those off the network", () => {
    const { graph, compounds } = twoClusters();
    const ctx = createCoverageContext(graph, compounds);
    // (310, 5): 75 m from the gate at 250 (60 to node 300, 10 along, 5 across), 55 m from the one at
    // 350 (same segment: 40 along + 10 + 5), 25 m from the one at 300: all of A. (1490, −5): 55 and
    // 75 m: all of B. (800, 5) reaches nobody; (5000, 5000) is far from every street.
    const candidates: Array<[number, number]> = [lonLat(800, 5), lonLat(310, 5), lonLat(1490, -5), lonLat(5000, 5000)];
    const sites = proposeSites(ctx, { limitM: 150, existing: [], k: 5, candidates });
    expect(sites.map((s) => s.candidateIndex)).toEqual([1, 2]);
    expect(sites.map((s) => s.lonLat)).toEqual([candidates[1], candidates[2]]);
    expect(sites.map((s) => s.gainHouseholds)).toEqual([450, 200]);
    expect(sites[0].node).toBeUndefined();
    expect(attachCandidates(ctx, candidates).unattached).toEqual([3]);
  });

  it("reaches a candidate on the gate's own street directly, not by way of its ends", () => {
    // One 1000 m street; a gate 10 m south of x = 500 and a candidate 10 m north of x = 520 are
    // 20 + 10 + 10 = 40 m apart, though each is 500 m from either end.
    const graph = buildWalkGraph({ nodes: [at(1, 0, 0), at(2, 1000, 0)], edges: [{ id: 1, source: 1, target: 2, lengthM: 1000, class: "branch" }] });
    const ctx = createCoverageContext(graph, [{ id: 7, households: 90, gates: [lonLat(500, -10)] }]);
    const sites = proposeSites(ctx, { limitM: 50, existing: [], k: 3, candidates: [lonLat(520, 10)] });
    expect(sites.map((s) => [s.candidateIndex, s.gainHouseholds, s.coveredCompoundIds])).toEqual([[0, 90, [7]]]);
    expect(proposeSites(ctx, { limitM: 30, existing: [], k: 3, candidates: [lonLat(520, 10)] })).toEqual([]);
  });

  it("gives no gain for compounds an existing facility already reaches", () => {
    const { graph, compounds } = twoClusters();
    const ctx = createCoverageContext(graph, compounds);
    const att = (x: number, y: number) => attachPoint(graph, ctx.index, ...lonLat(x, y))!;
    // A facility on the street at x = 1500 covers B: only A is left to gain.
    const onlyA = proposeSites(ctx, { limitM: 150, existing: [att(1500, 0)], k: 5 });
    expect(onlyA.map(xOf)).toEqual([300]);
    expect(onlyA[0].gainHouseholds).toBe(450);
    // A facility at x = 150 covers compound 1 (110 m) but not 2 (160 m). Nodes 300 and 400 then both
    // reach 2 and 3 (350 hh): the tie goes to the lower index, x = 300.
    const rest = proposeSites(ctx, { limitM: 150, existing: [att(150, 0)], k: 5 });
    expect(rest.map(xOf)).toEqual([300, 1500]);
    expect(rest.map((s) => s.gainHouseholds)).toEqual([350, 200]);
    expect(rest.map((s) => [...s.coveredCompoundIds].sort())).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it("matches a plain greedy on a random-ish grid, for nodes and for candidate points", () => {
    const { ctx, existing, points } = randomCity();
    const limitM = 250;
    // Node candidates: a node is a point at the end of one of its edges.
    const nodeAtt = (v: number): Attachment => {
      const e = ctx.graph.adjEdges[ctx.graph.adjOffsets[v]];
      return { edge: e, t: ctx.graph.edgeSource[e] === v ? 0 : 1, connectorM: 0 };
    };
    const nodeSites = proposeSites(ctx, { limitM, existing, k: 12 });
    const nodePlain = plainGreedy(
      ctx,
      Array.from({ length: ctx.graph.nodeCount }, (_, v) => nodeAtt(v)),
      existing,
      limitM,
      12,
    );
    expect(nodePlain.length).toBeGreaterThan(3);
    expect(nodeSites.map((s) => [s.node, s.gainHouseholds, [...s.coveredCompoundIds].sort((a, b) => a - b)])).toEqual(nodePlain);

    const pointSites = proposeSites(ctx, { limitM, existing, k: 12, candidates: points });
    const { attachments } = attachCandidates(ctx, points);
    const pointPlain = plainGreedy(ctx, attachments, existing, limitM, 12);
    expect(pointPlain.length).toBeGreaterThan(3);
    expect(pointSites.map((s) => [s.candidateIndex, s.gainHouseholds, [...s.coveredCompoundIds].sort((a, b) => a - b)])).toEqual(pointPlain);
  });
});

/** A deterministic pseudo-random sequence in [0, 1). */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A 10 × 10 grid of 100 m blocks with 40 compounds (1–2 gates, 20–500 households) at random places. */
function randomCity() {
  const rnd = lcg(20240611);
  const nodes = [];
  const edges = [];
  const id = (c: number, r: number) => r * 10 + c + 1;
  let e = 1;
  for (let r = 0; r < 10; r++)
    for (let c = 0; c < 10; c++) {
      nodes.push(at(id(c, r), c * 100, r * 100));
      if (c < 9) edges.push({ id: e++, source: id(c, r), target: id(c + 1, r), lengthM: 100, class: "branch" });
      if (r < 9) edges.push({ id: e++, source: id(c, r), target: id(c, r + 1), lengthM: 100, class: "branch" });
    }
  const graph = buildWalkGraph({ nodes, edges });
  const compounds: CoverageCompound[] = Array.from({ length: 40 }, (_, i) => ({
    id: 101 + i,
    households: 20 + Math.floor(rnd() * 480),
    gates: Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => lonLat(rnd() * 900, rnd() * 900)),
  }));
  const ctx = createCoverageContext(graph, compounds);
  const existing = [attachPoint(graph, ctx.index, ...lonLat(450, 430))!];
  const points = Array.from({ length: 60 }, () => lonLat(rnd() * 900, rnd() * 900));
  return { ctx, existing, points };
}

/**
 * The textbook greedy, with coverage taken from coverage.ts (one facility at a time): every round
 * re-scores every candidate and takes the largest gain, the lowest index on ties.
 */
function plainGreedy(ctx: CoverageContext, cands: Array<Attachment | undefined>, existing: Attachment[], limitM: number, k: number) {
  const n = ctx.compounds.length;
  const pre = distancesToFacilities(ctx, existing);
  const covered = Array.from({ length: n }, (_, i) => pre[i] <= limitM);
  const sets = cands.map((a) => {
    if (!a) return [];
    const d = distancesToFacilities(ctx, [a]);
    return Array.from({ length: n }, (_, i) => i).filter((i) => d[i] <= limitM);
  });
  const out: Array<[number, number, number[]]> = [];
  for (let round = 0; round < k; round++) {
    let best = -1,
      bestGain = 0;
    sets.forEach((set, c) => {
      const gain = set.filter((i) => !covered[i]).reduce((s, i) => s + ctx.compounds[i].households, 0);
      if (gain > bestGain) {
        best = c;
        bestGain = gain;
      }
    });
    if (best < 0) break;
    const ids = sets[best]
      .filter((i) => !covered[i])
      .map((i) => ctx.compounds[i].id)
      .sort((a, b) => a - b);
    for (const i of sets[best]) covered[i] = true;
    out.push([best, bestGain, ids]);
  }
  return out;
}
