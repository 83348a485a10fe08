import * as maplibregl from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useCallback, useEffect, useRef, useState } from "react";
import { bboxOf } from "../analysis/geo";
import type { MapPosition, View } from "../state/url";
import {
  AMENITY_LAYERS,
  amenityFilter,
  baseStyle,
  buildingColor,
  compoundColor,
  compoundOpacity,
  layerVisibility,
  regionSource,
  tileUrl,
  withBasemap,
  withTiles,
  type RegionLevel,
} from "./style";

// MapLibre looks for its worker next to the bundle chunk; point it at the file Vite emitted.
maplibregl.setWorkerUrl(workerUrl);

declare global {
  /** For browser tests only (they wait on the map's idle and read rendered features); the app itself never reads it. */
  interface Window {
    __renewalMap?: maplibregl.Map;
  }
}

type GeoJSONData = { type: "FeatureCollection"; features: unknown[] };

export interface MapData {
  compounds?: GeoJSONData;
  buildings?: GeoJSONData;
  gates?: GeoJSONData;
  amenities?: GeoJSONData;
  streets?: GeoJSONData;
  water?: GeoJSONData;
  /** Completed renovation items with a place on the map. */
  items?: GeoJSONData;
  /** Subdistrict (街道) and community (社区) boundaries. */
  subdistricts?: GeoJSONData;
  communities?: GeoJSONData;
  /** Residents' published messages: a point per compound with its count. */
  feedback?: GeoJSONData;
}

export interface MapViewProps {
  data: MapData;
  view: View;
  year: number | null;
  selectedId: number | null;
  /** Fly to the selected compound when this counter changes (search picks, not map clicks). */
  flyRequest: number;
  show3d: boolean;
  initialPosition: MapPosition | null;
  /** Region to show first when the URL has no map position: [minLon, minLat, maxLon, maxLat]. */
  initialBounds?: [number, number, number, number];
  onSelect(id: number | null): void;
  onMove(pos: MapPosition): void;
  loadingLabel: string;
  attribution: string;
  /** An external basemap style to draw beneath our layers (optional; off by default). */
  externalStyle?: maplibregl.StyleSpecification;
  /** Layers drawn from the API's vector tiles instead of GeoJSON (the server says which: a city larger than a district). */
  tiledLayers?: readonly string[];
  /** Bumped when tiled layers' data changed (after an edit): the map fetches their tiles anew. */
  tileVersion?: number;
  /** While set, the next click on the map picks a point (placing a gate or an item) instead of selecting. */
  picking: boolean;
  onPickPoint(lonLat: [number, number]): void;
  /** The selected compound's items with geometry and its gates, drawn on top. */
  selection?: GeoJSONData;
  /** Coverage view: a fill colour per compound id (compounds not listed are grey). */
  compoundColors?: Map<number, string>;
  /** Coverage view: isochrones, proposed and suggested facilities (features with a `layer` property). */
  analysis?: GeoJSONData;
  /** Ask the map to show this region ([minLon, minLat, maxLon, maxLat]) when the counter changes. */
  fitRequest?: { n: number; bounds: [number, number, number, number] };
  /** The map once created, and null when it goes (e.g. to take it as an image for a report). */
  onMap?(map: maplibregl.Map | null): void;
  /** Coverage view: a roll-up choropleth, a fill colour per subdistrict or community id (the compounds' fills give way). */
  regions?: { level: RegionLevel; colours: Map<number, string> };
  /** Coverage view: the chosen facility category; the map draws only its facilities (null: all). */
  amenityCategory?: string | null;
  /** Planner view: a click on a building (its id and compound) picks it for the elevator form; without it buildings are not clickable. */
  onPickBuilding?(building: { id: number; compoundId: number }): void;
  /** The picked building, outlined in the selection colour (null: none). */
  pickedBuilding?: number | null;
  /** A proposed facility (the overlay's "proposed" point with `key`) dragged to a new place; without it they stay put. */
  onDragProposed?(key: string, lonLat: [number, number]): void;
  /** What a click on a facility shows in its popup (a title and lines of text); without it facilities are not clickable. */
  describeAmenity?(properties: Record<string, unknown>): AmenityCard;
}

/**
 * A facility's popup: its name and lines such as its category and walking limit; `later`, lines
 * that take a computation (who it serves), shown as `pending` until they come.
 */
export interface AmenityCard {
  title: string;
  lines: string[];
  later?: { pending: string; lines: Promise<string[]> };
}

/** Bounding box of a GeoJSON geometry's coordinates ([minLon, minLat, maxLon, maxLat], geo.ts's `bboxOf`). */
export function geometryBounds(geometry: { coordinates: unknown }): [number, number, number, number] {
  return bboxOf(geometry.coordinates);
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one MapLibre map: the component holds it and one effect per prop the map follows
export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [styleLoaded, setStyleLoaded] = useState(false);
  const [ready, setReady] = useState(false);
  // Ready signal for data: `data-version` on the map element is the number of data pushes the map
  // has drawn (set on the first `idle` after each push), so a caller can wait for a reload to show.
  const pushes = useRef(0);
  const [drawnVersion, setDrawnVersion] = useState(0);
  const propsRef = useRef(props);
  const attributionRef = useRef<maplibregl.AttributionControl | null>(null);
  const popupRef = useRef<maplibregl.Popup | null>(null);
  propsRef.current = props;

  // Create the map once; React StrictMode mounts twice, so clean up fully.
  useEffect(() => {
    const p = propsRef.current;
    const map = new maplibregl.Map({
      container: container.current!,
      style: withTiles(p.externalStyle ? withBasemap(p.externalStyle) : baseStyle(), p.tiledLayers ?? [], window.location.origin),
      center: p.initialPosition ? [p.initialPosition.lon, p.initialPosition.lat] : [114.64, 33.62],
      zoom: p.initialPosition?.zoom ?? 13,
      attributionControl: false,
      maxPitch: 70,
      // Keep the last frame readable, so the printable report can take the map as an image.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    attributionRef.current = new maplibregl.AttributionControl({ compact: true, customAttribution: p.attribution });
    map.addControl(attributionRef.current, "bottom-right");
    map.on("load", () => setStyleLoaded(true));
    map.on("moveend", () => {
      const c = map.getCenter();
      propsRef.current.onMove({ zoom: map.getZoom(), lat: c.lat, lon: c.lng });
    });
    map.on("click", (e) => {
      if (propsRef.current.picking) propsRef.current.onPickPoint([e.lngLat.lng, e.lngLat.lat]);
    });
    map.on("click", "compounds-fill", (e) => {
      if (propsRef.current.picking) return;
      // A click on a facility opens its popup, not the compound beneath it.
      if (propsRef.current.describeAmenity && map.queryRenderedFeatures(e.point, { layers: [AMENITY_LAYERS[0]] }).length) return;
      const id = e.features?.[0]?.id;
      if (typeof id === "number") propsRef.current.onSelect(id);
    });
    map.on("mouseenter", "compounds-fill", () => {
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", "compounds-fill", () => {
      map.getCanvas().style.cursor = "";
    });
    for (const layer of ["buildings-fill", "buildings-3d"]) {
      map.on("click", layer, (e) => {
        const f = e.features?.[0];
        const pick = propsRef.current.onPickBuilding;
        if (propsRef.current.picking || !f || !pick) return;
        pick({ id: Number(f.properties.id), compoundId: Number(f.properties.compoundId) });
      });
      map.on("mouseenter", layer, () => {
        if (propsRef.current.onPickBuilding) map.getCanvas().style.cursor = "pointer";
      });
    }
    map.on("click", AMENITY_LAYERS[0], (e) => {
      const f = e.features?.[0];
      const describe = propsRef.current.describeAmenity;
      if (propsRef.current.picking || !f || !describe) return;
      popupRef.current?.remove();
      popupRef.current = new maplibregl.Popup({ closeButton: false, maxWidth: "280px", offset: 10 })
        .setLngLat((f.geometry as unknown as { coordinates: [number, number] }).coordinates)
        .setDOMContent(amenityPopup(f.id, describe(f.properties)))
        .addTo(map);
    });
    map.on("mouseenter", AMENITY_LAYERS[0], () => {
      if (propsRef.current.describeAmenity) map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", AMENITY_LAYERS[0], () => {
      map.getCanvas().style.cursor = propsRef.current.picking ? "crosshair" : "";
    });
    // Drag a proposed facility: the map does not pan, the point follows the pointer, and every
    // move is reported (the coverage view recomputes as it goes).
    map.on("mousedown", "analysis-points", (e) => {
      const f = e.features?.find((x) => x.properties.layer === "proposed");
      const drag = propsRef.current.onDragProposed;
      if (!f || !drag || propsRef.current.picking) return;
      e.preventDefault();
      const key = String(f.properties.key);
      const canvas = map.getCanvas();
      canvas.style.cursor = "grabbing";
      canvas.dataset.dragging = key;
      const move = (ev: maplibregl.MapMouseEvent) => propsRef.current.onDragProposed?.(key, [ev.lngLat.lng, ev.lngLat.lat]);
      map.on("mousemove", move);
      map.once("mouseup", (ev) => {
        map.off("mousemove", move);
        move(ev);
        canvas.style.cursor = "";
        delete canvas.dataset.dragging;
      });
    });
    map.on("mouseenter", "analysis-points", (e) => {
      if (propsRef.current.onDragProposed && e.features?.some((x) => x.properties.layer === "proposed")) map.getCanvas().style.cursor = "grab";
    });
    map.on("mouseleave", "analysis-points", () => {
      if (!map.getCanvas().dataset.dragging) map.getCanvas().style.cursor = propsRef.current.picking ? "crosshair" : "";
    });
    map.on("error", (e) => console.error("map error", e.error));
    mapRef.current = map;
    window.__renewalMap = map;
    propsRef.current.onMap?.(map);
    return () => {
      propsRef.current.onMap?.(null);
      map.remove();
      mapRef.current = null;
      if (window.__renewalMap === map) delete window.__renewalMap;
      setStyleLoaded(false);
      setReady(false);
    };
  }, []);

  // The attribution follows the UI language.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !attributionRef.current) return;
    map.removeControl(attributionRef.current);
    attributionRef.current = new maplibregl.AttributionControl({ compact: true, customAttribution: props.attribution });
    map.addControl(attributionRef.current, "bottom-right");
  }, [props.attribution]);

  // Tiled sources take feature state by tile layer (named as the source) and get new tiles on new data.
  const isTiled = useCallback((source: string) => (propsRef.current.tiledLayers ?? []).includes(source), []);
  const stateOf = useCallback((source: string, id: number | string) => ({ source, id, ...(isTiled(source) ? { sourceLayer: source } : {}) }), [isTiled]);
  const tileVersion = props.tileVersion ?? 0;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !tileVersion) return;
    for (const id of propsRef.current.tiledLayers ?? [])
      (map.getSource(id) as maplibregl.VectorTileSource | undefined)?.setTiles([tileUrl(window.location.origin, id, tileVersion)]);
  }, [styleLoaded, tileVersion]);

  // Push data into the sources as it arrives.
  const { compounds, buildings, gates, amenities, streets, water, items, subdistricts, communities, feedback } = props.data;
  const selection = props.selection;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    const set = (id: string, data?: GeoJSONData) => {
      if (data && !isTiled(id))
        (map.getSource(id) as maplibregl.GeoJSONSource | undefined)?.setData(data as Parameters<maplibregl.GeoJSONSource["setData"]>[0]);
    };
    set("compounds", compounds);
    set("buildings", buildings);
    set("gates", gates);
    set("amenities", amenities);
    set("streets", streets);
    set("water", water);
    set("items", items);
    set("subdistricts", subdistricts);
    set("communities", communities);
    set("feedback", feedback);
    set("selection", selection ?? { type: "FeatureCollection", features: [] });
    const version = ++pushes.current;
    map.once("idle", () => setDrawnVersion((v) => Math.max(v, version)));
  }, [styleLoaded, compounds, buildings, gates, amenities, streets, water, items, subdistricts, communities, feedback, selection, isTiled]);

  const analysis = props.analysis;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    (map.getSource("analysis") as maplibregl.GeoJSONSource | undefined)?.setData(
      (analysis ?? { type: "FeatureCollection", features: [] }) as Parameters<maplibregl.GeoJSONSource["setData"]>[0],
    );
  }, [styleLoaded, analysis]);

  // Coverage colours live in feature state, so the compounds' data is not re-sent on every run.
  const colours = props.compoundColors;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !compounds) return;
    for (const f of compounds.features as Array<{ id: number }>) {
      map.setFeatureState(stateOf("compounds", f.id), { cov: colours?.get(f.id) ?? null });
    }
  }, [styleLoaded, compounds, colours, stateOf]);

  // The roll-up choropleth, also in feature state: one level's areas coloured, the other's fill off.
  const regions = props.regions;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    for (const level of ["subdistrict", "community"] as const) {
      const source = regionSource(level);
      const on = regions?.level === level;
      map.setLayoutProperty(`${source}-fill`, "visibility", on ? "visible" : "none");
      map.removeFeatureState({ source });
      const areas = level === "subdistrict" ? subdistricts : communities;
      if (!on || !areas) continue;
      for (const f of areas.features as Array<{ id: number }>) map.setFeatureState({ source, id: f.id }, { roll: regions.colours.get(f.id) ?? null });
    }
  }, [styleLoaded, regions, subdistricts, communities]);

  // The picked building's outline.
  const picked = props.pickedBuilding ?? null;
  const pickedBefore = useRef<number | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || (!buildings && !isTiled("buildings"))) return;
    if (pickedBefore.current !== null) map.setFeatureState(stateOf("buildings", pickedBefore.current), { picked: false });
    if (picked !== null) map.setFeatureState(stateOf("buildings", picked), { picked: true });
    pickedBefore.current = picked;
  }, [styleLoaded, buildings, picked, stateOf, isTiled]);

  const fit = props.fitRequest;
  // biome-ignore lint/correctness/useExhaustiveDependencies: fits once per request (its counter), not when the request object is rebuilt
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !fit) return;
    const [a, b, c, d] = fit.bounds;
    map.fitBounds(
      [
        [a, b],
        [c, d],
      ],
      { padding: 40, maxZoom: 17, duration: 0 },
    );
  }, [styleLoaded, fit?.n]);

  useEffect(() => {
    const map = mapRef.current;
    if (map) map.getCanvas().style.cursor = props.picking ? "crosshair" : "";
  }, [props.picking]);

  // First view: the whole district, unless the URL said where to look.
  const fitted = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || fitted.current || !props.initialBounds) return;
    fitted.current = true;
    if (!propsRef.current.initialPosition) {
      const [a, b, c, d] = props.initialBounds;
      map.fitBounds(
        [
          [a, b],
          [c, d],
        ],
        { padding: 20, duration: 0 },
      );
    }
  }, [styleLoaded, props.initialBounds]);

  // Ready once the compounds are drawn: tests and screenshots wait for this.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !compounds) return;
    let cancelled = false;
    map.once("idle", () => {
      if (!cancelled) setReady(true);
    });
    map.triggerRepaint();
    return () => {
      cancelled = true;
    };
  }, [styleLoaded, compounds]);

  // The chosen category's facilities alone (the popup of another one closes).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    for (const layer of AMENITY_LAYERS) map.setFilter(layer, amenityFilter(props.amenityCategory ?? null));
    popupRef.current?.remove();
  }, [styleLoaded, props.amenityCategory]);

  // View, year, 3D switch and whether a choropleth is under the compounds.
  const underRegions = regions !== undefined;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    for (const [layer, visible] of Object.entries(layerVisibility(props.view, props.show3d))) {
      map.setLayoutProperty(layer, "visibility", visible ? "visible" : "none");
    }
    map.setPaintProperty("buildings-fill", "fill-color", buildingColor(props.view));
    map.setPaintProperty("compounds-fill", "fill-color", compoundColor(props.view));
    map.setPaintProperty("compounds-fill", "fill-opacity", compoundOpacity(props.year, props.view, underRegions));
    popupRef.current?.remove();
    if (props.view === "planner" && props.show3d) map.easeTo({ pitch: 55, duration: 600 });
    else if (map.getPitch() > 0) map.easeTo({ pitch: 0, duration: 400 });
  }, [styleLoaded, props.view, props.year, props.show3d, underRegions]);

  // Selection highlight.
  const previous = useRef<number | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !compounds) return;
    if (previous.current !== null) map.setFeatureState(stateOf("compounds", previous.current), { selected: false });
    if (props.selectedId !== null) map.setFeatureState(stateOf("compounds", props.selectedId), { selected: true });
    previous.current = props.selectedId;
  }, [styleLoaded, compounds, props.selectedId, stateOf]);

  // Fly to the selected compound on request.
  // biome-ignore lint/correctness/useExhaustiveDependencies: flies only when asked (flyRequest), not when a map click changes the selection
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !compounds || props.flyRequest === 0 || props.selectedId === null) return;
    const f = (compounds.features as Array<{ id: number; geometry: { coordinates: unknown } }>).find((x) => x.id === props.selectedId);
    if (!f) return;
    const [a, b, c, d] = geometryBounds(f.geometry);
    // Leave room for the compound card: on the left on wide screens, at the bottom on phones.
    const wide = map.getContainer().clientWidth > 700;
    const padding = wide ? { top: 60, bottom: 60, left: 400, right: 60 } : { top: 30, bottom: 30, left: 30, right: 30 };
    map.fitBounds(
      [
        [a, b],
        [c, d],
      ],
      { padding, maxZoom: 17, duration: 800 },
    );
  }, [styleLoaded, compounds, props.flyRequest]);

  return (
    <div className="map-wrap">
      <div ref={container} className="map" data-testid="map" data-ready={ready ? "true" : "false"} data-version={drawnVersion} />
      {!ready && (
        <div className="map-loading" data-testid="loading" role="status">
          {props.loadingLabel}
        </div>
      )}
    </div>
  );
}

/** The popup's content, built as DOM text (no HTML strings): the title, then one line each. */
function amenityPopup(id: string | number | undefined, card: AmenityCard): HTMLElement {
  const el = document.createElement("div");
  el.className = "amenity-card";
  el.dataset.testid = "amenity-popup";
  if (id !== undefined) el.dataset.id = String(id);
  const title = document.createElement("strong");
  title.dataset.testid = "amenity-popup-name";
  title.textContent = card.title;
  el.append(title);
  const line = (text: string) => {
    const p = document.createElement("div");
    p.textContent = text;
    return p;
  };
  for (const text of card.lines) el.append(line(text));
  if (card.later) {
    const more = document.createElement("div");
    more.className = "later";
    more.dataset.testid = "amenity-popup-serves";
    more.dataset.ready = "false";
    more.textContent = card.later.pending;
    el.append(more);
    card.later.lines.then(
      (lines) => {
        more.replaceChildren(...lines.map(line));
        more.dataset.ready = "true";
      },
      () => more.remove(),
    );
  }
  return el;
}
