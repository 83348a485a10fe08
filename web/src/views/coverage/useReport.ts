import { useState } from "react";
import type { Layer } from "../../api/resources";
import { bboxOf } from "../../analysis/geo";
import { polygonRings, type CaptureMap, type MapFrame } from "../../map/print-frame";
import { boundsOf, type CompoundInfo } from "./model";
import type { Area } from "./RollUps";
import type { RunTask } from "./useCoverageResult";

/** `[w, s, e, n]` covering both boxes. */
const union = (a: [number, number, number, number], b: [number, number, number, number]): [number, number, number, number] => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[2], b[2]),
  Math.max(a[3], b[3]),
];

/**
 * The subdistrict report: opened with the map captured over the whole subdistrict (its boundary and
 * every compound in it), the boundary kept to be drawn over the printed map; then closed.
 */
export function useReport({
  subdistricts,
  boundaries,
  info,
  captureMap,
  run,
}: {
  subdistricts: Area[];
  /** The subdistricts layer (boundaries), when loaded. */
  boundaries: Layer | undefined;
  info: Map<number, CompoundInfo>;
  captureMap: CaptureMap;
  run: RunTask;
}) {
  const [report, setReport] = useState<{ subdistrict: Area; map: MapFrame | null; outline: Array<Array<[number, number]>> } | null>(null);
  const open = (id: number) =>
    run(async () => {
      const sub = subdistricts.find((s) => s.id === id);
      const ids = [...info.values()].filter((c) => c.subdistrictId === id).map((c) => c.id);
      const boundary = boundaries?.features.find((f) => Number(f.properties.id) === id)?.geometry as { type: string; coordinates: unknown } | undefined;
      const outline = polygonRings(boundary);
      const compounds = boundsOf(ids, info);
      const area = outline.length ? bboxOf(outline) : null;
      const bounds = compounds && area ? union(compounds, area) : (compounds ?? area);
      if (!sub || !bounds) return;
      setReport({ subdistrict: sub, map: await captureMap(bounds), outline });
    });
  return { report, open, close: () => setReport(null) };
}
