// Which map layers a write changes, so that after an edit the app reloads those alone (an item
// edit does not reload the compounds, nor restart the analysis worker that depends on them).

/** The layers an edit can change (each one request of the map's data). */
export type EditedLayer = "compounds" | "gates" | "buildings" | "items";
export const ALL_LAYERS: readonly EditedLayer[] = ["compounds", "gates", "buildings", "items"];

/**
 * The layers a write (`method` on `url`) changes: an item's or a gate's write its own layer, a
 * building's its layer and the items on it, a compound's attributes or status the compounds (and,
 * for a status, its items' dates may follow); deleting a compound, or any other write, all of them.
 */
export function layersChangedBy(method: "POST" | "PATCH" | "DELETE", url: string): readonly EditedLayer[] {
  const path = url.split("?")[0];
  if (/\/items(\/|$)/.test(path)) return ["items"];
  if (/\/gates(\/|$)/.test(path)) return ["gates"];
  if (/\/buildings(\/|$)/.test(path)) return ["buildings", "items"];
  if (/^\/api\/compounds\/\d+\/status$/.test(path)) return ["compounds", "items"];
  if (/^\/api\/compounds(\/\d+)?$/.test(path) && method !== "DELETE") return ["compounds"];
  return ALL_LAYERS;
}
