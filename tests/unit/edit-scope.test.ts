import { describe, expect, it } from "vitest";
import { ALL_LAYERS, layersChangedBy } from "../../web/src/api/edit-scope.js";

// After an edit the app reloads the layers the write changed, and no others (issue 15, point 9).
// Each row is a write the compound editor sends (web/src/components/editor/*).

describe("the layers an edit changes", () => {
  it("an item or a gate its own layer, a building its layer and its items, a compound the compounds", () => {
    const cases: Array<[Parameters<typeof layersChangedBy>[0], string, readonly string[]]> = [
      ["POST", "/api/compounds/7/items", ["items"]],
      ["PATCH", "/api/items/12", ["items"]],
      ["DELETE", "/api/items/12?version=3", ["items"]],
      ["POST", "/api/items/12/status", ["items"]],
      ["POST", "/api/compounds/7/items/status", ["items"]],
      ["POST", "/api/compounds/7/gates", ["gates"]],
      ["PATCH", "/api/gates/4", ["gates"]],
      ["DELETE", "/api/gates/4?version=1", ["gates"]],
      ["PATCH", "/api/buildings/9", ["buildings", "items"]],
      ["PATCH", "/api/compounds/7", ["compounds"]],
      ["POST", "/api/compounds", ["compounds"]],
      ["POST", "/api/compounds/7/status", ["compounds", "items"]],
      ["DELETE", "/api/compounds/7?version=2", ALL_LAYERS],
      ["POST", "/api/imports", ALL_LAYERS],
    ];
    for (const [method, url, layers] of cases) expect(layersChangedBy(method, url), `${method} ${url}`).toEqual(layers);
  });
});
