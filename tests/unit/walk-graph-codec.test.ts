import { describe, expect, it } from "vitest";
import { engineInputs } from "../../geodata/generator/engine-inputs.js";
import { buildWalkGraph, decodeWalkGraph, encodeWalkGraph } from "../../web/src/analysis/walk-graph.js";

// The compact walk graph (quantised coordinates, varint steps, CSR rebuilt by the reader) against
// the graph it was written from.

describe("the compact walk graph", () => {
  it("round-trips ids exactly and coordinates and lengths within their quanta, whatever the order", () => {
    // Ids beyond 32 bits, edges listed with falling ids and targets below their sources, one
    // edge between far-apart nodes, coordinates with more decimals than the quantum.
    const nodes = [
      { id: 5, lon: 116.33812345678, lat: 39.99123456789 },
      { id: 2 ** 40 + 3, lon: 116.3391, lat: 39.9921 },
      { id: 7, lon: -0.00000004, lat: -33.0000000449 },
      { id: 6, lon: 179.9999999, lat: 0 },
    ];
    const edges = [
      { id: 900, source: 2 ** 40 + 3, target: 5, lengthM: 123.456789, class: "alley" },
      { id: 12, source: 5, target: 7, lengthM: 0.00004, class: "arterial" },
      { id: 2 ** 41, source: 6, target: 5, lengthM: 9_876_543.21, class: "alley" },
    ];
    const g = buildWalkGraph({ nodes, edges });
    const d = decodeWalkGraph(encodeWalkGraph(g));
    expect([...d.nodeIds]).toEqual([...g.nodeIds]);
    expect([...d.edgeIds]).toEqual([...g.edgeIds]);
    expect([...d.edgeSource]).toEqual([...g.edgeSource]);
    expect([...d.edgeTarget]).toEqual([...g.edgeTarget]);
    expect([...d.adjOffsets]).toEqual([...g.adjOffsets]);
    expect([...d.adjTargets]).toEqual([...g.adjTargets]);
    expect([...d.adjEdges]).toEqual([...g.adjEdges]);
    expect(d.classes).toEqual(g.classes);
    expect([...d.edgeClass]).toEqual([...g.edgeClass]);
    for (let i = 0; i < 2 * g.nodeCount; i++) expect(Math.abs(d.nodeLonLat[i] - g.nodeLonLat[i])).toBeLessThanOrEqual(0.5e-7 + 1e-15);
    for (let e = 0; e < g.edgeCount; e++) expect(Math.abs(d.edgeLengthM[e] - g.edgeLengthM[e])).toBeLessThanOrEqual(0.5e-4 + 1e-9);
  });

  it("takes a few bytes per edge on the demo city, not the 60 of plain typed arrays", () => {
    const { graph } = engineInputs(1);
    const body = encodeWalkGraph(graph);
    // Plain arrays: 28 bytes per node (id, lon, lat, row pointer) and 41 per edge (id, ends,
    // length, class, two adjacency entries of 8).
    const plain = 28 * graph.nodeCount + 41 * graph.edgeCount;
    expect(body.length).toBeLessThan(plain / 4);
    expect(decodeWalkGraph(body).edgeCount).toBe(graph.edgeCount);
  });

  it("refuses what is not a walk graph of this version, or a section cut short", () => {
    const body = encodeWalkGraph(engineInputs(1).graph);
    expect(() => decodeWalkGraph(new TextEncoder().encode("WALKGRF1 and then some"))).toThrow(/not a walk graph/);
    const cut = body.slice(0, body.length - 1);
    expect(() => decodeWalkGraph(cut)).toThrow();
  });
});
