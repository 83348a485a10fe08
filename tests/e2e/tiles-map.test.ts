import { describe, expect, it } from "vitest";
import { geodesicM } from "../../web/src/analysis/geo.js";
import { COVERAGE_RAMP } from "../../web/src/map/palette.js";
import { scoreColor } from "../../web/src/views/coverage/model.js";
import { expectText, mapIdle, recordRequests, saveScreenshot, setUpAppInBrowser, WAIT_MS } from "../helpers/browser.js";

// The map of a city larger than a district draws its base layers from the API's vector tiles
// (issue 16, point 2). The demo city is one district, so this app is told to draw from tiles
// always (MAP_TILES=always): every compound of the city is drawn from tiles, the big layers are
// never loaded as GeoJSON, and the coverage colours join onto the tile features by id. A proposed
// facility dragged on that map recolours the compounds while it moves (issue 16, point 4).

const app = setUpAppInBrowser({ clientConfig: { mapTiles: "always" } });
const tid = (id: string) => `[data-testid=${id}]`;
const READY = `${tid("coverage-panel")}[data-status=ready][data-computing=false]`;

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

describe("dragging a proposed facility", () => {
  it("recolours the compounds while the facility is dragged, and the scenario keeps where it was dropped", async () => {
    const page = await app.openPage("/?view=coverage&category=kindergarten", { role: "planner" });
    await page.waitForSelector(READY, { timeout: WAIT_MS });
    const covered = scoreColor(1),
      lacking = scoreColor(0);
    // Two compounds without a kindergarten, far apart: the facility goes to one's gate, then is dragged to the other's.
    const gates = (await (await fetch(`${app.url}/api/gates`)).json()).features as Array<{
      properties: { compoundId: number };
      geometry: { coordinates: [number, number] };
    }>;
    const lackingIds = await page.evaluate(
      ([ids, colour]) => ids.filter((id) => window.__renewalMap!.getFeatureState({ source: "compounds", sourceLayer: "compounds", id }).cov === colour),
      [[...new Set(gates.map((g) => g.properties.compoundId))], lacking] as const,
    );
    const gateOf = (id: number) => gates.find((g) => g.properties.compoundId === id)!.geometry.coordinates;
    const from = lackingIds[0];
    const to = lackingIds.reduce((best, id) => (geodesicM(gateOf(id), gateOf(from)) > geodesicM(gateOf(best), gateOf(from)) ? id : best), from);
    expect(geodesicM(gateOf(from), gateOf(to))).toBeGreaterThan(1000);
    const stateOf = (id: number) => page.evaluate((id) => window.__renewalMap!.getFeatureState({ source: "compounds", sourceLayer: "compounds", id }).cov, id);
    // Both gates on screen.
    await page.evaluate(
      ([p, q]) =>
        window.__renewalMap!.fitBounds(
          [
            [Math.min(p[0], q[0]), Math.min(p[1], q[1])],
            [Math.max(p[0], q[0]), Math.max(p[1], q[1])],
          ],
          { padding: 150, duration: 0 },
        ),
      [gateOf(from), gateOf(to)] as const,
    );
    await mapIdle(page);
    const box = (await page.locator("canvas.maplibregl-canvas").boundingBox())!;
    const pixel = (lonLat: [number, number]) =>
      page.evaluate((p) => {
        const q = window.__renewalMap!.project(p);
        return { x: q.x, y: q.y };
      }, lonLat);

    // Propose a kindergarten at the first compound's gate.
    await page.selectOption(tid("whatif-category"), "kindergarten");
    await page.click(tid("whatif-add"));
    const a = await pixel(gateOf(from));
    await page.mouse.click(box.x + a.x, box.y + a.y);
    await page.waitForSelector(tid("whatif-change"));
    await page.waitForFunction(
      ([id, colour]) => window.__renewalMap!.getFeatureState({ source: "compounds", sourceLayer: "compounds", id }).cov === colour,
      [from, covered] as const,
      {
        timeout: WAIT_MS,
      },
    );
    await mapIdle(page);

    // Drag it to the other's gate: before the button is released, the other compound is covered and the first is not.
    const placed = await page.evaluate(() => {
      const map = window.__renewalMap!;
      const f = map.querySourceFeatures("analysis").find((x) => x.properties.layer === "proposed")!;
      const q = map.project((f.geometry as unknown as { coordinates: [number, number] }).coordinates);
      return { x: q.x, y: q.y };
    });
    const b = await pixel(gateOf(to));
    await page.mouse.move(box.x + placed.x, box.y + placed.y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + placed.x + ((b.x - placed.x) * i) / 20, box.y + placed.y + ((b.y - placed.y) * i) / 20);
    await page.waitForFunction(
      ([id, colour]) => window.__renewalMap!.getFeatureState({ source: "compounds", sourceLayer: "compounds", id }).cov === colour,
      [to, covered] as const,
      {
        timeout: WAIT_MS,
      },
    );
    expect(await page.evaluate(() => window.__renewalMap!.getCanvas().dataset.dragging ?? null)).not.toBeNull();
    expect(await stateOf(from)).toBe(lacking);
    await saveScreenshot(page, "whatif-dragging");
    await page.mouse.up();
    await page.waitForSelector(READY, { timeout: WAIT_MS });
    // Dropped: the map did not pan, one change is listed, and the proposal stands at the drop point.
    const b2 = await pixel(gateOf(to));
    expect(Math.hypot(b2.x - b.x, b2.y - b.y)).toBeLessThan(1);
    expect(await page.locator(tid("whatif-change")).count()).toBe(1);
    expect(await stateOf(to)).toBe(covered);
  }, 180_000);
});
