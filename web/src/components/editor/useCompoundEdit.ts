import { useState } from "react";
import { ApiError, sendJson } from "../../api/client";
import { ALL_LAYERS, layersChangedBy, type EditedLayer } from "../../api/edit-scope";
import type { CompoundDetail } from "../../api/resources";

/** A point the planner picked on the map, `[lon, lat]` in EPSG:4326; null when the pick was cancelled. */
export type RequestPick = (what: string) => Promise<[number, number] | null>;

/** A building clicked on the map: its id, and a counter so a second click on the same one applies again. */
export interface PickedBuilding {
  id: number;
  n: number;
}

/** The state every form of the compound editor shares: one write at a time, one error shown. */
export interface CompoundEdit {
  /** The compound's version as last loaded; attribute and status writes send it, a 409 means someone else wrote first. */
  version: number;
  /** True while a write is in flight; the forms' buttons are disabled meanwhile. */
  busy: boolean;
  error: ApiError | null;
  /** Send one write; on success reload the compound, on failure keep the error to show. Resolves to whether it succeeded. */
  send(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<boolean>;
  /** Drop the error and reload the compound (the way out of a 409). */
  reload(): void;
}

/**
 * `onChanged` gets the map layers the write changed (see layersChangedBy); the compound's own card
 * is reloaded in any case.
 */
export function useCompoundEdit(data: CompoundDetail, onChanged: (layers: readonly EditedLayer[]) => void): CompoundEdit {
  const version = (data.properties as { version?: number }).version ?? 1;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown) {
    setBusy(true);
    setError(null);
    try {
      await sendJson(method, url, body);
      onChanged(layersChangedBy(method, url));
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
      return false;
    } finally {
      setBusy(false);
    }
  }

  // Someone else wrote first: what they changed is unknown, so everything.
  const reload = () => {
    setError(null);
    onChanged(ALL_LAYERS);
  };

  return { version, busy, error, send, reload };
}
