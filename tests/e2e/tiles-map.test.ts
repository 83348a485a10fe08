import { describe, expect, it } from "vitest";
import { COVERAGE_RAMP } from "../../web/src/map/palette.js";
import { expectText, mapIdle, recordRequests, saveScreenshot, setUpAppInBrowser, WAIT_MS } from "../helpers/browser.js";

// The map of a city larger than a district draws its base layers from the API's vector tiles
// (issue 16, point 2). The demo city is one district, so this app is told to draw from tiles
// always (MAP_TILES=always): every compound of the city is drawn from tiles, the big layers are
// never loaded as GeoJSON, and the coverage colours join onto the tile features by id.

const app = setUpAppInBrowser({ clientConfig: { mapTiles: "always" } });
const READY = "[data-testid=coverage-panel][data-status=ready][data-computing=false]";

describe("a city drawn from vector tiles", () => {
  it("draws every compound from tiles, never loads the big layers as GeoJSON, and colours compounds by coverage through feature state", async () => {
    const config = await (await fetch(`${app.url}/api/config`)).json();
    expect(config.tiledLayers).toEqual(["compounds", "buildings", "streets", "water"]);
    let log: ReturnType<typeof recordRequests> | undefined;
    const page = await app.openPage("/?view=coverage", {
      prepare: (p) => {
        log = recordRequests(p);
      },
    });
    await page.waitForSelector(READY, { timeout: WAIT_MS });
    const sourceTypes = await page.evaluate(() => {
      const map = window.__renewalMap!;
      return ["compounds", "buildings", "streets", "water", "gates"].map((id) => map.getSource(id)?.type);
    });
    expect(sourceTypes).toEqual(["vector", "vector", "vector", "vector", "geojson"]);
    const paths = log!.urls.map((u) => new URL(u).pathname);
    for (const layer of ["streets", "water", "buildings"]) expect(paths, `/api/${layer} as GeoJSON`).not.toContain(`/api/${layer}`);
    expect(paths.some((p) => /^\/api\/tiles\/compounds\/\d+\/\d+\/\d+\.mvt$/.test(p))).toBe(true);

    // The whole city on screen: every compound the API lists is drawn, from tiles.
    const all = await (await fetch(`${app.url}/api/compounds?limit=5000`)).json();
    const ids = all.features.map((f: { properties: { id: number } }) => f.properties.id).sort((a: number, b: number) => a - b);
    const points = (c: unknown): number[][] => (typeof (c as unknown[])[0] === "number" ? [c as number[]] : (c as unknown[]).flatMap(points));
    const coords = all.features.flatMap((f: { geometry: { coordinates: unknown } }) => points(f.geometry.coordinates));
    const bounds = [
      Math.min(...coords.map((c: number[]) => c[0])),
      Math.min(...coords.map((c: number[]) => c[1])),
      Math.max(...coords.map((c: number[]) => c[0])),
      Math.max(...coords.map((c: number[]) => c[1])),
    ];
    await page.evaluate((b) => {
      window.__renewalMap!.fitBounds(
        [
          [b[0], b[1]],
          [b[2], b[3]],
        ],
        { padding: 20, duration: 0 },
      );
    }, bounds);
    await mapIdle(page);
    const drawn = await page.evaluate(() => {
      const map = window.__renewalMap!;
      const features = map.queryRenderedFeatures({ layers: ["compounds-fill"] });
      const byId = new Map<number, string | null>();
      for (const f of features) byId.set(Number(f.id), (f.state?.cov as string | undefined) ?? null);
      return { ids: [...byId.keys()].sort((a, b) => a - b), colours: [...byId.values()], sourceLayers: [...new Set(features.map((f) => f.sourceLayer))] };
    });
    expect(drawn.sourceLayers).toEqual(["compounds"]);
    expect(drawn.ids).toEqual(ids);
    // Every compound has its coverage colour, from the score ramp, and the city is not one colour.
    const ramp = new Set<string>(COVERAGE_RAMP);
    expect(drawn.colours.filter((c) => c === null)).toEqual([]);
    expect(drawn.colours.every((c) => ramp.has(c!))).toBe(true);
    expect(new Set(drawn.colours).size).toBeGreaterThan(1);
    await saveScreenshot(page, "tiles-coverage-city");

    // A click on a compound drawn from a tile selects it (feature state "selected" by id).
    const target = await page.evaluate(() => {
      const map = window.__renewalMap!;
      const f = map.queryRenderedFeatures({ layers: ["compounds-fill"] })[0];
      const c = map.getCanvas();
      for (let y = 20; y < c.clientHeight; y += 10)
        for (let x = 20; x < c.clientWidth; x += 10) {
          const hit = map.queryRenderedFeatures([x, y], { layers: ["compounds-fill"] })[0];
          if (hit && hit.id === f.id) return { id: Number(f.id), x, y };
        }
      return null;
    });
    expect(target).not.toBeNull();
    const box = (await page.locator("canvas.maplibregl-canvas").boundingBox())!;
    await page.mouse.click(box.x + target!.x, box.y + target!.y);
    await page.waitForFunction((id) => new URLSearchParams(location.search).get("compound") === String(id), target!.id, { timeout: WAIT_MS });
    await mapIdle(page);
    const selected = await page.evaluate(
      (id) => window.__renewalMap!.getFeatureState({ source: "compounds", sourceLayer: "compounds", id }).selected,
      target!.id,
    );
    expect(selected).toBe(true);
    await expectText(page, "[data-testid=compound-name]", /\S/);
  });
});
