import { useState } from "react";
import { boundsOf, type CompoundInfo } from "./model";
import type { Area } from "./RollUps";
import type { RunTask } from "./useCoverageResult";

/** The subdistrict report: opened with the map captured over the subdistrict's compounds, then closed. */
export function useReport({
  subdistricts,
  info,
  captureMap,
  run,
}: {
  subdistricts: Area[];
  info: Map<number, CompoundInfo>;
  captureMap(bounds: [number, number, number, number]): Promise<string | null>;
  run: RunTask;
}) {
  const [report, setReport] = useState<{ subdistrict: Area; image: string | null } | null>(null);
  const open = (id: number) =>
    run(async () => {
      const sub = subdistricts.find((s) => s.id === id);
      const ids = [...info.values()].filter((c) => c.subdistrictId === id).map((c) => c.id);
      const bounds = boundsOf(ids, info);
      if (!sub || !bounds) return;
      setReport({ subdistrict: sub, image: await captureMap(bounds) });
    });
  return { report, open, close: () => setReport(null) };
}
