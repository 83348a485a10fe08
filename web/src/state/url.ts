import { useCallback, useEffect, useState } from "react";

export type View = "progress" | "coverage" | "planner" | "feedback" | "admin";
export const VIEWS: View[] = ["progress", "coverage", "planner", "feedback", "admin"];

/** Map position as it appears in the URL (`map=zoom/lat/lon`, like MapLibre's hash). */
export interface MapPosition {
  zoom: number;
  lat: number;
  lon: number;
}

/**
 * Everything a link must reproduce: the view, the plan year, the selected compound, the map
 * position, and the coverage view's chosen category, colour mode and loaded what-if scenario.
 */
export interface UrlState {
  view: View;
  year: number | null;
  compound: number | null;
  map: MapPosition | null;
  /** The coverage view's chosen facility category (a code of the standards profile), or null for all. */
  category: string | null;
  /** The coverage view's colour mode when not the default (a mode the view does not know counts as the default). */
  colour: string | null;
  /** The saved what-if scenario loaded in the coverage view (its id), or null for the baseline. */
  scenario: number | null;
}

export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const view = p.get("view");
  // A plan year is any year the data has (the progress view lists those); the link only needs to be a year.
  const yearText = p.get("year") ?? "";
  const compound = Number(p.get("compound"));
  const category = p.get("category") ?? "";
  const colour = p.get("colour") ?? "";
  const scenario = Number(p.get("scenario"));
  const m = /^(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(p.get("map") ?? "");
  return {
    view: VIEWS.includes(view as View) ? (view as View) : "progress",
    year: /^20\d\d$/.test(yearText) ? Number(yearText) : null,
    compound: Number.isInteger(compound) && compound > 0 ? compound : null,
    map: m ? { zoom: Number(m[1]), lat: Number(m[2]), lon: Number(m[3]) } : null,
    // Only the shape of a code here; the coverage view ignores a code its profile does not have.
    category: /^[a-z0-9_]{1,64}$/.test(category) ? category : null,
    colour: /^[a-z]{1,16}$/.test(colour) ? colour : null,
    scenario: Number.isInteger(scenario) && scenario > 0 ? scenario : null,
  };
}

export function formatUrlState(s: UrlState, keep: URLSearchParams = new URLSearchParams()): string {
  const p = new URLSearchParams(keep);
  for (const k of ["view", "year", "compound", "map", "category", "colour", "scenario"]) p.delete(k);
  if (s.view !== "progress") p.set("view", s.view);
  if (s.year !== null) p.set("year", String(s.year));
  if (s.compound !== null) p.set("compound", String(s.compound));
  if (s.category !== null) p.set("category", s.category);
  if (s.colour !== null) p.set("colour", s.colour);
  if (s.scenario !== null) p.set("scenario", String(s.scenario));
  if (s.map) p.set("map", `${s.map.zoom.toFixed(2)}/${s.map.lat.toFixed(5)}/${s.map.lon.toFixed(5)}`);
  const q = p.toString().replaceAll("%2F", "/");
  return q ? `?${q}` : (globalThis.location?.pathname ?? "/");
}

/** URL-backed state: every change rewrites the address bar (replaceState), so a link reproduces the view. */
export function useUrlState(): [UrlState, (patch: Partial<UrlState>) => void] {
  const [state, setState] = useState<UrlState>(() => parseUrlState(location.search));
  useEffect(() => {
    const next = formatUrlState(state, new URLSearchParams(location.search));
    if (next !== location.search) history.replaceState(null, "", next);
  }, [state]);
  useEffect(() => {
    const onPop = () => setState(parseUrlState(location.search));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  const update = useCallback((patch: Partial<UrlState>) => setState((s) => ({ ...s, ...patch })), []);
  return [state, update];
}
