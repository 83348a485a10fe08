import { describe, expect, it } from "vitest";
import { baseStyle, compoundOpacity, layerVisibility, withBasemap } from "../../web/src/map/style.js";
import { formatUrlState, parseUrlState } from "../../web/src/state/url.js";
import type { StyleSpecification } from "maplibre-gl";

describe("the map style", () => {
  it("requests nothing outside the app: no glyphs, no sprite, fonts from our own origin", () => {
    const style = baseStyle();
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const urls = Object.values(style["font-faces"]!)
      .flat()
      .map((f) => (typeof f === "string" ? f : f.url));
    expect(urls.length).toBe(2);
    for (const u of urls) expect(new URL(u).origin).toBe("http://localhost");
    for (const src of Object.values(style.sources)) expect(src.type).toBe("geojson");
    // Every symbol layer uses the font the style serves.
    for (const l of style.layers.filter((l) => l.type === "symbol")) {
      expect((l.layout as Record<string, unknown>)["text-font"]).toEqual(["Noto Sans Regular"]);
    }
  });

  it("has the layers the views rely on", () => {
    const ids = baseStyle().layers.map((l) => l.id);
    for (const id of [
      "compounds-fill",
      "buildings-fill",
      "buildings-3d",
      "gates-circle",
      "amenities-circle",
      "amenities-label",
      "streets-line",
      "water-fill",
    ]) {
      expect(ids).toContain(id);
    }
    expect(layerVisibility("progress", false)["amenities-circle"]).toBe(false);
    expect(layerVisibility("coverage", false)["amenities-circle"]).toBe(true);
    expect(layerVisibility("planner", true)["buildings-3d"]).toBe(true);
    expect(layerVisibility("planner", true)["buildings-fill"]).toBe(false);
    // Completed additions show in the public progress view and for planners.
    expect(layerVisibility("progress", false)["items-circle"]).toBe(true);
    expect(layerVisibility("planner", false)["items-label"]).toBe(true);
    expect(layerVisibility("coverage", false)["items-circle"]).toBe(false);
  });

  it("gives parking, chargers, sheds and elevators each their own mark and colour", () => {
    const label = baseStyle().layers.find((l) => l.id === "items-label")!;
    const field = JSON.stringify((label as { layout: Record<string, unknown> }).layout["text-field"]);
    for (const [kind, mark] of [
      ["parking_space", "P"],
      ["charging_pile", "充"],
      ["charging_shed", "棚"],
      ["elevator", "梯"],
    ]) {
      expect(field).toContain(`"${kind}","${mark}"`);
    }
    const colour = JSON.stringify((baseStyle().layers.find((l) => l.id === "items-circle") as { paint: Record<string, unknown> }).paint["circle-color"]);
    const colours = ["parking_space", "charging_pile", "charging_shed", "elevator"].map((k) => JSON.parse(colour).at(JSON.parse(colour).indexOf(k) + 1));
    expect(new Set(colours).size).toBe(4);
  });

  it("fades compounds outside the chosen plan year", () => {
    expect(JSON.stringify(compoundOpacity(2020))).toContain("2020");
    expect(JSON.stringify(compoundOpacity(null))).not.toContain("planYear");
    // Analysis views tone compounds down so buildings, gates and facilities read on top.
    expect(JSON.stringify(compoundOpacity(null, "planner"))).toContain("0.35");
  });

  it("draws our layers over an external basemap when one is configured", () => {
    const external: StyleSpecification = {
      version: 8,
      glyphs: "https://example.org/{fontstack}/{range}.pbf",
      sources: { tdt: { type: "raster", tiles: ["https://example.org/{z}/{x}/{y}.png"], tileSize: 256 } },
      layers: [{ id: "tdt", type: "raster", source: "tdt" }],
    };
    const merged = withBasemap(external);
    expect(merged.layers[0].id).toBe("tdt");
    expect(merged.layers.some((l) => l.type === "background")).toBe(false);
    expect(Object.keys(merged.sources)).toEqual(expect.arrayContaining(["tdt", "compounds", "streets"]));
    expect(merged.glyphs).toBe(external.glyphs);
  });
});

describe("URL state", () => {
  it("round-trips view, year, compound, map position, the chosen category, colour mode and scenario", () => {
    const s = {
      view: "coverage" as const,
      year: 2020,
      compound: 17,
      map: { zoom: 15.5, lat: 33.61234, lon: 114.64321 },
      category: "kindergarten",
      colour: "distance",
      scenario: 4,
    };
    const q = formatUrlState(s);
    expect(q).toBe("?view=coverage&year=2020&compound=17&category=kindergarten&colour=distance&scenario=4&map=15.50/33.61234/114.64321");
    expect(parseUrlState(q)).toEqual(s);
  });

  it("takes any plan year a link names, not a fixed range (the progress view lists the data's years)", () => {
    expect(parseUrlState("?year=2027").year).toBe(2027);
    expect(parseUrlState("?year=2031").year).toBe(2031);
    expect(parseUrlState("?year=20x1").year).toBe(null);
  });

  it("ignores values it cannot use instead of failing", () => {
    expect(parseUrlState("?view=root&year=1999&compound=-4&map=x&category=<b>&colour=<i>&scenario=1.5")).toEqual({
      view: "progress",
      year: null,
      compound: null,
      map: null,
      category: null,
      colour: null,
      scenario: null,
    });
  });
});
