import { describe, expect, it } from "vitest";
import { NO_TAGS, NodeStore, type OsmNode } from "../../server/import/osm-types.js";

// The import's node store (typed arrays) against a Map, the structure it replaced.

describe("the OSM node store", () => {
  it("answers as a Map does, for ids in order, out of order and repeated", () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const order of ["ascending", "shuffled"] as const) {
      const store = new NodeStore();
      const map = new Map<number, OsmNode>();
      for (let i = 0; i < 5000; i++) {
        // Mostly ascending ids with some repeats; shuffled: any id, any order, repeats.
        const id = order === "ascending" ? Math.floor(i / 1.3) + 1 : Math.floor(rnd() * 3000) + 1;
        const tags = rnd() < 0.1 ? { amenity: "bench", n: String(i) } : NO_TAGS;
        const node = { lon: 116 + rnd(), lat: 39 + rnd(), tags };
        store.set(id, node);
        map.set(id, node);
      }
      expect(store.size).toBe(map.size);
      const sorted = [...map.keys()].sort((a, b) => a - b);
      expect([...store.keys()]).toEqual(sorted);
      for (const id of sorted) expect(store.get(id)).toEqual(map.get(id));
      expect([...store].map(([id]) => id)).toEqual(sorted);
      expect([...store.values()]).toEqual(sorted.map((id) => map.get(id)));
      expect(store.get(0)).toBeUndefined();
      expect(store.has(sorted[0])).toBe(true);
      expect(store.has(999_999)).toBe(false);
    }
  });

  it("holds large ids and negative ones (new, unsaved OSM elements) exactly", () => {
    const store = new NodeStore();
    for (const id of [2 ** 40, -5, 7, 2 ** 40 + 1]) store.set(id, { lon: 1, lat: 2, tags: {} });
    expect([...store.keys()]).toEqual([-5, 7, 2 ** 40, 2 ** 40 + 1]);
    expect(store.get(2 ** 40 + 1)).toEqual({ lon: 1, lat: 2, tags: {} });
  });
});
